"""The active stores and one crawl's cursor, read together: one query, compiled once.

A feed page authenticates against the active stores, read from the database on every
request, and continues its crawl from its cursor (:mod:`django_clerk.feeds.crawls`). Both
are read by one ``SELECT`` (the stores, each joined with its cursor of the request's crawl
scope), compiled once per database connection (:mod:`django_clerk.mapping.compiled`): a request runs
it with its scope and builds the stores and the cursor from its rows as the ORM would.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, connections, router
from django.db.models import F, FilteredRelation, Q, QuerySet

from django_clerk.mapping.compiled import CompiledQuery, compiled_queries
from django_clerk.models import FeedCursor, Store

logger = logging.getLogger("django_clerk.feeds")

#: The fields of a cursor read with the stores, and the names they are read under.
CURSOR_FIELDS = tuple(field.attname for field in FeedCursor._meta.concrete_fields)
CURSOR_RELATION = "clerk_cursor"
CURSOR_PREFIX = CURSOR_RELATION + "_"
#: Stands for the scope while the query is compiled.
SCOPE_MARK = "\x00clerk crawl scope\x00"
#: While the cursors' table lacks a column this query reads, how long the stores are read
#: without cursors before the table is looked at again, in seconds.
RECHECK_AFTER = 60.0
_migrated: dict[str, bool | float] = {}  # database alias: True, or when it was not yet


def cursors_migrated(using: str) -> bool:
    """Whether the cursors' table of database ``using`` has every column read with the
    stores (it lacks one until ``migrate`` ran): asked once per process (again every
    ``RECHECK_AFTER`` seconds while it lacks one), so that a query that would fail never
    runs, and never aborts the request's transaction."""
    known = _migrated.get(using)
    if known is True:
        return True
    if isinstance(known, float) and time.monotonic() - known < RECHECK_AFTER:
        return False
    table = FeedCursor._meta.db_table
    try:
        connection = connections[using]
        with connection.cursor() as cursor:
            described = connection.introspection.get_table_description(cursor, table)
        done = {column.name for column in described} >= {
            field.column for field in FeedCursor._meta.concrete_fields
        }
    except DatabaseError:
        done = False
    _migrated[using] = True if done else time.monotonic()
    if not done:
        logger.warning(
            "The feed cursors are not migrated (manage.py migrate django_clerk): crawls are "
            "served by OFFSET until they are"
        )
    return done


def stores_with_cursor_queryset(scope: str) -> QuerySet[Store, Store]:
    """The active stores, each with the columns of its cursor of ``scope`` (``NULL`` when it
    has none)."""
    found = FilteredRelation("feed_cursors", condition=Q(feed_cursors__scope=scope))
    columns = {CURSOR_PREFIX + name: F(f"{CURSOR_RELATION}__{name}") for name in CURSOR_FIELDS}
    return Store.objects.active().annotate(**{CURSOR_RELATION: found}).annotate(**columns)


def stores_with_cursor(scope: str) -> list[Store]:
    """The active stores, read from the database now (as
    :func:`~django_clerk.stores.active_stores`), each with its cursor of ``scope`` when it
    has one: one query, compiled once (see :func:`cursor_of`)."""
    using = router.db_for_read(Store)
    if not cursors_migrated(using):  # serve with OFFSET
        return list(Store.objects.using(using).active())
    compiled = compiled_queries()
    key = ("django_clerk.feeds.store_cursors", using)
    query = compiled.get(key)
    if query is None:
        queryset = stores_with_cursor_queryset(SCOPE_MARK).using(using)
        query = compiled[key] = CompiledQuery(queryset, [SCOPE_MARK])
    stores: list[Store] = query.instances(Store, [scope])
    return stores


class Unread:
    """The cursor of a store read without one (see :func:`cursor_of`)."""


UNREAD = Unread()


def cursor_of(store: Store) -> FeedCursor | Unread | None:
    """The cursor read with ``store`` by :func:`stores_with_cursor` (``None``: it has none),
    or :data:`UNREAD` when the store was read without one."""
    values = [getattr(store, CURSOR_PREFIX + name, UNREAD) for name in CURSOR_FIELDS]
    if values[0] is UNREAD:
        return UNREAD
    if values[0] is None:
        return None
    return FeedCursor.from_db(store._state.db, CURSOR_FIELDS, values)
