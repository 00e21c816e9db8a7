"""Recording pending changes, in the same database transaction as the shop's own write.

One ``INSERT ... ON CONFLICT DO UPDATE`` per store per save: a second change of an object that
is already pending updates its row (due now, fresh attempts, and the claim token cleared so a
delivery that is sending an older state leaves the row for the next one). Nothing is
serialized here: the delivery reads the object's final state.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections
from django.utils import timezone

from django_clerk.models import PendingChange, Store
from django_clerk.sync import dispatch
from django_clerk.sync.entities import store_entities

REALTIME_STORES_SECONDS = 5.0
"""How long the list of stores with real-time updates is reused by a process. Saving or
deleting a store clears it at once in the process that did it."""

MAX_OBJECT_ID = PendingChange._meta.get_field("object_id").max_length or 255
"""Longest primary key (as text) the outbox holds."""
logger = logging.getLogger("django_clerk.sync")

_UPDATE_ON_CONFLICT = ["state", "attempts", "due_at", "lease", "last_error", "updated_at"]
_COLUMNS = ["store_id", "entity", "object_id", *_UPDATE_ON_CONFLICT, "created_at"]
_BATCH = 500


class _StoreCache:
    """``{using: (expires, [(store id, entities)])}`` of active stores with real-time updates."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, list[tuple[int, frozenset[str]]]]] = {}

    def get(self, using: str) -> list[tuple[int, frozenset[str]]]:
        entry = self._entries.get(using)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]
        stores = Store.objects.using(using).filter(is_active=True, realtime_updates=True)
        value = [(store.pk, store_entities(store)) for store in stores]
        with self._lock:
            self._entries[using] = (now + REALTIME_STORES_SECONDS, value)
        return value

    def clear(self, **kwargs: Any) -> None:
        with self._lock:
            self._entries.clear()


realtime_stores = _StoreCache()


def record(
    entity: str,
    pks: Iterable[Any],
    *,
    using: str = "default",
    store_ids: list[int] | None = None,
    prefix: str = "",
) -> int:
    """Record that the objects ``pks`` of ``entity`` changed, for every store with real-time
    updates whose options include ``entity`` (or for ``store_ids``, whatever their options).
    ``prefix`` is their source's ``Meta.id_prefix``: an object id is the prefix and the key.

    Runs in the caller's transaction: a rollback takes the records with it. Returns how many
    were recorded (new or updated), and asks for a delivery after the commit.
    """
    object_ids = list(dict.fromkeys(f"{prefix}{pk}" for pk in pks if pk is not None))
    too_long = [object_id for object_id in object_ids if len(object_id) > MAX_OBJECT_ID]
    if too_long:
        # The shop's own write must not fail for the sync's sake.
        logger.error(
            "Clerk.io cannot sync %d %s with a primary key longer than %d characters (%s...)",
            len(too_long),
            entity,
            MAX_OBJECT_ID,
            too_long[0][:40],
        )
        object_ids = [object_id for object_id in object_ids if len(object_id) <= MAX_OBJECT_ID]
    if not object_ids:
        return 0
    if store_ids is None:
        store_ids = [pk for pk, entities in realtime_stores.get(using) if entity in entities]
    if not store_ids:
        return 0
    rows = [(store_id, entity, object_id) for store_id in store_ids for object_id in object_ids]
    _upsert(rows, using)
    dispatch.schedule(using)
    return len(rows)


def _upsert(rows: list[tuple[int, str, str]], using: str) -> None:
    """``INSERT ... ON CONFLICT (store, entity, object id) DO UPDATE`` of ``rows``.

    Raw SQL on PostgreSQL and SQLite: this runs inside every save of a mapped object, and
    ``bulk_create(update_conflicts=True)`` spends more time compiling the statement than the
    database spends running it. Other databases go through ``bulk_create``.
    """
    connection = connections[using]
    now = timezone.now()
    if connection.vendor not in ("postgresql", "sqlite"):
        PendingChange.objects.using(using).bulk_create(
            [
                PendingChange(
                    store_id=s, entity=e, object_id=o, due_at=now, created_at=now, updated_at=now
                )
                for s, e, o in rows
            ],
            batch_size=_BATCH,
            update_conflicts=True,
            unique_fields=["store", "entity", "object_id"],
            update_fields=_UPDATE_ON_CONFLICT,
        )
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    pending = PendingChange.State.PENDING.value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            params: list[Any] = []
            for store_id, entity, object_id in chunk:
                params += [store_id, entity, object_id, pending, 0, stamp, None, "", stamp, stamp]
            cursor.execute(_upsert_sql(connection.ops.quote_name, len(chunk)), params)


@functools.lru_cache(maxsize=16)
def _upsert_sql(quote: Callable[[str], str], count: int) -> str:
    insert, on_conflict = upsert_clauses(quote)
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    return f"{insert} VALUES {', '.join([row] * count)} {on_conflict}"


@functools.lru_cache(maxsize=4)
def upsert_clauses(quote: Callable[[str], str]) -> tuple[str, str]:
    """The two ends of every upsert of outbox rows: ``INSERT INTO outbox (columns)`` and
    ``ON CONFLICT (store, entity, object id) DO UPDATE SET ...``."""
    table = quote(PendingChange._meta.db_table)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in _UPDATE_ON_CONFLICT)
    conflict = ", ".join(quote(c) for c in ("store_id", "entity", "object_id"))
    return f"INSERT INTO {table} ({columns})", f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
