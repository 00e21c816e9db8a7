"""How fast task workers drain the outbox, with 1, 2 and 4 of them, next to ``clerk_sync``.

Needs PostgreSQL (``DATABASE_URL``; a scratch database ``bench_django_clerk_workers`` is
(re)created there) and the database task backend (``pip install django-clerkio[workers]``).
Creates ``--products`` products (100,000 by default), runs the fake Clerk API in a process of
its own (as a real Clerk is remote) and, for 1, 2 and 4 ``db_worker`` processes: records every
product as a pending change, enqueues one delivery task per worker, and times the drain. Then
times ``clerk_sync`` pushing the same products to the same fake. Prints changes/s, the speed-up
over one worker, and one worker's rate against ``clerk_sync``'s objects/s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/workers.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_project"), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
PUBLIC, PRIVATE = "bench-public", "bench-private"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the workers share its database.")
    from support import RemoteFake, setup_database

    url = setup_database(Path(tempfile.mkdtemp(prefix="clerk-workers-")), "bench_clerk_workers")

    from django.conf import settings
    from shop.models import Product

    from django_clerk.models import PendingChange, Store
    from django_clerk.sync import queue_for_sync, sync_paused
    from django_clerk.sync.tasks import deliver_pending

    Store.objects.update_or_create(
        code="default",
        defaults={"name": "Default", "public_key": PUBLIC, "private_key": PRIVATE},
    )
    Store.objects.exclude(code="default").update(is_active=False)
    with sync_paused():
        Product.objects.bulk_create(
            (
                Product(name=f"P{n}", slug=f"p-{n}", sku=f"P-{n}", price=Decimal("1"), stock=1)
                for n in range(args.products)
            ),
            batch_size=5000,
        )
    fake = RemoteFake()
    clerk = {"API_URL": fake.url, "SYNC_DELIVERY": "manual"}
    settings.CLERK = {**settings.CLERK, **clerk}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    print(f"{args.products:,} products on PostgreSQL; fake Clerk in another process")
    rates: dict[int, float] = {}
    try:
        for count in (int(n) for n in args.workers.split(",")):
            PendingChange.objects.all().delete()
            queue_for_sync(Product.objects.all())
            workers = [start_worker(url, clerk, f"w{n}") for n in range(count)]
            try:
                time.sleep(3)  # the workers are up and polling
                started = time.perf_counter()
                for _ in range(count):
                    deliver_pending.enqueue()
                while PendingChange.objects.exists():
                    time.sleep(0.05)
                elapsed = time.perf_counter() - started
            finally:
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(30)
            rates[count] = args.products / elapsed
            speedup = rates[count] / rates[min(rates)]
            print(
                f"{count} worker(s): {elapsed:6.1f}s, {rates[count]:8,.0f} changes/s, "
                f"speed-up {speedup:.2f}x"
            )
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "django", "clerk_sync", "--entity", "products", "--no-progress"],
            cwd=ROOT,
            env=environment(url, clerk),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        sync_rate = args.products / elapsed
        print(f"clerk_sync:  {elapsed:6.1f}s, {sync_rate:8,.0f} objects/s")
        one = rates.get(1)
        if one:
            print(f"one worker / clerk_sync: {one / sync_rate:.2f}")
    finally:
        fake.stop()


def environment(url: str, clerk: dict) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.workers.worker_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        "CLERK_SERVER_DATABASE_URL": url,
        "CLERK_SERVER_OVERRIDES": json.dumps(clerk),
        "CLERK_WORKER_BACKEND": "db",
    }


def start_worker(url: str, clerk: dict, name: str) -> subprocess.Popen[bytes]:
    command = ["db_worker", "--interval=0.1", "--no-startup-delay", f"--worker-id={name}"]
    return subprocess.Popen(
        [sys.executable, "-m", "django", *command],
        cwd=ROOT,
        env=environment(url, clerk),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    main()
