"""A page of ``values()`` rows and the rows of its many relations in one statement, on SQLite.

The statement returns the page's rows, then one row per relation holding the relation's rows
for the page's keys as one JSON array::

    WITH django_clerk_page (c0, c1, ...) AS MATERIALIZED (<the page's query>),
         django_clerk_many1 (v0, v1, ...) AS (<relation 1 for the page's keys> LIMIT -1),
         ...
    SELECT 0, c0, c1, ... FROM django_clerk_page
    UNION ALL SELECT 1, (SELECT json_group_array(json_array(v0, v1, ...))
                           FROM django_clerk_many1), NULL, ...
    ...

(``v0`` is the key of the page's row a related row belongs to, ``IN`` the page's keys.)

The queries are the ORM's own (the page's ``values()`` query, each relation's
``values_list()`` of its default manager with its default ordering), and their rows pass the
same converters. Each relation is read on its index for the page's keys, as its own query
would be, and aggregated in its query's order (``LIMIT -1`` is no limit, but it keeps the
``ORDER BY``). A one-row-per-relation answer keeps the rows narrow: SQLite runs in the
process, and what a page costs it is mostly the values handed to Python.

The page's rows come in the order the page's query wrote them into the materialized table;
the read checks that their keys ascend, and reads the page query by query when they do not
(a key with a collation of its own).

JSON carries SQLite's integers, text and NULL exactly. It does not carry a BLOB, and it
writes a REAL with 15 significant digits: a page with a relation that reads a binary or a
floating-point column, or a ``DecimalField`` of more than 15 digits, is read with a query per
relation. (A ``DecimalField`` of up to 15 digits reads the same: Django itself reads it from
SQLite to 15 significant digits.) So is a page when the SQLite library is older than 3.35
(``AS MATERIALIZED``) or has no JSON functions, and a relation whose default manager is
distinct (its query selects its ordering's columns too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from json import loads
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model
from django.db.models.expressions import RawSQL

from django_clerk.mapping.page_parts import PAGE, Part, cached_relation
from django_clerk.mapping.reads import ManyRead, group_related, related_rows

#: Column types whose values JSON does not carry exactly.
INEXACT_TYPES = ("real", "float", "double", "blob")


def read_page(
    page: Part, names: list[str], key: int, model: type[Model], manys: list[ManyRead], using: str
) -> list[dict[str, Any]] | None:
    """The rows of ``page`` with their related rows of ``manys``; ``None`` when a relation
    cannot be read this way, or the page's rows did not come in key order."""
    connection = connections[using]
    relations = [cached_relation(_relation, model, many, using, key) for many in manys]
    if any(part is None for part in relations):
        return None
    parts = [part for part in relations if part is not None]
    sql, params = _statement(page, parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    page_rows = [row for row in found if row[0] == 0]
    if not page_rows:
        return []
    raw_keys = [row[1 + key] for row in page_rows]
    if any(a >= b for a, b in pairwise(raw_keys)):
        return None
    related: list[dict[Any, list[Any]]] = [{} for _ in parts]
    for row in found:
        if row[0]:
            related[row[0] - 1] = _group(parts[row[0] - 1], row[1], connection)
    # Column by column: one list per converted column, instead of a list per row.
    columns = page.converted(list(zip(*page_rows, strict=True))[1 : 1 + page.width], connection)
    rows = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
    for many, by_key in zip(manys, related, strict=True):
        name, get = many.key, by_key.get
        for item, raw in zip(rows, raw_keys, strict=True):
            item[name] = get(raw, ())
    return rows


def _group(part: Part, text: str | None, connection: Any) -> dict[Any, list[Any]]:
    """The related rows of a relation's JSON array by the (unconverted) key they belong to
    (see :func:`~django_clerk.mapping.reads.group_related`)."""
    rows: Iterable[Sequence[Any]] = loads(text) if text else ()
    if rows and part.converters:  # column by column, the key left as the database wrote it
        rows = zip(*part.converted(list(zip(*rows, strict=True)), connection, keep=0), strict=True)
    return group_related(rows, part.width == 2)


def _statement(page: Part, parts: list[Part]) -> tuple[str, list[Any]]:
    columns = ", ".join(f'"c{i}"' for i in range(page.width))
    ctes = [f"{PAGE} ({columns}) AS MATERIALIZED ({page.sql})"]
    selects = [f"SELECT 0, {columns} FROM {PAGE}"]
    params = list(page.params)
    nulls = ", NULL" * (page.width - 1)
    for number, part in enumerate(parts, start=1):
        name = f"django_clerk_many{number}"
        own = ", ".join(f'"v{i}"' for i in range(part.width))
        ctes.append(f"{name} ({own}) AS ({part.sql} LIMIT -1)")
        params += part.params
        selects.append(
            f"SELECT {number}, (SELECT json_group_array(json_array({own})) FROM {name}){nulls}"
        )
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params


def available(connection: Any) -> bool:
    """Whether the SQLite library has what the statement uses: ``AS MATERIALIZED`` (3.35)
    and the JSON functions."""
    version: tuple[int, ...] = connection.Database.sqlite_version_info
    if version >= (3, 38):  # JSON built in
        return True
    return version >= (3, 35) and bool(connection.features.supports_json_field)


def _relation(model: type[Model], many: ManyRead, using: str, key: int) -> Part | None:
    """The read of ``many``'s rows for the page's keys."""
    keys = RawSQL(f'SELECT "c{key}" FROM {PAGE}', [])
    queryset = related_rows(model, many, using, {"in": keys})
    if queryset.query.is_sliced or queryset.query.distinct:
        return None  # a distinct query selects its ordering's columns too
    compiler = queryset.query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    part = Part(compiler, sql, params)
    exact = map(_exact, part.expressions, part.types)
    if part.width != 1 + len(many.columns) or not all(exact):
        return None
    return part


def _exact(expression: Any, db_type: str | None) -> bool:
    """Whether JSON carries the values of ``expression`` (of the database type ``db_type``)
    as SQLite gives them to the ORM."""
    if db_type is None or db_type.lower().startswith(INEXACT_TYPES):
        return False  # a REAL is written with 15 significant digits, a BLOB not at all
    output = expression.output_field
    if output.get_internal_type() == "DecimalField":
        # Exact up to 15 digits, as Django reads them; past that JSON rounds otherwise.
        return output.max_digits is not None and output.max_digits <= 15
    return True
