"""The delivery as a task of Django's Tasks framework (``SYNC_DELIVERY = "task"``).

``django.tasks`` on Django 6, the ``django_tasks`` backport on Django 5.2: whichever exists.
Any backend works (a database worker, RQ, Celery...); several workers may run the task at
once, as deliveries never take the same pending change.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
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
    """Deliver what is due, then defer the next run this one leaves work for (see
    :func:`schedule_next_run`), on backends that can defer tasks. After
    ``SYNC_BREAKER_THRESHOLD`` failed pushes in a row the run stops (Clerk is down or hangs),
    and the next one is deferred by ``SYNC_BREAKER_COOLDOWN`` seconds at least."""
    report = deliver_due(
        max_transient_failures=int(clerk_settings.SYNC_BREAKER_THRESHOLD), yield_gil=False
    )
    schedule_next_run(stopped=bool(report.stopped), retrying=bool(report.retrying))
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


def schedule_next_run(*, stopped: bool = False, retrying: bool = False) -> None:
    """Enqueue one deferred delivery, a second after the first pending change that a run
    leaves behind is ready (due, and its claim run out; see
    :meth:`~django_clerk.models.sync.PendingChangeQuerySet.next_ready`), if any:

    * after a run the circuit breaker ``stopped``: any pending change, and never before
      ``SYNC_BREAKER_COOLDOWN`` seconds from now;
    * after changes met a transient error (``retrying``): those waiting for their retry;
    * always: changes claimed by another delivery. One that dies mid-batch (its worker
      killed) leaves its claim until the lease runs out, and no commit may come to enqueue a
      delivery then; when it finishes first, the deferred run finds nothing and asks for
      nothing more.

    Retries are scheduled by the runs that met the failure only, one successor each: a run
    that went through leaves them to those."""
    now = timezone.now()
    not_before = now
    pending = PendingChange.objects.filter(state=PendingChange.State.PENDING)
    if stopped:
        not_before += timedelta(seconds=float(clerk_settings.SYNC_BREAKER_COOLDOWN))
    else:
        later = Q(claimed_until__gt=now)
        if retrying:
            later |= Q(due_at__gt=now)
        pending = pending.filter(later)
    ready = pending.next_ready()
    if ready is not None:
        enqueue_delivery(run_after=max(ready + timedelta(seconds=1), not_before))
