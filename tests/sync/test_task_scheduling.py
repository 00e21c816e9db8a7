"""What a task run defers after it: one delivery, when the next pending change is ready, never
inside the circuit breaker's cooldown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.sync.outbox import record
from tests.sync.conftest import DUMMY_BACKEND

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(settings):
    """The task backend, deferring and running nothing: what was enqueued is in ``results``."""
    from django_clerk.sync.tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}
    task_backend = task_backends["default"]
    task_backend.clear()
    return task_backend


@pytest.fixture
def cooldown(settings):
    settings.CLERK = {**settings.CLERK, "SYNC_BREAKER_COOLDOWN": 30}
    return timedelta(seconds=30)


def pending_change(key, **fields):
    record("products", [key])
    PendingChange.objects.filter(object_id=str(key)).update(**fields)


def deferred(backend):
    return [result.task.run_after for result in backend.results]


def near(moment, expected):
    return abs((moment - expected).total_seconds()) < 2


def test_a_stopped_run_defers_the_next_past_the_cooldown_though_a_claim_ends_before(
    clerk_store, backend, cooldown
):
    from django_clerk.sync.tasks import schedule_next_run

    now = timezone.now()
    pending_change(1)  # due now: Clerk is down
    pending_change(2, claimed_until=now + timedelta(seconds=5), lease="other")
    schedule_next_run(stopped=True)
    [run_after] = deferred(backend)
    assert near(run_after, now + cooldown)


def test_a_stopped_run_waits_for_a_retry_due_after_the_cooldown(clerk_store, backend, cooldown):
    from django_clerk.sync.tasks import schedule_next_run

    now = timezone.now()
    pending_change(1, due_at=now + timedelta(seconds=90), attempts=3)
    schedule_next_run(stopped=True)
    [run_after] = deferred(backend)
    assert near(run_after, now + timedelta(seconds=91))


def test_a_run_defers_one_delivery_to_the_first_retry_or_claim_end(clerk_store, backend, cooldown):
    from django_clerk.sync.tasks import schedule_next_run

    now = timezone.now()
    pending_change(1, due_at=now + timedelta(seconds=20), attempts=1)
    pending_change(2, claimed_until=now + timedelta(seconds=8), lease="other")
    schedule_next_run(retrying=True)
    [run_after] = deferred(backend)
    assert near(run_after, now + timedelta(seconds=9))  # a second after the claim ends


def test_retries_are_scheduled_by_the_run_that_met_the_failure_only(clerk_store, backend):
    from django_clerk.sync.tasks import schedule_next_run

    pending_change(1, due_at=timezone.now() + timedelta(seconds=20), attempts=1)
    schedule_next_run()  # another run, which went through: the retry is not its to schedule
    assert deferred(backend) == []
    schedule_next_run(retrying=True)
    assert len(deferred(backend)) == 1


def test_nothing_left_defers_nothing(clerk_store, backend, cooldown):
    from django_clerk.sync.tasks import schedule_next_run

    schedule_next_run(stopped=True)
    pending_change(1, state="failed")  # waits for an admin, not for a delivery
    schedule_next_run(stopped=True, retrying=True)
    assert deferred(backend) == []


def test_a_run_stopped_by_the_breaker_defers_one_run_past_the_cooldown(
    clerk_store, clerk_api, make_product, backend, cooldown, settings
):
    """The whole task: Clerk is down, the breaker stops the run, another delivery holds a
    claim that ends within the cooldown: one deferred run, after the cooldown."""
    from django_clerk.sync.tasks import deliver_pending

    settings.CLERK = {**settings.CLERK, "SYNC_BATCH_SIZE": 1, "SYNC_BREAKER_THRESHOLD": 2}
    for _ in range(3):
        make_product()
    claimed = make_product()
    PendingChange.objects.filter(object_id=str(claimed.pk)).update(
        claimed_until=timezone.now() + timedelta(seconds=3), lease="other"
    )
    clerk_api.go_down()
    now = timezone.now()
    result = deliver_pending.call()
    assert result["retrying"] == 2
    [run_after] = deferred(backend)
    assert near(run_after, now + cooldown)
