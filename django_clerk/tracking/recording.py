"""Recording behaviour events in the outbox: one ``INSERT ... ON CONFLICT DO UPDATE`` of a
:class:`~django_clerk.models.PendingChange` row whose payload says what to send.

The row is written in the caller's transaction (a rolled-back checkout records no sale) and
a delivery is asked for after the commit, so the request pays one small insert and nothing
waits for Clerk. A row is unique per (store, kind, object id): an event recorded again under
the same id replaces the pending one (the latest basket of a customer wins; a sale recorded
twice is sent once, see :attr:`~django_clerk.models.PendingChange.State.SENT`).

Several events of one request (a checkout's sale and its emptied basket) can be written in
one statement: record them inside :func:`events_together`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from django.db import router, transaction
from django.utils import timezone

from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange, Store
from django_clerk.sync import dispatch
from django_clerk.sync.outbox import MAX_OBJECT_ID
from django_clerk.sync.outbox_rows import upsert_events

logger = logging.getLogger("django_clerk.sync")

_Event = tuple[int, str, str, Any, datetime]
"""``(store id, entity, object id, payload, due)``: one outbox row to write."""
_held: ContextVar[dict[tuple[str, int, str, str], _Event] | None] = ContextVar(
    "django_clerk_events_together", default=None
)
"""The events recorded inside :func:`events_together`, by database and row key."""


def record_event(
    store: Store, entity: str, object_id: str, payload: dict[str, Any], *, delay: float = 0.0
) -> bool:
    """Record that ``payload`` is to be sent to ``store``'s Clerk as an event of ``entity``
    (due after ``delay`` seconds); replaces a pending event of the same ``object_id``.
    Returns whether it was recorded (an id longer than the outbox holds is not)."""
    if len(object_id) > MAX_OBJECT_ID:
        return False
    using = router.db_for_write(PendingChange)
    event = (store.pk, entity, object_id, payload, timezone.now() + timedelta(seconds=delay))
    held = _held.get()
    if held is None:
        _write(using, [event])
    else:  # written when the block ends; the latest event under one id wins, as in the outbox
        key = (using, store.pk, entity, object_id)
        held.pop(key, None)
        held[key] = event
    return True


@contextmanager
def events_together() -> Iterator[None]:
    """Write the events recorded in the block in one statement when it ends (one round trip
    to the database instead of one per event), e.g. a checkout's sale and emptied basket.

    Use it inside the transaction that the events belong to: the block must end before the
    commit. A block left by an exception records none of its events. Nested blocks are
    written by the outermost. Put the ``track_*`` calls alone in the block: a savepoint
    rolled back inside it (an inner ``atomic()`` whose exception is caught) does not take
    back the events recorded in it, as it would without the block. Like the ORM, it is used
    from synchronous code.
    """
    if _held.get() is not None:
        yield
        return
    held: dict[tuple[str, int, str, str], _Event] = {}
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    by_database: dict[str, list[_Event]] = {}
    for (using, *_row), event in held.items():
        by_database.setdefault(using, []).append(event)
    for using, events in by_database.items():
        _write(using, events)


def _write(using: str, events: list[_Event]) -> None:
    """Write ``events`` (distinct rows) and ask for their delivery after the commit."""
    upsert_events(events, using)
    dispatch.schedule(using)
    now = timezone.now()
    for due in {event[4] for event in events if event[4] > now}:
        _deliver_when_due(due, using)


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
