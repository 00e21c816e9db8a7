"""The hand-written floor of ``benchmarks/feeds.py``: a page of the example shop's product
feed written for that shop alone (``values_list`` ordered by primary key and read with
``pk > last``, one query each for the category ids, the customer-group prices and the
variants, one JSON encode), and the check that it equals the feed's page."""

from __future__ import annotations

import json
from typing import Any

PUBLIC, PRIVATE = "bench-public", "bench-private"


def floor_page(last_pk: int, limit: int, in_stock: bool = True) -> tuple[bytes, int]:
    """The hand-written page: the same output as the example mapping, nothing generic."""
    from django.conf import settings
    from shop.models import GroupPrice, Product, ProductVariant

    origin, media = "https://shop.test", "/" + settings.MEDIA_URL.strip("/") + "/"
    products = Product.objects.filter(is_published=True, pk__gt=last_pk)
    rows = list(
        (products.filter(stock__gt=0) if in_stock else products)
        .order_by("pk")
        .values_list("pk", "name", "description", "slug", "image", "created_at", "sku",
                     "brand__name", "stock", "price", "list_price", "tax_rate")[:limit]
    )  # fmt: skip
    ids = [row[0] for row in rows]
    categories: dict[int, list[int]] = {}
    through = Product.categories.through.objects.filter(product_id__in=ids)
    for product, category in through.order_by("category__position", "category__name").values_list(
        "product_id", "category_id"
    ):
        categories.setdefault(product, []).append(category)
    group_prices: dict[int, dict[str, float]] = {}
    for product, group, price in GroupPrice.objects.filter(product_id__in=ids).values_list(
        "product_id", "group", "price"
    ):
        own = group_prices.setdefault(product, {})
        own[group] = min(own.get(group, float(price)), float(price))
    variants: dict[int, list[tuple]] = {}
    for variant in (
        ProductVariant.objects.filter(product_id__in=ids)
        .order_by("product_id", "pk")
        .values_list("product_id", "pk", "sku", "name", "price", "stock")
    ):
        variants.setdefault(variant[0], []).append(variant)
    out = []
    for pk, name, desc, slug, image, created, sku, brand, stock, price, lprice, rate in rows:
        rate = float(rate)
        item: dict[str, Any] = {"id": pk, "name": name, "description": desc,
                                "url": f"{origin}/product/{slug}/",
                                "image": f"{origin}{media}{image}",
                                "categories": categories.get(pk, []),
                                "created_at": int(created.timestamp()), "sku": sku,
                                "stock": stock, "in_stock": stock > 0}  # fmt: skip
        if brand is not None:
            item["brand"] = brand
        item["price"] = round(float(price), 2)
        item["price_excl_tax"] = round(float(price) / (1 + rate), 2)
        if lprice is not None:
            item["list_price"] = round(float(lprice), 2)
            item["list_price_excl_tax"] = round(float(lprice) / (1 + rate), 2)
        item["tax_rate"] = rate
        if lprice is not None:
            item["on_sale"] = item["price"] < item["list_price"]
        own = variants.get(pk)
        if own:
            item["variant_ids"] = [v[1] for v in own]
            item["variant_skus"] = [v[2] for v in own]
            item["variant_names"] = [v[3] for v in own]
            item["variant_prices"] = [float(v[4]) for v in own]
            item["variant_stocks"] = [v[5] for v in own]
            cheapest = min(float(v[4]) for v in own)
            item["price"] = round(cheapest, 2)
            item["price_excl_tax"] = round(cheapest / (1 + rate), 2)
        for group, price in sorted(group_prices.get(pk, {}).items()):
            item[f"customer_group_price_{group}"] = round(price, 2)
            item[f"customer_group_price_{group}_excl_tax"] = round(price / (1 + rate), 2)
        out.append(item)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode(), len(out)


def check_floor() -> bool:
    """Whether the floor's first page equals the feed's (same fields, same values)."""
    from django.test import Client

    from django_clerk.models import Store
    from django_clerk.stores import forget_active_stores

    Store.objects.filter(code="default").update(include_out_of_stock=True)
    forget_active_stores()
    try:
        feed = Client().get(
            "/clerk/product", {"key": PUBLIC, "private_key": PRIVATE, "page": 1, "limit": 1000}
        )
        floor, _ = floor_page(0, 1000, in_stock=False)
        return json.loads(feed.content) == json.loads(floor)
    finally:
        Store.objects.filter(code="default").update(include_out_of_stock=False)
        forget_active_stores()
