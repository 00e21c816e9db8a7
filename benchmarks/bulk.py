"""What recording a bulk update costs, next to the update itself, in the same run.

Creates ``--products`` products (100,000 by default) in a fresh database (a SQLite file, or a
scratch database, ``bench_django_clerk_bulk`` or ``--database-name``, on the PostgreSQL server
of ``DATABASE_URL``, replaced on each run),
then, interleaved ``--repeat`` times:

* ``plain``: ``Product._base_manager.update(stock=F("stock") + 1)``, the update without
  recording (the baseline);
* ``synced``: ``Product.objects.update(...)`` through ``SyncedQuerySet``: the matched keys
  read (one query), the update, and the products recorded as bulk changes (a few outbox rows
  naming them all); the recording (reading the keys and writing the bulk changes) timed on
  its own;
* ``expansion``: what the next delivery does first, off the request path: the bulk changes
  expanded into one pending change per product (``deliver_due(entities=["bulk"])``).

Prints the medians, the ratio of the recording to the plain update, and the expansion; first
with keys without gaps (they are recorded as one range, found by one aggregate query), then with
every tenth product deleted (the keys are read, and recorded in runs).

    python benchmarks/bulk.py [--products 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-name", default="bench_django_clerk_bulk")
    args = parser.parse_args()
    from support import setup_database

    setup_database(Path(tempfile.mkdtemp(prefix="clerk-bulk-")), args.database_name)

    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import F
    from shop.models import Product

    from django_clerk.models import PendingChange, Store
    from django_clerk.models.sync import BULK
    from django_clerk.sync import SyncedQuerySet, outbox, sync_paused
    from django_clerk.sync.delivery import deliver_due

    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}
    Store.objects.update_or_create(
        code="default",
        defaults={"name": "Default", "public_key": "p", "private_key": "s", "is_active": True},
    )
    Store.objects.exclude(code="default").update(is_active=False)
    started = time.perf_counter()
    with sync_paused():
        Product.objects.bulk_create(
            (
                Product(name=f"P{n}", slug=f"p-{n}", sku=f"P-{n}", price=Decimal("1.00"))
                for n in range(args.products)
            ),
            batch_size=2000,
        )
    print(
        f"{args.products:,} products created in {time.perf_counter() - started:.1f}s "
        f"({connection.vendor})"
    )

    recording: list[float] = []

    def timed(real):  # what the update records with: the keys read, the bulk changes written
        def timed_call(*a, **kw):
            start = time.perf_counter()
            try:
                return real(*a, **kw)
            finally:
                recording.append(time.perf_counter() - start)

        return timed_call

    def plain_update():
        with transaction.atomic():
            Product._base_manager.update(stock=F("stock") + 1)

    def synced_update():
        with transaction.atomic():
            Product.objects.update(stock=F("stock") + 1)

    def measure(label: str) -> None:
        count = Product.objects.count()
        plain, synced, recorded, expanded, markers = [], [], [], [], []
        for round in range(args.repeat):
            PendingChange.objects.all().delete()
            # interleaved, each first in turn: a commit may pay for the one before it
            for which in ("plain", "synced") if round % 2 == 0 else ("synced", "plain"):
                recording.clear()
                start = time.perf_counter()
                plain_update() if which == "plain" else synced_update()
                (plain if which == "plain" else synced).append(time.perf_counter() - start)
            recorded.append(sum(recording))
            markers.append(PendingChange.objects.filter(entity=BULK).count())
            start = time.perf_counter()
            deliver_due(entities=[BULK])
            expanded.append(time.perf_counter() - start)
            assert PendingChange.objects.filter(entity="products").count() == count
            assert not PendingChange.objects.filter(entity=BULK).exists()
        p, s, r, e = (statistics.median(v) for v in (plain, synced, recorded, expanded))
        print(f"{label}: {count:,} products")
        print(f"  plain update()       {p:7.2f}s  (baseline, nothing recorded)")
        print(f"  synced update()      {s:7.2f}s  ({s / p:.2f}x the plain update)")
        print(
            f"    of which recording {r:7.2f}s  ({count / r:,.0f} keys/s, {markers[0]} outbox rows)"
        )
        print(f"  recording / plain update: {r / p:.2f}")
        print(
            f"  expansion by the next delivery (off the request path) {e:.2f}s  "
            f"({count / e:,.0f} rows/s)"
        )

    SyncedQuerySet._keys_and_owners = timed(SyncedQuerySet._keys_and_owners)
    outbox.record_bulk = timed(outbox.record_bulk)
    measure("keys without gaps")
    with sync_paused():  # every 10th product gone: the keys are read, not one range
        Product._base_manager.alias(tenth=F("pk") % 10).filter(tenth=0).delete()
    measure("every 10th key missing")


if __name__ == "__main__":
    main()
