"""Recording behaviour events in the outbox: one ``INSERT ... ON CONFLICT DO UPDATE`` of a
:class:`~django_clerk.models.PendingChange` row whose payload says what to send.

The row is written in the caller's transaction (a rolled-back checkout records no sale) and
a delivery is asked for after the commit, so the request pays one small insert and nothing
waits for Clerk. A row is unique per (store, kind, object id): an event recorded again under
the same id replaces the pending one (the latest basket of a customer wins; a sale recorded
twice is sent once, see :attr:`~django_clerk.models.PendingChange.State.SENT`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import router, transaction
from django.utils import timezone

from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange, Store
from django_clerk.sync import dispatch
from django_clerk.sync.outbox import MAX_OBJECT_ID
from django_clerk.sync.outbox_rows import upsert_event

logger = logging.getLogger("django_clerk.sync")


def record_event(
    store: Store, entity: str, object_id: str, payload: dict[str, Any], *, delay: float = 0.0
) -> bool:
    """Record that ``payload`` is to be sent to ``store``'s Clerk as an event of ``entity``
    (due after ``delay`` seconds); replaces a pending event of the same ``object_id``.
    Returns whether it was recorded (an id longer than the outbox holds is not)."""
    if len(object_id) > MAX_OBJECT_ID:
        return False
    using = router.db_for_write(PendingChange)
    due = timezone.now() + timedelta(seconds=delay)
    upsert_event(store.pk, entity, object_id, payload, due, using)
    dispatch.schedule(using)
    if delay > 0:
        _deliver_when_due(due, using)
    return True


def _deliver_when_due(due: Any, using: str) -> None:
    """With task delivery, enqueue a delivery for when a delayed event comes due (the
    delivery thread wakes for the earliest due row by itself; manual delivery runs when
    it is run)."""
    if clerk_settings.SYNC_DELIVERY != "task":
        return

    def enqueue() -> None:
        from django_clerk.sync.tasks import enqueue_delivery

        try:
            enqueue_delivery(run_after=due)
        except Exception:
            logger.exception("Could not schedule the Clerk.io delivery of a delayed event")

    transaction.on_commit(enqueue, using=using, robust=True)
