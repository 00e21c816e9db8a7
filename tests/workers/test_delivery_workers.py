"""The delivery on real task backends with real worker processes (PostgreSQL, Redis).

For each backend: two workers at once, one of them killed with SIGKILL in the middle of a
batch, Clerk (the fake) answering 503 for a while. Nothing may be lost, no object may be sent
twice in the same state (except the batch the killed worker had in flight), and the retries
must come from deferred tasks on the backend: after Clerk is back no commit enqueues anything,
yet everything arrives, and Clerk saw few calls while it was down (no busy polling).
"""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.models.sync import BULK
from django_clerk.testing import FakeClerkAPI
from tests.processes import shared_database_url
from tests.workers.backends import rq_queues, tasks_setting
from tests.workers.processes import Workers

pytestmark = pytest.mark.postgres_only

PRODUCTS = 400
BATCH = 25
COMMITS = 16
SETTLE_SECONDS = 60.0
OUTAGE_SECONDS = 3.0
OUTAGE_COMMITS = 8
THRESHOLD = 2  # SYNC_BREAKER_THRESHOLD: failed pushes before a run stops
COOLDOWN = 1.0  # SYNC_BREAKER_COOLDOWN: the stopped run's successor is deferred this long


def wait_for(condition, timeout, workers, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{workers.logs()}")


def make_products(count, commits):
    from shop.models import Product

    per_commit = count // commits
    for commit in range(commits):
        with transaction.atomic():  # one commit: one delivery task enqueued
            Product.objects.bulk_create(
                Product(
                    name=f"Worker {commit}-{n}",
                    slug=f"worker-{commit}-{n}",
                    sku=f"W-{commit}-{n}",
                    price=Decimal("5.00"),
                    stock=1,
                )
                for n in range(per_commit)
            )


@pytest.fixture
def fake():
    with FakeClerkAPI() as api:
        api.add_store("default-public", "default-private")
        yield api


@pytest.fixture(params=["db", "rq"])
def backend(request, transactional_db, settings):
    shared_database_url()  # PostgreSQL only: the workers share the test's database
    name = request.param
    settings.TASKS = tasks_setting(name)
    if name == "rq":
        import django_rq

        settings.RQ_QUEUES = rq_queues()
        django_rq.get_connection("default").flushdb()
    return name


def test_workers_lose_nothing_through_a_kill_and_an_outage(backend, fake, make_store, settings):
    from shop.models import Product

    clerk = {
        "API_URL": fake.url,
        "SYNC_DELIVERY": "task",
        "SYNC_BATCH_SIZE": BATCH,
        "SYNC_LEASE_SECONDS": 20,  # outlasts the outage: only a run deferred to its end helps
        "SYNC_TIMEOUT": 60.0,  # worker a waits on its hanging call until it is killed
        "SYNC_RETRY_BACKOFF": 0.5,
        "SYNC_RETRY_MAX_BACKOFF": 2.0,
        "SYNC_BREAKER_THRESHOLD": THRESHOLD,
        "SYNC_BREAKER_COOLDOWN": COOLDOWN,
    }
    settings.CLERK = {**settings.CLERK, **clerk}
    make_store(code="default", public_key="default-public", private_key="default-private")
    fake.hang(600, n=1, method="POST", path="products")  # the first batch never returns
    make_products(PRODUCTS, COMMITS)
    # One bulk change per commit: the first worker's run expands them into one pending
    # change per product before it claims its first batch of products.
    assert PendingChange.objects.filter(entity=BULK).count() == PendingChange.objects.count()
    assert PendingChange.objects.count() == COMMITS

    workers = Workers(backend, clerk)
    try:
        # Worker a takes the first batch and hangs in the middle of it.
        workers.start("a", scheduler=False)
        wait_for(lambda: fake.count("products", "POST") >= 1, 30, workers, "a's first batch")
        in_flight = {p["id"] for p in fake.calls("POST", "products")[0].json["products"]}
        assert len(in_flight) == BATCH
        # Worker b delivers the rest; a is killed; c replaces it: two workers at once.
        workers.start("b", scheduler=True)
        wait_for(
            lambda: PendingChange.objects.count() <= BATCH, SETTLE_SECONDS, workers, "b's batches"
        )
        still_claimed = PendingChange.objects.filter(
            object_id__in=[str(pk) for pk in in_flight], claimed_until__gt=timezone.now()
        )
        assert still_claimed.count() == BATCH  # a is in the middle of its batch
        workers.kill("a")
        workers.start("c", scheduler=False)

        # Clerk goes down while the shop changes every product again, in several commits.
        fake.go_down("503")
        down_since = len(fake.requests)
        keys = sorted(Product.objects.values_list("pk", flat=True))
        share = len(keys) // OUTAGE_COMMITS
        for start in range(0, len(keys), share):  # each commit enqueues one run
            Product.objects.filter(pk__in=keys[start : start + share]).update(
                stock=F("stock") + 100
            )
        time.sleep(OUTAGE_SECONDS)
        calls_while_down = len(fake.requests) - down_since
        fake.come_up()
        # No commit from here on: what is left arrives through deferred tasks only.
        final = dict(Product.objects.values_list("pk", "stock"))
        wait_for(
            lambda: (
                not PendingChange.objects.exists()
                and {k: v["stock"] for k, v in fake.data["products"].items()} == final
            ),
            SETTLE_SECONDS,
            workers,
            "the retries after the outage",
        )
    finally:
        workers.close()

    assert set(fake.data["products"]) == set(final)
    assert all(p["stock"] == 101 for p in fake.data["products"].values())
    sent = Counter((p["id"], p["stock"]) for p in fake.received("products"))
    twice = {key for key, count in sent.items() if count > 1}
    assert {pk for pk, _ in twice} <= in_flight, twice
    # Each commit's run makes THRESHOLD calls, stops, and defers one successor by COOLDOWN:
    # at most this many calls in the outage. Polling would make hundreds.
    most = OUTAGE_COMMITS * (OUTAGE_SECONDS / COOLDOWN + 1) * THRESHOLD
    assert 0 < calls_while_down <= most, calls_while_down
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        deferred = DBTaskResult.objects.filter(run_after__year__lt=9000)  # max date: not deferred
        assert deferred.exists()  # the retries were deferred tasks of the backend
