"""Benchmark of a product feed page with market prices against a hand-written floor.

    python benchmarks/markets.py                  # 5,000 products, SQLite in a temporary file
    python benchmarks/markets.py --products 20000 --repeat 9

The catalogue is the test suite's market shop (integer-cent prices): every product has a
price for each of 5 customer groups and 3 tier prices (quantity breaks). The feed renders
``price``/``list_price`` (with and without tax), ``customer_group_price_<g>`` (and
``_excl_tax``) for the 5 groups, ``tier_price_quantities``/``tier_price_values`` (and
``_excl_tax``) and ``currency``, plus ``name`` and ``url``. Printed, for a store in the
base currency (DKK) and one converting with a rate (EUR), in the same run:

- a 1000-item page of the legacy product feed (HTTP through Django's test client, keys in
  the query string), median of ``--repeat``;
- the floor: the same page written by hand (``values_list`` ordered by primary key, one
  query for the group prices, one for the tier prices, the same Decimal conversion and
  rounding, one JSON encode); the script checks that it equals the feed's page;
- their ratio, interleaved so that load on the machine hits both alike;
- queries per feed page, and of the individual-prices endpoint for 1, 10 and 50 ids.

Validation is off on both sides (the floor validates nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GROUPS = ["retail", "trade", "vip", "staff", "partner"]
TIERS = [5, 10, 50]
RATES = {"EUR": "0.134"}
TAX = 0.25


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "tests.marketshop.urls"
    settings.CLERK = {
        **settings.CLERK,
        "FEED_ALLOW_HTTP": True,
        "VALIDATE": False,
        "REALTIME_SYNC": False,
        "BASE_CURRENCY": "DKK",
        "CURRENCY_RATES": RATES,
        "SERIALIZERS": {"products": define_serializer()},
        "INDIVIDUAL_PRICES": individual_prices,
        "INDIVIDUAL_PRICES_CACHE_SECONDS": 0,
    }


def define_serializer() -> Any:
    from rest_framework import serializers

    from django_clerk import mapping
    from tests.marketshop.models import Product

    class BenchProductSerializer(mapping.ProductSerializer):
        name = serializers.CharField(source="slug")
        url = mapping.AbsoluteURLField(view_name="marketshop-product", lookup_field="slug")
        prices = mapping.PricesField(
            price="price_cents", list_price="list_price_cents", tax_rate=TAX, minor_units=100
        )
        group_prices = mapping.GroupPricesField(
            group="group", price="price_cents", tax_rate=TAX, minor_units=100
        )
        tiers = mapping.TierPricesField(
            source="tier_prices",
            quantity="min_quantity",
            price="price_cents",
            tax_rate=TAX,
            minor_units=100,
        )
        currency = mapping.CurrencyField()

        class Meta:
            model = Product
            fields = ["id", "name", "url", "prices", "group_prices", "tiers", "currency"]

    return BenchProductSerializer


def individual_prices(user: Any, ids: list[str], store: Any) -> dict[str, float]:
    """One query for any number of ids."""
    from tests.marketshop.models import GroupPrice

    keys = [uuid.UUID(i) for i in ids]
    rows = GroupPrice.objects.filter(product_id__in=keys, group="vip")
    return {str(p): c / 100 for p, c in rows.values_list("product_id", "price_cents")}


def seed(products: int) -> None:
    from django.core.management import call_command

    from django_clerk.models import Store
    from tests.marketshop.models import GroupPrice, Product, TierPrice

    call_command("migrate", run_syncdb=True, verbosity=0)
    made = Product.objects.bulk_create(
        Product(
            slug=f"p{n}",
            price_cents=10000 + n % 9973,
            list_price_cents=None if n % 3 == 0 else 15000 + n % 7919,
        )
        for n in range(products)
    )
    GroupPrice.objects.bulk_create(
        (
            GroupPrice(product=p, group=g, price_cents=9000 + (n * 7 + i * 131) % 997)
            for n, p in enumerate(made)
            for i, g in enumerate(GROUPS)
        ),
        batch_size=5000,
    )
    TierPrice.objects.bulk_create(
        (
            TierPrice(product=p, min_quantity=q, price_cents=9500 - i * 250 + n % 89)
            for n, p in enumerate(made)
            for i, q in enumerate(TIERS)
        ),
        batch_size=5000,
    )
    for code, currency in (("default", ""), ("eu", "EUR")):
        Store.objects.update_or_create(
            code=code,
            defaults={"name": code, "public_key": f"{code}-public",
                      "private_key": f"{code}-private", "currency": currency,
                      "legacy_auth": True, "base_url": "https://shop.test/"},
        )  # fmt: skip


def amount(cents: int, rate: Decimal | None) -> float:
    if rate is None:
        return round(cents / 100, 2)
    value = Decimal(cents) * rate / 100
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def pair(item: dict[str, Any], name: str, gross: float) -> None:
    item[name] = round(gross, 2)
    item[f"{name}_excl_tax"] = round(gross / (1 + TAX), 2)


def floor_page(offset: int, limit: int, currency: str) -> bytes:
    """The hand-written page: the same output, nothing generic."""
    from tests.marketshop.models import GroupPrice, Product, TierPrice

    rate = Decimal(RATES[currency]) if currency in RATES else None
    rows = list(
        Product.objects.order_by("pk").values_list("pk", "slug", "price_cents",
                                                   "list_price_cents")[offset : offset + limit]
    )  # fmt: skip
    ids = [row[0] for row in rows]
    groups: dict[Any, dict[str, int]] = {}
    for pk, group, cents in GroupPrice.objects.filter(product_id__in=ids).values_list(
        "product_id", "group", "price_cents"
    ):
        own = groups.setdefault(pk, {})
        own[group] = min(cents, own.get(group, cents))
    tiers: dict[Any, list[tuple[int, int]]] = {}
    for pk, quantity, cents in TierPrice.objects.filter(product_id__in=ids).values_list(
        "product_id", "min_quantity", "price_cents"
    ):
        tiers.setdefault(pk, []).append((quantity, cents))
    out = []
    for pk, slug, price, listed in rows:
        item: dict[str, Any] = {"id": str(pk), "name": slug, "url": f"https://shop.test/p/{slug}/"}
        pair(item, "price", amount(price, rate))
        if listed is not None:
            pair(item, "list_price", amount(listed, rate))
        item["tax_rate"] = TAX
        if listed is not None:
            item["on_sale"] = item["price"] < item["list_price"]
        for group, cents in groups.get(pk, {}).items():
            pair(item, f"customer_group_price_{group}", amount(cents, rate))
        own = sorted((q, amount(c, rate)) for q, c in tiers.get(pk, []))
        if own:
            item["tier_price_quantities"] = [q for q, _ in own]
            item["tier_price_values"] = [round(v, 2) for _, v in own]
            item["tier_price_values_excl_tax"] = [round(v / (1 + TAX), 2) for _, v in own]
        item["currency"] = currency
        out.append(item)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()


def measure(repeat: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.marketshop.models import Product

    client = Client()

    def page(code: str, number: int = 2) -> Any:
        keys = {"key": f"{code}-public", "private_key": f"{code}-private"}
        response = client.get("/clerk/product", {**keys, "page": number, "limit": 1000})
        assert response.status_code == 200, response.content[:300]
        return response

    print(f"{'store':<14}{'feed page':>12}{'floor':>12}{'ratio':>8}{'queries':>9}")
    for code, currency in (("default", "DKK"), ("eu", "EUR")):
        ours = json.loads(page(code).content)
        floor = json.loads(floor_page(1000, 1000, currency))
        assert ours == floor, "the floor does not give the feed's page"
        timings: dict[str, list[float]] = {"ours": [], "floor": []}
        for _ in range(repeat):
            started = time.perf_counter()
            page(code)
            timings["ours"].append(time.perf_counter() - started)
            started = time.perf_counter()
            floor_page(1000, 1000, currency)
            timings["floor"].append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            page(code)
        mine, hand = median(timings["ours"]), median(timings["floor"])
        label = f"{code} ({currency})"
        print(f"{label:<14}{mine * 1000:>10.1f}ms{hand * 1000:>10.1f}ms{mine / hand:>7.2f}x"
              f"{len(captured.captured_queries):>9}")  # fmt: skip
    user = User.objects.create_user(f"bench-{uuid.uuid4().hex[:8]}")
    client.force_login(user)
    ids = [str(pk) for pk in Product.objects.order_by("pk").values_list("pk", flat=True)[:50]]
    client.get("/clerk/prices/", {"ids": ids[0]})  # the storefront's stores cached
    counts = []
    for size in (1, 10, 50):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/clerk/prices/", {"ids": ",".join(ids[:size])})
        assert response.status_code == 200 and len(response.json()["prices"]) == size
        counts.append(f"{size} ids: {len(captured.captured_queries)}")
    print("individual-prices endpoint, queries: " + ", ".join(counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        setup(f"sqlite:///{directory}/markets.sqlite3")
        from django.conf import settings

        settings.DEBUG = False
        started = time.perf_counter()
        seed(args.products)
        print(f"{args.products} products, {len(GROUPS)} group prices and {len(TIERS)} tier "
              f"prices each, seeded in {time.perf_counter() - started:.1f}s")  # fmt: skip
        measure(args.repeat)


if __name__ == "__main__":
    main()
