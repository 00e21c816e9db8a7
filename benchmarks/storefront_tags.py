"""What the storefront tags cost on a page: the example shop's product page rendered with
Clerk configured (every tag renders) against the same page without a public key (every tag
renders nothing), measured in the same run on an in-memory SQLite database.

    python benchmarks/storefront_tags.py [--pages 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from django_clerk.models import Store, StorefrontSettings

    setup_test_environment()
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    connection.creation.create_test_db(verbosity=0, serialize=False)
    if StorefrontSettings._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:  # until its migration exists
            editor.create_model(StorefrontSettings)
    from django.test import Client
    from shop.models import Category, Product

    category = Category.objects.create(name="Cups", slug="cups")
    product = Product.objects.create(
        name="Mug", slug="mug", sku="M1", price=Decimal("10.00"), stock=5
    )
    product.categories.set([category])
    store, _ = Store.objects.get_or_create(code="default", defaults={"name": "Default"})
    client = Client()
    url = product.get_absolute_url()

    def measure(public_key: str) -> tuple[float, int, int]:
        store.public_key = public_key
        store.save()
        client.get(url)  # warm up: templates, session
        timings = []
        for _ in range(args.pages):
            start = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content
        return statistics.median(timings) * 1000, len(queries), len(html)

    base_ms, base_queries, base_bytes = measure("")
    tags_ms, tags_queries, tags_bytes = measure("bench-public")
    print(f"product page, {args.pages} renders each (median)")
    print(
        f"  without key (tags render nothing): {base_ms:.2f} ms, {base_queries} queries, "
        f"{base_bytes} bytes"
    )
    print(
        f"  with key (every tag renders):      {tags_ms:.2f} ms, {tags_queries} queries, "
        f"{tags_bytes} bytes"
    )
    print(
        f"  ratio {tags_ms / base_ms:.2f}x, +{tags_ms - base_ms:.2f} ms, "
        f"+{tags_queries - base_queries} queries"
    )


if __name__ == "__main__":
    main()
