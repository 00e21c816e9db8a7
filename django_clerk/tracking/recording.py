"""Recording behaviour events in the outbox: one ``INSERT ... ON CONFLICT DO UPDATE`` of a
:class:`~django_clerk.models.PendingChange` row whose payload says what to send.

The row is written in the caller's transaction (a rolled-back checkout records no sale) and
a delivery is asked for after the commit, so the request pays one small insert and nothing
waits for Clerk. A row is unique per (store, kind, object id): an event recorded again under
the same id replaces the pending one (the latest basket of a customer wins; a sale recorded
twice is sent once).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange, Store
from django_clerk.sync import dispatch
from django_clerk.sync.outbox import MAX_OBJECT_ID

_UPDATE_ON_CONFLICT = [
    "state",
    "attempts",
    "due_at",
    "claimed_until",
    "lease",
    "last_error",
    "payload",
    "updated_at",
]
logger = logging.getLogger("django_clerk.sync")
_COLUMNS = ["store_id", "entity", "object_id", *_UPDATE_ON_CONFLICT, "created_at"]


def record_event(
    store: Store, entity: str, object_id: str, payload: dict[str, Any], *, delay: float = 0.0
) -> bool:
    """Record that ``payload`` is to be sent to ``store``'s Clerk as an event of ``entity``
    (due after ``delay`` seconds); replaces a pending event of the same ``object_id``.
    Returns whether it was recorded (an id longer than the outbox holds is not)."""
    if len(object_id) > MAX_OBJECT_ID:
        return False
    using = router.db_for_write(PendingChange)
    now = timezone.now()
    due = now + timedelta(seconds=delay)
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        PendingChange.objects.using(using).update_or_create(
            store_id=store.pk,
            entity=entity,
            object_id=object_id,
            defaults={
                "state": PendingChange.State.PENDING,
                "attempts": 0,
                "due_at": due,
                "claimed_until": None,
                "lease": None,
                "last_error": "",
                "payload": payload,
                "updated_at": now,
            },
        )
    else:
        stamp = connection.ops.adapt_datetimefield_value
        params: list[Any] = [
            store.pk,
            entity,
            object_id,
            PendingChange.State.PENDING.value,
            0,
            stamp(due),
            None,
            None,
            "",
            json.dumps(payload, separators=(",", ":")),
            stamp(now),
            stamp(now),
        ]
        with connection.cursor() as cursor:
            cursor.execute(_upsert_sql(connection.ops.quote_name, connection.vendor), params)
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


@functools.lru_cache(maxsize=4)
def _upsert_sql(quote: Callable[[str], str], vendor: str) -> str:
    table = quote(PendingChange._meta.db_table)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    json_value = "%s::jsonb" if vendor == "postgresql" else "%s"
    values = ", ".join(json_value if c == "payload" else "%s" for c in _COLUMNS)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in _UPDATE_ON_CONFLICT)
    conflict = ", ".join(quote(c) for c in ("store_id", "entity", "object_id"))
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({values}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
