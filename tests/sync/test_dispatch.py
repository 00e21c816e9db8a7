"""Delivery after commit: the background thread, the task, the circuit breaker, outages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.sync import dispatch
from django_clerk.sync.delivery import deliver_due
from tests.sync.conftest import DUMMY_BACKEND, IMMEDIATE_BACKEND

realdb = pytest.mark.django_db(transaction=True)


@pytest.fixture
def thread_mode(settings):
    settings.CLERK = {
        **settings.CLERK,
        "SYNC_DELIVERY": "thread",
        "SYNC_TIMEOUT": 0.5,
        "SYNC_BREAKER_COOLDOWN": 0.2,
    }
    yield dispatch.deliverer
    assert dispatch.deliverer.wait_idle(10)


@realdb
def test_thread_delivers_once_after_commit(clerk_store, clerk_api, make_product, thread_mode):
    with transaction.atomic():
        product = make_product(name="Draft")
        assert clerk_api.count("products") == 0  # nothing before the commit
        product.name = "Final"
        product.save()
    assert thread_mode.wait_idle(10)
    assert [p["name"] for p in clerk_api.received("products")] == ["Final"]
    assert PendingChange.objects.count() == 0


@realdb
def test_rolled_back_transaction_sends_nothing(clerk_store, clerk_api, make_product, thread_mode):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_product()
        raise RuntimeError
    make_product(paused=True)
    thread_mode.wake()
    assert thread_mode.wait_idle(10)
    assert clerk_api.count("products") == 0


@realdb
def test_one_wake_up_per_transaction(clerk_store, make_product, settings, monkeypatch):
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "thread"}
    wakes = []
    monkeypatch.setattr(dispatch.deliverer, "wake", lambda: wakes.append(1))
    with transaction.atomic():
        for _ in range(5):
            make_product()
    assert wakes == [1]
    with transaction.atomic():
        try:
            with transaction.atomic():
                make_product()
                raise RuntimeError
        except RuntimeError:
            pass
        make_product()  # the savepoint's callback was dropped: a new one is registered
    assert wakes == [1, 1]


@realdb
def test_outage_in_a_stream_of_saves(clerk_store, clerk_api, make_product, thread_mode):
    products = [make_product(paused=True) for _ in range(5)]
    clerk_api.go_down()
    for round_ in range(3):
        for product in products:
            product.stock = round_ + 1
            product.save()  # never raises, never waits for Clerk
            # The in-memory SQLite test database locks whole tables without waiting:
            # let each failed delivery round end before the next write.
            assert thread_mode.wait_idle(10)
    assert PendingChange.objects.filter(state="pending").count() == 5
    clerk_api.come_up()
    PendingChange.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    deliver_due()
    assert {pk: p["stock"] for pk, p in clerk_api.data["products"].items()} == {
        p.pk: 3 for p in products
    }
    assert PendingChange.objects.count() == 0


@realdb
def test_hanging_clerk_does_not_block_saves(clerk_store, clerk_api, make_product, thread_mode):
    clerk_api.hang(2)
    make_product()
    make_product()  # the thread is stuck in a call: this save only records
    assert PendingChange.objects.count() == 2
    assert thread_mode.wait_idle(10)
    clerk_api.clear_faults()


def test_circuit_breaker_opens_after_threshold(settings):
    settings.CLERK = {**settings.CLERK, "SYNC_BREAKER_THRESHOLD": 2, "SYNC_BREAKER_COOLDOWN": 30}
    now = [100.0]
    breaker = dispatch.CircuitBreaker(clock=lambda: now[0])
    breaker.record(True)
    assert breaker.remaining() == 0
    breaker.record(True)
    assert breaker.remaining() == 30
    now[0] += 31
    assert breaker.remaining() == 0
    breaker.record(True)
    breaker.record(False)
    breaker.record(True)
    assert breaker.remaining() == 0  # a success resets the count


@realdb
def test_task_mode_enqueues_the_delivery_task(clerk_store, clerk_api, make_product, settings):
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "task"}
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}
    with transaction.atomic():
        product = make_product()
        assert clerk_api.count("products") == 0
    assert product.pk in clerk_api.data["products"]  # the (immediate) task ran after commit
    assert PendingChange.objects.count() == 0


@realdb
def test_task_schedules_its_retry_on_a_deferring_backend(
    clerk_store, clerk_api, make_product, settings
):
    from django_clerk.sync.tasks import deliver_pending

    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}
    make_product()
    clerk_api.go_down()
    from django_clerk.sync.tasks import task_backends

    default_task_backend = task_backends["default"]

    default_task_backend.clear()
    deliver_pending.call()
    [scheduled] = default_task_backend.results
    assert scheduled.task.run_after > timezone.now()


def test_the_first_request_of_a_process_starts_the_delivery(settings, monkeypatch, client):
    """After a restart, changes left pending must not wait for this process's next save: its
    first request wakes the delivery thread, once."""
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "thread"}
    wakes = []
    monkeypatch.setattr(dispatch.deliverer, "wake", lambda: wakes.append(1))
    monkeypatch.setattr(dispatch, "_started_in", 0)  # a fresh process
    client.get("/clerk/version")
    client.get("/clerk/version")
    assert wakes == [1]
    monkeypatch.setattr(dispatch, "_started_in", 0)
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}
    client.get("/clerk/version")
    assert wakes == [1]  # no thread in manual mode


@realdb
def test_the_thread_sleeps_until_a_claim_runs_out(clerk_store, make_product, thread_mode):
    """A change claimed by another delivery is not ready before its claim ends: the thread
    sleeps until then instead of polling."""
    product = make_product(paused=True)
    from django_clerk.sync.outbox import record

    record("products", [product.pk])
    claimed_until = timezone.now() + timedelta(seconds=40)
    PendingChange.objects.update(
        due_at=timezone.now() - timedelta(seconds=1), claimed_until=claimed_until, lease="x"
    )
    sleep = thread_mode._round()
    assert sleep is not None and 35 <= sleep <= 40
