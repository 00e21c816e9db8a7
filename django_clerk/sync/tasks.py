"""The delivery as a task of Django's Tasks framework (``SYNC_DELIVERY = "task"``).

``django.tasks`` on Django 6, the ``django_tasks`` backport on Django 5.2: whichever exists.
Any backend works (a database worker, RQ, Celery...); several workers may run the task at
once, as deliveries never take the same pending change.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

try:  # Django >= 6.0
    from django.tasks import task, task_backends
except ImportError:  # Django 5.2: the backport
    # The backport has the same API; the stubs describe django.tasks.
    from django_tasks import task, task_backends  # type: ignore[assignment,no-redef]

from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange
from django_clerk.sync.delivery import deliver_due


@task()
def deliver_pending() -> dict[str, Any]:
    """Deliver what is due. When some changes met a transient error, this run (and only
    this one) schedules the retry, on backends that can defer tasks. After
    ``SYNC_BREAKER_THRESHOLD`` failed pushes in a row the run stops (Clerk is down or hangs),
    and the next one is deferred by ``SYNC_BREAKER_COOLDOWN`` seconds at least."""
    report = deliver_due(
        max_transient_failures=int(clerk_settings.SYNC_BREAKER_THRESHOLD), yield_gil=False
    )
    if report.stopped:
        schedule_next_retry(
            not_before=timezone.now()
            + timedelta(seconds=float(clerk_settings.SYNC_BREAKER_COOLDOWN))
        )
    elif report.retrying:
        schedule_next_retry()
    schedule_after_leases()
    return {
        "upserted": report.upserted,
        "deleted": report.deleted,
        "retrying": report.retrying,
        "failed": report.failed,
    }


def enqueue_delivery(run_after: Any = None) -> None:
    """Enqueue :func:`deliver_pending` (at ``run_after`` when the backend can defer)."""
    if run_after is not None:
        if not task_backends[deliver_pending.backend].supports_defer:
            return
        deliver_pending.using(run_after=run_after).enqueue()
    else:
        deliver_pending.enqueue()


def schedule_next_retry(not_before: Any = None) -> None:
    """Enqueue a deferred delivery for the earliest pending change (at ``not_before`` at the
    earliest, and never sooner than a second from now), if any."""
    now = timezone.now()
    earliest = max(now + timedelta(seconds=1), not_before or now)
    pending = PendingChange.objects.filter(state=PendingChange.State.PENDING)
    if not_before is None:
        pending = pending.filter(due_at__gt=now)
    next_due = pending.order_by("due_at").values_list("due_at", flat=True).first()
    if next_due is not None:
        enqueue_delivery(run_after=max(next_due, earliest))


def schedule_after_leases() -> None:
    """Enqueue a deferred delivery for when the earliest live claim runs out, if any.

    A delivery that dies mid-batch (its worker killed) leaves its rows claimed until their
    lease runs out; no later commit may come to enqueue a delivery then, so every run that
    ends while others hold claims asks for one. When the claiming delivery finishes first,
    the deferred run finds nothing to do and asks for nothing more."""
    now = timezone.now()
    lease_end = (
        PendingChange.objects.filter(state=PendingChange.State.PENDING, claimed_until__gt=now)
        .order_by("claimed_until")
        .values_list("claimed_until", flat=True)
        .first()
    )
    if lease_end is not None:
        enqueue_delivery(run_after=lease_end + timedelta(seconds=1))
