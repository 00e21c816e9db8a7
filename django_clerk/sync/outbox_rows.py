"""Writing pending-change rows: ``INSERT ... ON CONFLICT (store, entity, object id) DO UPDATE``.

A row that is already pending is updated instead of doubled: due now, fresh attempts, and the
claim token cleared, so a delivery that is sending an older state leaves the row for the next
one. What both the recording (:mod:`~django_clerk.sync.outbox`) and the expansion of bulk
changes (:mod:`~django_clerk.sync.bulk_markers`) write with.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.utils import timezone

from django_clerk.models import PendingChange

_UPDATE_ON_CONFLICT = ["state", "attempts", "due_at", "lease", "last_error", "updated_at"]
_COLUMNS = ["store_id", "entity", "object_id", *_UPDATE_ON_CONFLICT, "created_at"]
ROWS_PER_STATEMENT = 500


def upsert_rows(rows: list[tuple[int, str, str]], using: str) -> None:
    """Make ``(store id, entity, object id)`` rows pending and due now, new or not.

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
            batch_size=ROWS_PER_STATEMENT,
            update_conflicts=True,
            unique_fields=["store", "entity", "object_id"],
            update_fields=_UPDATE_ON_CONFLICT,
        )
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    pending = PendingChange.State.PENDING.value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            params: list[Any] = []
            for store_id, entity, object_id in chunk:
                params += [store_id, entity, object_id, pending, 0, stamp, None, "", stamp, stamp]
            cursor.execute(_upsert_sql(connection.ops.quote_name, len(chunk)), params)


@functools.lru_cache(maxsize=16)
def _upsert_sql(quote: Callable[[str], str], count: int) -> str:
    table = quote(PendingChange._meta.db_table)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in _UPDATE_ON_CONFLICT)
    conflict = ", ".join(quote(c) for c in ("store_id", "entity", "object_id"))
    return (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * count)} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )


def upsert_object_ids(store_id: int, entity: str, object_ids: list[str], using: str) -> None:
    """What :func:`upsert_rows` does for many objects (distinct ids) of one store and entity,
    in one statement: the ids travel as one array (PostgreSQL) or one JSON list (SQLite)."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite") or not object_ids:
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
        cursor.execute(_upsert_ids_sql(connection.ops.quote_name, connection.vendor), [*head, ids])


@functools.lru_cache(maxsize=4)
def _upsert_ids_sql(quote: Callable[[str], str], vendor: str) -> str:
    table = quote(PendingChange._meta.db_table)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in _UPDATE_ON_CONFLICT)
    conflict = ", ".join(quote(c) for c in ("store_id", "entity", "object_id"))
    # store, entity, id, state, attempts, due, lease, error, updated, created
    values = "%s, %s, ids.value, %s, %s, %s, %s, %s, %s, %s"
    if vendor == "postgresql":
        source = "unnest(%s::varchar[]) AS ids(value)"
    else:
        source = "json_each(%s) AS ids"
    # ``WHERE true``: SQLite reads ``ON CONFLICT`` after a bare ``SELECT ... FROM`` as a join.
    return (
        f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source} "
        f"WHERE true ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
