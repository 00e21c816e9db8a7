"""What recording a bulk update costs, next to the update itself, in the same run.

Creates ``--products`` products (100,000 by default) in a fresh database (a SQLite file, or a
scratch database ``bench_django_clerk_bulk`` on the PostgreSQL server of ``DATABASE_URL``),
then, interleaved ``--repeat`` times:

* ``plain``: ``Product._base_manager.update(stock=F("stock") + 1)``, the update without
  recording (the baseline);
* ``synced``: ``Product.objects.update(...)`` through ``SyncedQuerySet``: every matched
  product recorded in the outbox (``INSERT ... SELECT``), then the update; the recording
  timed on its own.

Prints the medians and the ratio of the recording to the plain update.

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
    args = parser.parse_args()
    setup_database(Path(tempfile.mkdtemp(prefix="clerk-bulk-")), "bench_django_clerk_bulk")

    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import F
    from shop.models import Product

    from django_clerk.models import PendingChange, Store
    from django_clerk.sync import outbox_select, sync_paused

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
    real_record = outbox_select.record_selected  # what the update records with

    def timed_record(*a, **kw):
        start = time.perf_counter()
        try:
            return real_record(*a, **kw)
        finally:
            recording.append(time.perf_counter() - start)

    outbox_select.record_selected = timed_record
    plain, synced, recorded = [], [], []
    for _ in range(args.repeat):
        PendingChange.objects.all().delete()
        start = time.perf_counter()
        with transaction.atomic():
            Product._base_manager.update(stock=F("stock") + 1)
        plain.append(time.perf_counter() - start)

        recording.clear()
        start = time.perf_counter()
        with transaction.atomic():
            Product.objects.update(stock=F("stock") + 1)
        synced.append(time.perf_counter() - start)
        recorded.append(sum(recording))
        assert PendingChange.objects.count() == args.products
    outbox_select.record_selected = real_record

    p, s, r = (statistics.median(v) for v in (plain, synced, recorded))
    print(f"plain update()       {p:7.2f}s  (baseline, nothing recorded)")
    print(f"synced update()      {s:7.2f}s  ({s / p:.2f}x the plain update)")
    print(f"  of which recording {r:7.2f}s  ({args.products / r:,.0f} keys/s)")
    print(f"recording / plain update: {r / p:.2f}")


def setup_database(workdir: Path, name: str) -> str:
    """A fresh database with the app's tables; returns its URL for subprocesses."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = (
        str(workdir / "bench.sqlite3") if connection.vendor == "sqlite" else name
    )
    created = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    if connection.vendor == "sqlite":
        return f"sqlite:///{created}"
    return f"{url.rsplit('/', 1)[0]}/{created}"


if __name__ == "__main__":
    main()
