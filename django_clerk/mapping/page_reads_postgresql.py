"""A page of ``values()`` rows and the rows of its many relations in one statement, on
PostgreSQL::

    WITH django_clerk_page (c0, c1, ...) AS MATERIALIZED (<the page's query>),
         django_clerk_many1 (s, v0, v1, ...) AS (<relation 1 for the page's keys>), ...
    SELECT 0, c<pk>, NULL, c0, c1, ..., NULL, ... FROM django_clerk_page
    UNION ALL SELECT 1, v0, s, NULL, ..., v0, v1, ..., NULL, ... FROM django_clerk_many1
    ...
    ORDER BY 1, 2, 3

The page's keys are read from the page itself (``IN`` the page, within its lowest and
highest integer key); ``s`` numbers a relation's rows in the relation's order, and the parts'
columns share the statement's columns by type. The rows are as wide as the widest part and
sorted as one, which costs the client some time, and saves a round trip per relation.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model
from django.db.models.expressions import OrderBy, RawSQL

from django_clerk.mapping.page_parts import PAGE, Part, cached_relation
from django_clerk.mapping.reads import ManyRead, group_related, related_rows

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


def read_page(
    page: Part, names: list[str], key: int, model: type[Model], manys: list[ManyRead], using: str
) -> list[dict[str, Any]] | None:
    """The rows of ``page`` with their related rows of ``manys``; ``None`` when a relation
    cannot be read this way."""
    connection = connections[using]
    integer = model._meta.pk.get_internal_type() in INTEGER_KEYS
    relations = [cached_relation(_relation, model, many, using, key, integer) for many in manys]
    if any(part is None for part in relations):
        return None
    parts: list[Part] = [page, *(part for part in relations if part is not None)]
    if any(t is None for p in parts for t in p.types):
        return None  # a NULL of that column could not be typed for the UNION
    layout, types = _layout(parts)
    sql, params = _statement(parts, key, layout, types)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    by_part: list[list[Any]] = [[] for _ in parts]
    for row in found:
        by_part[row[0]].append(row)
    columns = [  # column by column: one list per converted column, instead of a list per row
        part.converted([[row[3 + slot] for row in rows] for slot in slots], connection)
        for part, rows, slots in zip(parts, by_part, layout, strict=True)
    ]
    rows = [dict(zip(names, values, strict=True)) for values in zip(*columns[0], strict=True)]
    for many, part, own in zip(manys, parts[1:], columns[1:], strict=True):
        name, get = many.key, group_related(zip(*own, strict=True), part.width == 2).get
        for item in rows:
            item[name] = get(item["pk"], ())
    return rows


def _relation(
    model: type[Model], many: ManyRead, using: str, key: int, integer: bool
) -> Part | None:
    """The part of ``many``: its rows for the page's keys, numbered in the relation's order."""
    lookups: dict[str, Any] = {"in": RawSQL(f'SELECT "c{key}" FROM {PAGE}', [])}
    if integer:  # the index's range first: a page's keys are a run of its key order
        lookups["gte"] = RawSQL(f'SELECT MIN("c{key}") FROM {PAGE}', [])
        lookups["lte"] = RawSQL(f'SELECT MAX("c{key}") FROM {PAGE}', [])
    queryset = related_rows(model, many, using, lookups)
    compiler = queryset.query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    by: list[str] = []
    for expression, (fragment, values, is_ref) in compiler.get_order_by():
        if is_ref:  # a selected column, named by its alias or its position: its own SQL
            source = OrderBy(
                expression.expression.source,
                descending=expression.descending,
                nulls_first=expression.nulls_first,
                nulls_last=expression.nulls_last,
            )
            fragment, values = compiler.compile(source)
        if values:
            return None  # an order with values of its own
        by.append(fragment)
    if queryset.query.distinct or not sql.startswith("SELECT "):
        return None
    order = ", ".join(by) or "1"
    numbered = f"SELECT ROW_NUMBER() OVER (ORDER BY {order}), {sql[len('SELECT ') :]}"
    return Part(compiler, numbered, params)


def _layout(parts: list[Part]) -> tuple[list[list[int]], list[str]]:
    """Which column of the statement (after part, key, number) holds each column of each
    part, and each column's type: a part's column takes the first column of the same type
    that the part does not use yet (``varchar(50)`` and ``varchar(64)`` are one type), so the
    rows are as narrow as the widest part, give or take."""
    types: list[str] = []
    layout: list[list[int]] = []
    for part in parts:
        used: set[int] = set()
        slots = []
        for db_type in part.types:
            base = _base_type(str(db_type))
            slot = next(
                (i for i, t in enumerate(types) if _base_type(t) == base and i not in used),
                None,
            )
            if slot is None:
                types.append(str(db_type))
                slot = len(types) - 1
            used.add(slot)
            slots.append(slot)
        layout.append(slots)
    return layout, types


def _base_type(db_type: str) -> str:
    """``varchar`` of ``varchar(50)``, ``numeric[]`` of ``numeric(5, 2)[]``: a type without
    its modifier (values of one base type share a column of the statement)."""
    return re.sub(r"\([^)]*\)", "", db_type)


def _statement(
    parts: list[Part], key: int, layout: list[list[int]], types: list[str]
) -> tuple[str, list[Any]]:
    page, relations = parts[0], parts[1:]
    # PostgreSQL types each column of a UNION from its first typed branch, two branches at a
    # time: the page's branch comes first, and casts the NULLs of columns it does not use.
    cells = [f"CAST(NULL AS {db_type})" for db_type in types]
    for column, slot in enumerate(layout[0]):
        cells[slot] = f'"c{column}"'
    columns = ", ".join(f'"c{i}"' for i in range(page.width))
    ctes = [f"{PAGE} ({columns}) AS MATERIALIZED ({page.sql})"]
    selects = [", ".join([f'SELECT 0, "c{key}", NULL', *cells]) + f" FROM {PAGE}"]
    params = list(page.params)
    for number, part in enumerate(relations, start=1):
        name = f"django_clerk_many{number}"
        own = ", ".join(f'"v{i}"' for i in range(part.width))
        ctes.append(f'{name} ("s", {own}) AS ({part.sql})')
        params += part.params
        cells = ["NULL"] * len(types)
        for column, slot in enumerate(layout[number]):
            cells[slot] = f'"v{column}"'
        selects.append(", ".join([f'SELECT {number}, "v0", "s"', *cells]) + f" FROM {name}")
    sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)} ORDER BY 1, 2, 3"
    return sql, params
