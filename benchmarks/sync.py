"""What the real-time sync costs the shop, and whether it loses anything.

Seeds the example shop with ``seed_demo`` in a fresh SQLite file (or the PostgreSQL server of
``DATABASE_URL``: a scratch database ``bench_django_clerk_sync`` is (re)created there), runs a fake
Clerk API on 127.0.0.1, and prints:

1. the cost of saving a product in a request-like transaction, real-time sync off vs on
   (with the delivery thread pushing behind), median of many saves;
2. the same with Clerk down (connections refused) and hanging (no answer), and whether any
   save raised;
3. how many API calls 10,000 product updates in one transaction take to reach Clerk;
4. 1,000 saves during a 30-second Clerk outage: after recovery, is every change in Clerk,
   in its final state;
5. peak memory (RSS) of a ``clerk_sync`` subprocess pushing every published product;
6. serializing the whole catalogue for a push: ``clerk_sync --dry-run`` next to a full feed
   crawl (limit 1000) of the same catalogue, in the same run, and their ratio; and real
   pushes (``clerk_sync``) to the fake Clerk running in another process, as objects/s.

    python benchmarks/sync.py [--products 20000] [--saves 2000] [--outage 30]
    python benchmarks/sync.py --only serialization     # part 6 alone
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from support import RemoteFake, setup_database  # noqa: E402

PUBLIC, PRIVATE = "bench-public", "bench-private"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--outage", type=float, default=30.0, help="seconds")
    parser.add_argument("--only", choices=["serialization"], help="run one part only")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="clerk-bench-"))
    database_url = setup_database(workdir, "bench_django_clerk_sync")

    from django.conf import settings
    from django.core.management import call_command

    from django_clerk.models import Store
    from django_clerk.sync import dispatch
    from django_clerk.testing import FakeClerkAPI

    logging.getLogger("django_clerk").setLevel(logging.CRITICAL)  # expected failures
    if os.environ.get("BENCH_LOG"):
        logging.getLogger("django_clerk.sync").setLevel(logging.ERROR)
    started = time.perf_counter()
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    call_command("seed_demo", products=args.products, orders=0, customers=0, pages=0, seed=1)
    Store.objects.filter(code="default").update(public_key=PUBLIC, private_key=PRIVATE)
    Store.objects.exclude(code="default").update(is_active=False)
    print(
        f"seeded {args.products} products in {time.perf_counter() - started:.1f}s "
        f"({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
    )

    with FakeClerkAPI(strict_keys=False) as fake:
        fake.add_store(PUBLIC, PRIVATE)
        settings.CLERK = {
            **settings.CLERK,
            "API_URL": fake.url,
            "SYNC_DELIVERY": "thread",
            "SYNC_RETRY_BACKOFF": 1.0,  # short, so the outage run recovers within seconds
            "SYNC_RETRY_MAX_BACKOFF": 4.0,
            "SYNC_BREAKER_COOLDOWN": 2.0,
            "SYNC_MAX_ATTEMPTS": 1000,  # short backoff: do not give up within the outage
        }
        if args.only == "serialization":
            serialization()
            return
        deliverer = dispatch.deliverer
        save_costs(args.saves, fake, deliverer)
        many_in_one_transaction(fake, deliverer)
        outage(args.outage, fake, deliverer)
        full_sync_memory(args.products, fake, database_url)
        serialization()


# -- 1 and 2 ------------------------------------------------------------------------------------
def timed_saves(products, n: int) -> tuple[list[float], int]:
    from django.db import transaction

    timings, errors = [], 0
    for i in range(n):
        product = products[i % len(products)]
        product.stock = random.randint(1, 50)
        start = time.perf_counter()
        try:
            with transaction.atomic():  # as in a request with ATOMIC_REQUESTS
                product.save()
        except Exception:
            errors += 1
        timings.append(time.perf_counter() - start)
    return timings, errors


def save_costs(n: int, fake, deliverer) -> None:
    from django.conf import settings
    from shop.models import Product

    products = list(Product.objects.published().order_by("pk")[:500])
    block = 50

    def compare() -> tuple[list[float], list[float], int]:
        """Blocks of saves with sync off and on, interleaved: drift hits both alike."""
        times: dict[bool, list[float]] = {False: [], True: []}
        raised = 0
        for _ in range(max(1, n // block)):
            for realtime in (False, True):
                settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": realtime}
                timings, errors = timed_saves(products, block)
                times[realtime] += timings
                raised += errors if realtime else 0
        return times[False], times[True], raised

    def median_ms(timings: list[float]) -> float:
        return statistics.median(timings) * 1000

    timed_saves(products, 200)  # warm up
    print(f"\n1./2. save cost in a transaction, {n} saves each way, median, sync off vs on:")

    def no_delivery() -> None:
        settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}

    remote = RemoteFake()

    faults = (
        ("recording only", no_delivery),  # the save's own cost, no delivery thread running
        ("Clerk up (remote)", remote.use),  # Clerk in another process, as in production
        ("Clerk up", lambda: None),
        ("Clerk down (refused)", lambda: fake.go_down("close")),
        ("Clerk hanging", lambda: fake.hang(3600)),
    )
    for label, fault in faults:
        fake.reset()
        fake.add_store(PUBLIC, PRIVATE)
        fault()
        off, on, raised = compare()
        settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "thread", "API_URL": fake.url}
        slowest = max(on) * 1000
        base, cost = median_ms(off), median_ms(on)
        print(
            f"   {label:<21} off {base:.3f} ms, on {cost:.3f} ms: "
            f"{cost - base:+.3f} ms, ratio {cost / base:.2f}; "
            f"slowest save {slowest:.1f} ms; {raised} raised; "
            + (
                f"{remote.pending()} changes pending at the end"
                if label.endswith("(remote)")
                else f"{fake.count('products', 'POST')} push calls"
            )
        )
    remote.stop()
    fake.reset()
    fake.add_store(PUBLIC, PRIVATE)
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": True}
    drain(deliverer)


def drain(deliverer) -> None:
    """Deliver everything left (the runs above left retries behind)."""
    from django_clerk.models import PendingChange
    from django_clerk.sync.delivery import deliver_due

    PendingChange.objects.retry_now()
    deliver_due()
    deliverer.wait_idle(60)


# -- 3 ------------------------------------------------------------------------------------------
def many_in_one_transaction(fake, deliverer) -> None:
    from django.db import transaction
    from shop.models import Product

    products = list(Product.objects.published().order_by("pk")[:10_000])
    fake.reset()
    fake.add_store(PUBLIC, PRIVATE)
    started = time.perf_counter()
    with transaction.atomic():
        for product in products:
            product.stock += 1
            product.save()
    committed = time.perf_counter()
    deliverer.wait_idle(300)
    done = time.perf_counter()
    calls = fake.count("products", "POST")
    received = len({p["id"] for p in fake.received("products")})
    print(
        f"\n3. {len(products)} updates in one transaction: {calls} API calls "
        f"[budget <= 10], {received} distinct products received; "
        f"transaction {committed - started:.1f}s, delivered {done - committed:.1f}s later"
    )


# -- 4 ------------------------------------------------------------------------------------------
def outage(seconds: float, fake, deliverer) -> None:
    from django.db import transaction
    from shop.models import Product

    from django_clerk.models import PendingChange

    products = list(Product.objects.published().filter(stock__gt=0).order_by("pk")[:250])
    fake.reset()
    fake.add_store(PUBLIC, PRIVATE)
    fake.go_down("close")
    errors = 0
    started = time.perf_counter()
    for i in range(1000):
        product = products[i % len(products)]
        product.stock = 1 + i  # the last save of each product wins
        try:
            with transaction.atomic():
                product.save()
        except Exception:
            errors += 1
        time.sleep(max(0.0, started + seconds * (i + 1) / 1000 - time.perf_counter()))
    pending = PendingChange.objects.count()
    fake.come_up()
    recovered = time.perf_counter()
    while PendingChange.objects.exists() and time.perf_counter() - recovered < 120:
        time.sleep(0.2)
    caught_up = time.perf_counter() - recovered
    left = PendingChange.objects.count()
    waited = f"all delivered {caught_up:.1f}s after recovery" if not left else "after 120s"
    expected = {p.pk: p.stock for p in products}
    in_clerk = {pk: fake.data["products"].get(pk, {}).get("stock") for pk in expected}
    lost = sum(1 for pk in expected if in_clerk[pk] != expected[pk])
    print(
        f"\n4. 1000 saves of {len(products)} products during a {seconds:.0f}s outage: "
        f"{errors} raised, {pending} pending at recovery; {waited}: {lost} products not in "
        f"their final state in Clerk [budget 0], {left} changes left (pending or failed)"
    )


# -- 5 ------------------------------------------------------------------------------------------
def full_sync_memory(n: int, fake, database_url: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "DATABASE_URL": database_url,
        "CLERK_API_URL": fake.url,
        "DJANGO_DEBUG": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
    }
    fake.reset()
    fake.add_store(PUBLIC, PRIVATE)
    # The child reports its own peak (VmHWM of its address space after exec): a forked
    # child's ru_maxrss would include the parent's memory.
    script = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(sys.argv); "
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1], "
        "file=sys.stderr)"
    )
    argv = ["clerk_sync", "--store", "default", "--entity", "products"]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *argv, "--no-progress"],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT / "example_project",
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"clerk_sync failed:\n{done.stderr}")
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    print(
        f"\n5. clerk_sync of {len(fake.data['products'])} products (of {n} seeded, the "
        f"published ones): {fake.count('products', 'POST')} calls in {elapsed:.1f}s, "
        f"peak RSS {peak_mb:.0f} MB [budget < 150 MB]"
    )


# -- 6 ------------------------------------------------------------------------------------------
def serialization(repeat: int = 3) -> None:
    """``clerk_sync --dry-run`` (serializing every product for a push) next to a full feed
    crawl of the same catalogue, and real pushes to a Clerk in another process."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from django_clerk.mapping import get_serializer
    from django_clerk.models import Store
    from django_clerk.stores import forget_active_stores

    settings.ALLOWED_HOSTS = ["*"]
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False, "FEED_ALLOW_HTTP": True}
    Store.objects.filter(code="default").update(legacy_auth=True, is_active=True)
    forget_active_stores()
    store = Store.objects.get(code="default")
    total = get_serializer("products").feed_queryset(store).count()
    client = Client()

    def crawl() -> None:
        page = 1
        while True:
            response = client.get(
                "/clerk/product", {"key": PUBLIC, "private_key": PRIVATE, "page": page,
                                   "limit": 1000},
            )  # fmt: skip
            assert response.status_code == 200, response.content[:200]
            if response.content.count(b'"id":') < 1000:
                return
            page += 1

    def dry_run() -> None:
        call_command("clerk_sync", "--store", "default", "--entity", "products", "--dry-run",
                     "--no-progress", stdout=io.StringIO())  # fmt: skip

    crawl()  # warm up both
    dry_run()
    crawls, dry_runs = [], []
    for _ in range(repeat):  # interleaved: load on the machine hits both alike
        started = time.perf_counter()
        crawl()
        crawls.append(time.perf_counter() - started)
        started = time.perf_counter()
        dry_run()
        dry_runs.append(time.perf_counter() - started)
    feed, push = statistics.median(crawls), statistics.median(dry_runs)
    print(
        f"\n6. {total} products: clerk_sync --dry-run {push:.2f}s, full feed crawl "
        f"{feed:.2f}s, ratio {push / feed:.2f}x [target <= 1.5x]"
    )
    remote = RemoteFake()
    try:
        remote.use()
        started = time.perf_counter()
        call_command("clerk_sync", "--store", "default", "--entity", "products",
                     "--no-progress", stdout=io.StringIO())  # fmt: skip
        elapsed = time.perf_counter() - started
    finally:
        remote.stop()
    print(
        f"   clerk_sync pushing {total} products to a Clerk in another process: "
        f"{elapsed:.2f}s, {total / elapsed:,.0f} objects/s"
    )


if __name__ == "__main__":
    main()
