"""Writing pending-change rows: ``INSERT ... ON CONFLICT (store, entity, object id) DO UPDATE``.

A row that is already pending is updated instead of doubled: due again, fresh attempts, and the
claim token cleared, so a delivery that is sending an older state leaves the row for the next
one. The claim's lease time is never touched: a row a delivery is working on stays claimed
until that delivery ends (or its lease runs out), so no second delivery takes it meanwhile.
A row remembered as sent (a sale, see :attr:`PendingChange.State.SENT`) is never revived.

The one place that writes rows this way: the recording of changes
(:mod:`~django_clerk.sync.outbox`), the expansion of bulk changes
(:mod:`~django_clerk.sync.bulk_markers`) and the recording of events
(:mod:`~django_clerk.tracking.recording`, with a payload and a due time).
"""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any

from django.db import connections
from django.utils import timezone

from django_clerk.models import PendingChange

_UPDATE_ON_CONFLICT = ["state", "attempts", "due_at", "lease", "last_error", "updated_at"]
_COLUMNS = ["store_id", "entity", "object_id", *_UPDATE_ON_CONFLICT, "created_at"]
ROWS_PER_STATEMENT = 500
_FAST_VENDORS = ("postgresql", "sqlite")


def upsert_rows(rows: list[tuple[int, str, str]], using: str) -> None:
    """Make ``(store id, entity, object id)`` rows pending and due now, new or not.

    Raw SQL on PostgreSQL and SQLite: this runs inside every save of a mapped object, and
    ``bulk_create(update_conflicts=True)`` spends more time compiling the statement than the
    database spends running it. Other databases go through ``bulk_create``.
    """
    connection = connections[using]
    now = timezone.now()
    if connection.vendor not in _FAST_VENDORS:
        _bulk_create(rows, now, None, using)
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    pending = PendingChange.State.PENDING.value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            params: list[Any] = []
            for store_id, entity, object_id in chunk:
                params += [store_id, entity, object_id, pending, 0, stamp, None, "", stamp, stamp]
            cursor.execute(_upsert_sql(connection.vendor, len(chunk), False), params)


def upsert_events(rows: list[tuple[int, str, str, Any, datetime.datetime]], using: str) -> None:
    """What :func:`upsert_rows` does for rows that carry a payload, each ``(store id, entity,
    object id, payload, due)``, in one statement per 500 rows on PostgreSQL and SQLite: a
    payload replaces the pending one. The ``(store id, entity, object id)`` of ``rows`` are
    distinct."""
    if not rows:
        return
    connection = connections[using]
    now = timezone.now()
    if connection.vendor not in _FAST_VENDORS:
        for store_id, entity, object_id, payload, due in rows:
            remembered = PendingChange.objects.using(using).filter(
                store_id=store_id,
                entity=entity,
                object_id=object_id,
                state=PendingChange.State.SENT,
            )
            if not remembered.exists():
                _bulk_create([(store_id, entity, object_id)], now, (payload, due), using)
        return
    stamp = connection.ops.adapt_datetimefield_value
    pending = PendingChange.State.PENDING.value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            params: list[Any] = []
            for store_id, entity, object_id, payload, due in chunk:
                params += [store_id, entity, object_id, pending, 0, stamp(due), None, ""]
                params += [stamp(now), stamp(now), json.dumps(payload, separators=(",", ":"))]
            cursor.execute(_upsert_sql(connection.vendor, len(chunk), True), params)


def _bulk_create(
    rows: list[tuple[int, str, str]], now: Any, event: tuple[Any, Any] | None, using: str
) -> None:
    payload, due = event if event is not None else (None, now)
    PendingChange.objects.using(using).bulk_create(
        [
            PendingChange(
                store_id=s,
                entity=e,
                object_id=o,
                due_at=due,
                payload=payload,
                created_at=now,
                updated_at=now,
            )
            for s, e, o in rows
        ],
        batch_size=ROWS_PER_STATEMENT,
        update_conflicts=True,
        unique_fields=["store", "entity", "object_id"],
        update_fields=[*_UPDATE_ON_CONFLICT, *(["payload"] if event is not None else [])],
    )


def _quote(name: str) -> str:
    """A name quoted as PostgreSQL and SQLite both read it."""
    return '"{}"'.format(name.replace('"', '""'))


def _conflict_clause(columns: list[str]) -> str:
    """``ON CONFLICT ... DO UPDATE`` of ``columns``, leaving rows remembered as sent alone."""
    table = _quote(PendingChange._meta.db_table)
    updates = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in columns)
    conflict = ", ".join(_quote(c) for c in ("store_id", "entity", "object_id"))
    sent = PendingChange.State.SENT.value
    return (
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates} "
        f"WHERE {table}.{_quote('state')} <> '{sent}'"
    )


@functools.lru_cache(maxsize=64)
def _upsert_sql(vendor: str, count: int, with_payload: bool) -> str:
    columns = [*_COLUMNS, "payload"] if with_payload else _COLUMNS
    table = _quote(PendingChange._meta.db_table)
    json_value = "%s::jsonb" if vendor == "postgresql" else "%s"
    values = ", ".join(json_value if c == "payload" else "%s" for c in columns)
    updated = [*_UPDATE_ON_CONFLICT, "payload"] if with_payload else _UPDATE_ON_CONFLICT
    return (
        f"INSERT INTO {table} ({', '.join(_quote(c) for c in columns)}) "
        f"VALUES {', '.join([f'({values})'] * count)} {_conflict_clause(updated)}"
    )


def upsert_object_ids(store_id: int, entity: str, object_ids: list[str], using: str) -> None:
    """What :func:`upsert_rows` does for many objects (distinct ids) of one store and entity,
    in one statement: the ids travel as one array (PostgreSQL) or one JSON list (SQLite)."""
    connection = connections[using]
    if connection.vendor not in _FAST_VENDORS or not object_ids:
        upsert_rows([(store_id, entity, object_id) for object_id in object_ids], using)
        return
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    pending = PendingChange.State.PENDING.value
    head: list[Any] = [store_id, entity, pending, 0, stamp, None, "", stamp, stamp]
    if connection.vendor == "postgresql":
        ids: Any = object_ids
    else:
        ids = json.dumps(object_ids)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_ids_sql(connection.vendor), [*head, ids])


@functools.lru_cache(maxsize=4)
def _upsert_ids_sql(vendor: str) -> str:
    table = _quote(PendingChange._meta.db_table)
    columns = ", ".join(_quote(c) for c in _COLUMNS)
    # store, entity, id, state, attempts, due, lease, error, updated, created
    values = "%s, %s, ids.value, %s, %s, %s, %s, %s, %s, %s"
    if vendor == "postgresql":
        source = "unnest(%s::varchar[]) AS ids(value)"
    else:
        source = "json_each(%s) AS ids"
    # ``WHERE true``: SQLite reads ``ON CONFLICT`` after a bare ``SELECT ... FROM`` as a join.
    return (
        f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source} "
        f"WHERE true {_conflict_clause(_UPDATE_ON_CONFLICT)}"
    )
