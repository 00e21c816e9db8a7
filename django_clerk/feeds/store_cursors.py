"""The active stores and one crawl's cursor, read together: one query, compiled once.

A feed page authenticates against the active stores, read from the database on every
request, and continues its crawl from its cursor (:mod:`django_clerk.feeds.crawls`). Both
are read by one ``SELECT`` (the stores, each joined with its cursor of the request's crawl
scope), which Django compiles once per database connection: a request runs it with its scope
and builds the stores and the cursor from its rows as the ORM would (the same columns and
the same conversions), without building the query again.
"""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, connections, router
from django.db.models import F, FilteredRelation, Q, QuerySet

from django_clerk.models import FeedCursor, Store

logger = logging.getLogger("django_clerk.feeds")

#: The fields of a cursor read with the stores, and the names they are read under.
CURSOR_FIELDS = tuple(field.attname for field in FeedCursor._meta.concrete_fields)
CURSOR_RELATION = "clerk_cursor"
CURSOR_PREFIX = CURSOR_RELATION + "_"
#: Stands for the scope while the query is compiled.
SCOPE_MARK = "\x00clerk crawl scope\x00"


def stores_with_cursor_queryset(scope: str) -> QuerySet[Store, Store]:
    """The active stores, each with the columns of its cursor of ``scope`` (``NULL`` when it
    has none)."""
    found = FilteredRelation("feed_cursors", condition=Q(feed_cursors__scope=scope))
    columns = {CURSOR_PREFIX + name: F(f"{CURSOR_RELATION}__{name}") for name in CURSOR_FIELDS}
    return Store.objects.active().annotate(**{CURSOR_RELATION: found}).annotate(**columns)


class StoresStatement:
    """:func:`stores_with_cursor_queryset` compiled for one database connection."""

    def __init__(self, using: str) -> None:
        compiler = stores_with_cursor_queryset(SCOPE_MARK).query.get_compiler(using)
        sql, params = compiler.as_sql()
        scopes = [index for index, param in enumerate(params) if param == SCOPE_MARK]
        if len(scopes) != 1:
            raise ValueError("the stores' query holds its scope once")
        self.using, self.sql, self.params, self.scope_at = using, sql, list(params), scopes[0]
        expressions = [column[0] for column in compiler.select]
        self.converters = compiler.get_converters(expressions)
        assert compiler.klass_info is not None  # a query of model instances
        self.model_columns: list[int] = list(compiler.klass_info["select_fields"])
        self.attnames = [expressions[index].target.attname for index in self.model_columns]
        self.annotations: dict[str, int] = dict(compiler.annotation_col_map or {})

    def stores(self, scope: str) -> list[Store]:
        params = list(self.params)
        params[self.scope_at] = scope
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            values = list(row)
            for position, (converters, expression) in self.converters.items():
                value = values[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                values[position] = value
            store = Store.from_db(
                self.using, self.attnames, [values[index] for index in self.model_columns]
            )
            for name, position in self.annotations.items():
                setattr(store, name, values[position])
            found.append(store)
        return found


_statements = threading.local()  # a connection is per thread, so is its statement


def stores_with_cursor(scope: str) -> list[Store]:
    """The active stores, read from the database now (as
    :func:`~django_clerk.stores.active_stores`), each with its cursor of ``scope`` when it
    has one: one query (see :func:`cursor_of`)."""
    using = router.db_for_read(Store)
    compiled: dict[str, StoresStatement] = _statements.__dict__.setdefault("by_alias", {})
    try:
        statement = compiled.get(using)
        if statement is None:
            statement = compiled[using] = StoresStatement(using)
        return statement.stores(scope)
    except DatabaseError:  # e.g. the cursors are not migrated yet: serve with OFFSET
        logger.warning("Could not read a feed cursor", exc_info=True)
        return list(Store.objects.active())


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
