"""Benchmark of the product feed against a hand-written floor, on catalogues from seed_demo.

    python benchmarks/feeds.py                          # SQLite, 20k products
    python benchmarks/feeds.py --products 100000 1000000  # two sizes, and their ratio
    python benchmarks/feeds.py --products 100000 \\
        --database postgres://postgres@127.0.0.1:5432/clerk_bench_{products}

Seeded databases are kept in ``.benchmarks-data/`` (gitignored) and reused by later runs.
The floor, measured in the same run: a hand-written page of the same output (``values_list``
ordered by primary key and read with ``pk > last``, one query each for the category ids, the
customer-group prices and the variants, one JSON encode); the script checks that it equals
the feed's page. Printed:

- a 1000-item page of the product feed, at the first, middle and last page of a sequential
  crawl (the page before is served first, as the importer does), and its ratio to the floor;
- queries per page at page sizes 10, 100 and 1000, and on a crawl's first and last page;
- a whole crawl (limit 1000) and the ratio between sizes;
- the same 1000-item page rendered by the example mapping (every field declared: ``values()``
  rows) and by the same mapping plus one ``SerializerMethodField`` that reads a relation
  (model instances), so the cost of the instance source is visible;
- peak memory (max RSS, in a fresh process) serving one page, and a whole NDJSON export.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median
from typing import Any

from feed_floor import PRIVATE, PUBLIC, check_floor, floor_page

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".benchmarks-data"
DEFAULT_DATABASE = "sqlite:///" + str(DATA / "feeds-{products}.sqlite3")
TOKEN = "bench-token"


# -- worker side (a fresh process per database and catalogue) ------------------------------
def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.CLERK = {**settings.CLERK, "FEED_ALLOW_HTTP": True, "BASE_URL": "https://shop.test"}


def prepare(database: str, products: int) -> None:
    """Create the database if needed, migrate, seed ``products`` products, set store keys
    (and, on PostgreSQL, vacuum the tables and gather the planner's statistics, as autovacuum
    would later)."""
    if database.startswith("postgres"):
        create_postgres_database(database)
    setup(database)
    from django.core.management import call_command
    from shop.models import Product

    from django_clerk.models import Store

    call_command("migrate", verbosity=0)
    if Product.objects.count() != products:
        print(f"  seeding {products} products into {redact(database)} ...", file=sys.stderr)
        call_command("seed_demo", products=products, orders=1000, customers=500, pages=50,
                     seed=1, reset=True, verbosity=1, market_prices=False)  # fmt: skip
    Store.objects.filter(code="default").update(
        public_key=PUBLIC,
        private_key=PRIVATE,
        is_active=True,
        legacy_auth=True,  # the benchmark pages with the keys in the query string
        base_url="https://shop.test/",
    )
    Store.objects.exclude(code="default").update(is_active=False)
    from django.db import connection

    if connection.vendor == "postgresql":  # the planner's statistics; earlier runs' dead rows
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def create_postgres_database(database: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(database)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


#: The clock of the page timings: wall time, or the process's CPU time (``--clock cpu``: on
#: a busy machine, SQLite only, whose work runs in the process).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def measure(repeat: int, clock: str = "wall") -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from shop.models import Product

    from django_clerk.models import FeedCursor

    client = Client()
    auth = {"key": PUBLIC, "private_key": PRIVATE}
    now = CLOCKS[clock]

    def page(number: int, limit: int = 1000) -> Any:
        response = client.get("/clerk/product", {**auth, "page": number, "limit": limit})
        assert response.status_code == 200, response.content[:300]
        return response

    published = Product.objects.filter(is_published=True, stock__gt=0)
    total = published.count()
    pages = (total + 999) // 1000
    pks = list(published.order_by("pk").values_list("pk", flat=True)[999::1000])
    results: dict[str, Any] = {"items": total}
    page(1)  # warm up: caches, compiled plan, URL resolver
    for label, number in (("first", 1), ("middle", pages // 2), ("last", pages)):
        last = pks[number - 2] if number > 1 else 0
        ours, floor, offset = [], [], []
        for _ in range(repeat):  # interleaved, so that load on the machine hits both alike
            if number > 1:
                page(number - 1)  # the importer's previous page leaves the cursor
            started = now()
            page(number)
            ours.append(now() - started)
            started = now()
            floor_page(last, 1000)
            floor.append(now() - started)
            FeedCursor.objects.all().delete()  # no cursor: the same page read with OFFSET
            started = now()
            page(number)
            offset.append(now() - started)
        results[f"ours_{label}"] = median(ours)
        results[f"floor_{label}"] = median(floor)
        results[f"offset_{label}"] = median(offset)
    queries, writes = {}, {}
    for limit in (10, 100, 1000):
        page(2, limit)
        with CaptureQueriesContext(connection) as captured:
            page(3, limit)
        queries[limit] = len(captured.captured_queries)
        writes[limit] = sum(
            1 for query in captured.captured_queries
            if not str(query["sql"]).lstrip().upper().startswith(("SELECT", "WITH"))
        )  # fmt: skip
    results["queries"], results["writes"] = queries, writes
    started = time.perf_counter()
    number = 1
    while True:
        with CaptureQueriesContext(connection) as captured:
            response = page(number)
        if number == 1:
            results["crawl_first"] = statements(captured)
        if len(json.loads(response.content)) < 1000:
            results["crawl_last"] = statements(captured)
            break
        number += 1
    results["crawl"] = time.perf_counter() - started
    return results


def statements(captured: Any) -> int:
    """The queries a page ran, without the ``BEGIN`` and ``COMMIT`` SQLite's transactions
    show (PostgreSQL's do not)."""
    return sum(
        1 for query in captured.captured_queries
        if str(query["sql"]).strip().upper() not in ("BEGIN", "COMMIT")
    )  # fmt: skip


def method_field_serializer() -> Any:
    """The example mapping plus one method field reading a relation: it needs instances."""
    from rest_framework import serializers
    from shop.clerk import ProductSerializer

    class WithBrandSlug(ProductSerializer):
        brand_slug = serializers.SerializerMethodField()

        class Meta(ProductSerializer.Meta):
            fields = [*ProductSerializer.Meta.fields, "brand_slug"]

        @classmethod
        def get_queryset(cls, store: Any) -> Any:
            return super().get_queryset(store).select_related("brand")

        def get_brand_slug(self, product: Any) -> str | None:
            return product.brand.slug if product.brand_id else None

    return WithBrandSlug


def sources(repeat: int) -> dict[str, Any]:
    """A 1000-item page rendered from rows (all declared) and from instances (one method
    field), through the renderer the feeds use."""
    from shop.clerk import ProductSerializer

    from django_clerk.mapping import Policy, Renderer
    from django_clerk.models import Store

    store = Store.objects.get(code="default")
    results: dict[str, Any] = {}
    for label, serializer in (
        ("declared", ProductSerializer),
        ("method", method_field_serializer()),
    ):
        renderer = Renderer(serializer, store, policy=Policy.SKIP)
        source = renderer.source_queryset(serializer.feed_queryset(store))
        samples = []
        for _ in range(repeat + 1):
            started = time.perf_counter()
            renderer.render(list(source[:1000]), source.db)
            samples.append(time.perf_counter() - started)
        results[label] = median(samples[1:])
        results[f"{label}_source"] = renderer.source
    return results


def memory(kind: str) -> dict[str, Any]:
    import resource

    from django.core.cache import cache
    from django.test import Client

    from django_clerk.feeds.tokens import cache_key

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    client = Client()
    items = 0
    if kind == "page":
        response = client.get("/clerk/product", {"key": PUBLIC, "private_key": PRIVATE,
                                                 "page": 1, "limit": 1000})  # fmt: skip
        items = len(json.loads(response.content))
    else:
        cache.set(cache_key(PUBLIC, TOKEN), True, 3600)
        response = client.get(
            "/clerk/v2/products",
            {"key": PUBLIC, "limit": "all"},
            HTTP_ACCEPT="application/x-ndjson",
            HTTP_X_CLERK_AUTHORIZATION=f"Bearer {TOKEN}",
        )
        for chunk in response.streaming_content:
            items += chunk.count(b"\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"baseline_mb": baseline / 1024, "peak_mb": peak / 1024, "items": items}


def worker(args: argparse.Namespace) -> None:
    if args.worker == "prepare":
        prepare(args.database, args.products)
        return
    setup(args.database)
    if args.worker == "measure":
        result = measure(args.repeat, args.clock)
        result["floor_equal"] = check_floor()
        result["sources"] = sources(args.repeat)
    else:
        result = memory(args.worker)
    print(json.dumps(result))


# -- driver side ---------------------------------------------------------------------------
def run(args: list[str]) -> dict[str, Any]:
    command = [sys.executable, __file__, *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1]) if output.stdout.strip() else {}


def redact(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, nargs="+", default=[20_000])
    parser.add_argument("--database", action="append", help="URL; {products} is replaced")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="page timings; cpu: the process's CPU time (SQLite)")  # fmt: skip
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.database = args.database[0]
        args.products = args.products[0]
        return worker(args)
    DATA.mkdir(exist_ok=True)
    for template in args.database or [DEFAULT_DATABASE]:
        crawls = {}
        for products in args.products:
            url = template.format(products=products)
            common = ["--database", url, "--products", str(products)]
            print(f"\n== {redact(url)}: {products:,} products", flush=True)
            subprocess.run([sys.executable, __file__, *common, "--worker", "prepare"],
                           check=True, cwd=ROOT)  # fmt: skip
            timing = ["--repeat", str(args.repeat), "--clock", args.clock]
            result = run([*common, *timing, "--worker", "measure"])
            print(f"  {result['items']:,} products in the feed; floor equals the feed's page: "
                  f"{result['floor_equal']}")  # fmt: skip
            if args.clock == "cpu":
                print("  page timings in the process's CPU time")
            for label in ("first", "middle", "last"):
                ours, floor = result[f"ours_{label}"], result[f"floor_{label}"]
                print(
                    f"  1000-item page, {label:6}: feed {ours * 1000:6.1f} ms, floor "
                    f"{floor * 1000:6.1f} ms, ratio {ours / floor:4.2f}x (target <= 1.2x); "
                    f"without cursor (OFFSET) {result[f'offset_{label}'] * 1000:6.1f} ms"
                )
            queries = ", ".join(
                f"{n} at limit {k} ({n - result['writes'][k]} reads, {result['writes'][k]} write)"
                for k, n in result["queries"].items()
            )
            print(f"  queries per page: {queries}  (reads: the stores with the crawl's cursor, "
                  "the page and its 3 relations in one statement; write: the cursor's move; "
                  "the floor: 4 reads)")  # fmt: skip
            print(f"  a crawl's first page: {result['crawl_first']} queries (also the wipe "
                  "guard's count and the crawl record); its last page: "
                  f"{result['crawl_last']} (also the crawl record's counters)")  # fmt: skip
            print(f"  whole crawl at limit 1000: {result['crawl']:.1f} s")
            found = result["sources"]
            print(
                f"  1000-item page rendered, every field declared ({found['declared_source']}): "
                f"{found['declared'] * 1000:.1f} ms; with one SerializerMethodField reading a "
                f"relation ({found['method_source']}): {found['method'] * 1000:.1f} ms, "
                f"ratio {found['method'] / found['declared']:.2f}x"
            )
            crawls[products] = result["crawl"]
            for kind in ("page", "export"):
                mem = run([*common, "--worker", kind])
                print(f"  peak memory, {kind:6}: {mem['peak_mb']:6.1f} MB max RSS "
                      f"(after setup {mem['baseline_mb']:.1f} MB; {mem['items']:,} items)"
                      "  (target < 120 MB)")  # fmt: skip
        sizes = sorted(crawls)
        if len(sizes) > 1:
            small, big = sizes[0], sizes[-1]
            print(f"  whole crawl {big:,} / {small:,}: {crawls[big] / crawls[small]:.1f}x for "
                  f"{big / small:.0f}x the products (target <= 12x for 10x)")  # fmt: skip


if __name__ == "__main__":
    main()
