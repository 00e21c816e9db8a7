"""A feed page's read in one statement against one query per relation, on a seeded catalogue.

    python benchmarks/page_reads.py                        # SQLite, 100k products
    python benchmarks/page_reads.py --products 100000 \\
        --database 'postgres://postgres@127.0.0.1:5432/clerk_bench_feeds_{products}'

Uses the catalogues ``benchmarks/feeds.py`` seeds (and seeds one the same way if it is
missing). Reads a 1000-row page of the example mapping from the middle of the catalogue, as
the product feed reads it (``values()`` rows with the category ids, the variants and the
customer-group prices), alternately in one statement
(:mod:`django_clerk.mapping.page_reads`) and with one query per relation, checks that both
give the same rows, and prints the median time of each, the time of their SQL alone (run on
the raw connection, rows fetched), and the queries each took.
"""

from __future__ import annotations

import argparse
import time
from statistics import median
from typing import Any

from feeds import DEFAULT_DATABASE, prepare


def read_both(repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django_clerk.mapping import get_serializer, page_reads
    from django_clerk.mapping.rendering import Renderer
    from django_clerk.models import Store

    store = Store.objects.get(code="default")
    serializer = get_serializer("products")
    renderer = Renderer(serializer, store)
    feed = serializer.feed_queryset(store)
    middle = feed.order_by("pk").values_list("pk", flat=True)[feed.count() // 2]
    rows = renderer.source_queryset(feed.filter(pk__gt=middle).order_by("pk"))
    combinable = page_reads.combinable

    def read(one: bool) -> list[dict[str, Any]]:
        page_reads.combinable = combinable if one else (lambda queryset: False)
        try:
            found = list(rows[:1000])
            renderer._attach_many(found, [row["pk"] for row in found], rows.db)
            return found
        finally:
            page_reads.combinable = combinable

    queries, sql = {}, {}
    for one in (True, False):
        with CaptureQueriesContext(connection) as captured:
            read(one)
        queries[one] = [str(query["sql"]) for query in captured.captured_queries]
    assert read(True) == read(False), "the two reads differ"
    times: dict[bool, list[float]] = {True: [], False: []}
    raw: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(repeat):  # interleaved, so that load on the machine hits both alike
        for one in (True, False):
            started = time.perf_counter()
            read(one)
            times[one].append(time.perf_counter() - started)
            started = time.perf_counter()
            with connection.cursor() as cursor:  # the SQL as captured, values inlined
                for statement in queries[one]:
                    cursor.execute(statement)
                    cursor.fetchall()
            raw[one].append(time.perf_counter() - started)
    for one in (True, False):
        sql[one] = median(raw[one])
    return {
        "vendor": connection.vendor,
        "read": {one: median(found) for one, found in times.items()},
        "sql": sql,
        "queries": {one: len(found) for one, found in queries.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="URL; {products} is replaced")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    prepare(args.database.format(products=args.products), args.products)
    result = read_both(args.repeat)
    print(f"== {result['vendor']}: a 1000-row page of {args.products:,} products "
          f"(median of {args.repeat}, interleaved)")  # fmt: skip
    for one, label in ((True, "one statement     "), (False, "query per relation")):
        print(f"  {label}: read {result['read'][one] * 1000:6.2f} ms, of which SQL "
              f"{result['sql'][one] * 1000:5.2f} ms; {result['queries'][one]} queries")  # fmt: skip
    ratio = result["read"][True] / result["read"][False]
    print(f"  one statement / query per relation: {ratio:.2f}x")


if __name__ == "__main__":
    main()
