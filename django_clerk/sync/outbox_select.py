"""Recording the keys a query selects, in the database: ``INSERT INTO outbox ... SELECT``.

What :class:`~django_clerk.sync.bulk.SyncedQuerySet` uses for a bulk write of many rows on
PostgreSQL and SQLite when the keys are integers: no key travels through Python, and a bulk
update of 100,000 rows records them in one statement per store. Other cases go through
:func:`django_clerk.sync.outbox.record` with the keys read first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections, models
from django.db.models.functions import Cast
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.sync import dispatch, outbox

INTEGER_KEYS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    }
)
"""Key types whose text in SQL (``CAST(id AS TEXT)``) is ``str(pk)`` in Python."""


def can_select(key_field: models.Field[Any, Any], using: str) -> bool:
    """Whether keys of ``key_field`` can be recorded by :func:`record_selected` here."""
    vendor = connections[using].vendor
    return vendor in ("postgresql", "sqlite") and key_field.get_internal_type() in INTEGER_KEYS


def record_selected(
    entity: str, prefix: str, keys: models.QuerySet[Any, Any], column: str, using: str
) -> None:
    """Record, for every store with real-time updates that sends ``entity``, the objects whose
    keys the queryset ``keys`` gives in its field ``column`` (duplicates and NULLs skipped).
    Runs in the caller's transaction; asks for a delivery after the commit."""
    store_ids = [pk for pk, entities in outbox.realtime_stores.get(using) if entity in entities]
    if not store_ids:
        return
    if column == "pk" and len(keys.query.alias_map) > 1:
        # A condition across a relation (``categories__in=...``) may repeat a row, and one
        # INSERT ... ON CONFLICT may not name a row twice: select the keys by a semi-join.
        keys = keys.model._base_manager.using(using).filter(pk__in=keys.order_by().values("pk"))
    selected = keys.order_by().values(clerk_key=Cast(column, output_field=models.TextField()))
    if column != "pk":  # several rows may name one owner, or none
        selected = selected.filter(**{f"{column}__isnull": False}).distinct()
    query_sql, query_params = selected.query.get_compiler(using).as_sql()
    connection = connections[using]
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    pending = PendingChange.State.PENDING.value
    sql = _insert_select_sql(connection.ops.quote_name, query_sql)
    with connection.cursor() as cursor:
        for store_id in store_ids:
            head: list[Any] = [store_id, entity, prefix, pending, 0, stamp, None, "", stamp, stamp]
            cursor.execute(sql, [*head, *query_params])
    dispatch.schedule(using)


def _insert_select_sql(quote: Callable[[str], str], query_sql: str) -> str:
    insert, on_conflict = outbox.upsert_clauses(quote)
    # store, entity, prefix || key, state, attempts, due, lease, error, updated, created
    values = "%s, %s, %s || selected.clerk_key, %s, %s, %s, %s, %s, %s, %s"
    # ``WHERE true``: SQLite reads ``ON CONFLICT`` after a bare ``SELECT ... FROM`` as a join.
    return f"{insert} SELECT {values} FROM ({query_sql}) selected WHERE true {on_conflict}"
