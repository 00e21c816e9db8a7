"""A page of ``values()`` rows and the rows of its many relations, read in one statement.

A page of a feed or a push is a slice of a queryset ordered by primary key, and each many
relation a field declares is read for the page's keys (one query each, see
:func:`~django_clerk.mapping.reads.fetch_many`). On PostgreSQL and SQLite a page is read with
its relations in one statement instead: one query a page, whatever the relations, and on a
database across a network one round trip. Each database has its form of the statement
(:mod:`~django_clerk.mapping.page_reads_postgresql`,
:mod:`~django_clerk.mapping.page_reads_sqlite`); both run the ORM's own queries (the page's
``values()`` query, each relation's ``values_list()`` of its default manager with its default
ordering) with their converters, so the rows are those of the queries run one by one (the
rows of a relation without an ordering come in an order of the database's choosing, in
both). A page neither covers (a reversed, distinct or combined query, a relation whose order
has values of its own, and what each database's module names) is read with one query per
relation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model, QuerySet

from django_clerk.mapping import page_reads_postgresql, page_reads_sqlite
from django_clerk.mapping.page_parts import Part
from django_clerk.mapping.reads import ManyRead

MAX_ROWS = 10_000
"""The largest slice read this way (a whole table is read page by page, one query each)."""


def combinable(queryset: QuerySet[Any, Any]) -> bool:
    """Whether ``queryset`` (of ``values()`` rows) is a page this module reads."""
    query = queryset.query
    return (
        connections[queryset.db].vendor in ("postgresql", "sqlite")
        and query.is_sliced
        and query.high_mark is not None
        and query.high_mark - query.low_mark <= MAX_ROWS
        and tuple(query.order_by) == ("pk",)
        and query.standard_ordering
        and not query.extra_order_by
        and not query.distinct
        and not query.combinator
    )


def read_page(
    queryset: QuerySet[Any, Any], names: list[str], model: type[Model], manys: list[ManyRead]
) -> list[dict[str, Any]] | None:
    """The page's rows (dicts of ``names``), each with the related rows of ``manys`` under
    :attr:`ManyRead.key` as :func:`~django_clerk.mapping.reads.fetch_many` gives them; ``None``
    when a part cannot be read this way (the caller reads the page as usual)."""
    using = queryset.db
    connection = connections[using]
    compiler = queryset.query.get_compiler(using)
    try:
        page = Part(compiler, *compiler.as_sql())
    except EmptyResultSet:  # a page that holds nothing, by its filters
        return []
    except FullResultSet:
        return None
    if page.width != len(names) or "pk" not in names:
        return None
    key = names.index("pk")
    if connection.vendor == "sqlite":
        if not page_reads_sqlite.available(connection):
            return None
        return page_reads_sqlite.read_page(page, names, key, model, manys, using)
    return page_reads_postgresql.read_page(page, names, key, model, manys, using)
