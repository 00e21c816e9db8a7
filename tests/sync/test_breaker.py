"""The circuit breaker: a run of ``clerk_deliver`` (or of the task, or of the delivery thread)
stops after a few failed pushes in a row, so a hanging Clerk cannot make it take minutes."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.sync import dispatch
from django_clerk.sync.delivery import DeliveryReport
from tests.sync.conftest import DUMMY_BACKEND

BATCHES = 8


@pytest.fixture
def one_per_batch(clerk_store, make_product, settings):
    """``BATCHES`` products, one batch each; short push timeouts; breaker after 2 failures."""
    settings.CLERK = {
        **settings.CLERK,
        "SYNC_BATCH_SIZE": 1,
        "SYNC_TIMEOUT": 0.5,
        "SYNC_BREAKER_THRESHOLD": 2,
        "SYNC_BREAKER_COOLDOWN": 30,
    }
    return [make_product() for _ in range(BATCHES)]


def run_deliver(*args):
    out, err = StringIO(), StringIO()
    started = time.monotonic()
    call_command("clerk_deliver", *args, stdout=out, stderr=err)
    return time.monotonic() - started, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_clerk_deliver_against_a_hanging_clerk_ends_within_the_breaker_bound(
    clerk_api, one_per_batch, settings
):
    clerk_api.hang(30)  # every call hangs far longer than the run may take
    threshold = settings.CLERK["SYNC_BREAKER_THRESHOLD"]
    timeout = settings.CLERK["SYNC_TIMEOUT"]
    bound = threshold * timeout + 1.0  # the failed calls' timeouts, plus the database work
    elapsed, out, err = run_deliver()
    print(f"clerk_deliver against a hanging Clerk: {elapsed:.2f}s (bound {bound:.2f}s)")
    assert elapsed < bound
    assert elapsed >= threshold * timeout  # it did wait for the timeouts
    assert clerk_api.count("products") == threshold  # then stopped calling
    assert "Stopped after 2 failed pushes in a row" in err
    assert f"{threshold} to retry" in out and f"Left: {BATCHES} pending" in out
    untouched = PendingChange.objects.filter(attempts=0).count()
    assert untouched == BATCHES - threshold  # still due, for the next run


@pytest.mark.django_db
def test_clerk_deliver_max_failures_option(clerk_api, one_per_batch):
    clerk_api.go_down("503")
    _, _, err = run_deliver("--max-failures", "5")
    assert clerk_api.count("products") == 5 and "Stopped after 5" in err
    PendingChange.objects.update(due_at=timezone.now())
    _, _, err = run_deliver("--max-failures", "0")  # no breaker: every batch is tried
    assert clerk_api.count("products") == 5 + BATCHES and "Stopped" not in err
    with pytest.raises(CommandError, match="--max-failures"):
        run_deliver("--max-failures", "-1")


@pytest.mark.django_db
def test_a_success_resets_the_count(clerk_api, one_per_batch):
    clerk_api.fail_next(1, status=503, path="products")  # fails, then Clerk answers again
    clerk_api.fail_next(1, status=503, path="products")
    _, out, err = run_deliver("--max-failures", "3")
    assert "Stopped" not in err
    # The two failed ones were due again as soon as a push went through: Clerk was back.
    assert f"Delivered {BATCHES} upserts" in out and "in 10 calls; 2 to retry" in out
    assert "Left: 0 pending" in out


@pytest.mark.django_db(transaction=True)
def test_task_stops_and_defers_the_next_run_by_the_cooldown(clerk_api, one_per_batch, settings):
    from django_clerk.sync.tasks import deliver_pending, task_backends

    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}
    default_task_backend = task_backends["default"]
    clerk_api.go_down()
    default_task_backend.clear()
    result = deliver_pending.call()
    assert clerk_api.count("products") == 2
    assert result["retrying"] == 2
    [scheduled] = default_task_backend.results
    wait = (scheduled.task.run_after - timezone.now()).total_seconds()
    assert 25 <= wait <= 30  # SYNC_BREAKER_COOLDOWN, though 6 changes are due now


@pytest.mark.django_db(transaction=True)
def test_delivery_thread_pauses_for_the_cooldown_when_a_round_is_stopped(
    clerk_store, settings, monkeypatch
):
    settings.CLERK = {**settings.CLERK, "SYNC_BREAKER_THRESHOLD": 3, "SYNC_BREAKER_COOLDOWN": 30}
    rounds = []

    def stopped_round(**kwargs):
        rounds.append(kwargs)
        return DeliveryReport(retrying=3, transient_failures=3, stopped=1)

    monkeypatch.setattr("django_clerk.sync.delivery.deliver_due", stopped_round)
    now = [1000.0]
    deliverer = dispatch.Deliverer()
    deliverer.breaker = dispatch.CircuitBreaker(clock=lambda: now[0])
    deliverer._round()
    assert rounds == [{"max_transient_failures": 3}]
    assert deliverer.breaker.remaining() == 30  # open after one stopped round
    now[0] += 31
    assert deliverer.breaker.remaining() == 0


def test_breaker_settings_are_checked(settings):
    from django_clerk.sync.checks import check_sync

    settings.CLERK = {**settings.CLERK, "SYNC_BREAKER_THRESHOLD": 0}
    assert [m.id for m in check_sync()] == ["django_clerk.E033"]
