"""The parts of a page read in one statement (:mod:`~django_clerk.mapping.page_reads`): a
query's SQL and parameters, with the converters the ORM applies to its columns."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler

from django_clerk.mapping.compiled import compiled_queries
from django_clerk.mapping.reads import ManyRead, fixed_manager

#: The name of the page's rows inside the statement.
PAGE = "django_clerk_page"
#: The values a converted value is remembered by: equal ones are the same value.
PLAIN = frozenset({int, str, bytes, bool, type(None)})
#: What a converter may return for several rows at once: values nothing can change.
IMMUTABLE = frozenset(
    {bool, int, float, str, bytes, type(None), Decimal, UUID, date, datetime, time, timedelta}
)


class Part:
    """One part of the statement: a query's SQL, parameters, column count and converters."""

    def __init__(self, compiler: SQLCompiler, sql: str, params: Sequence[Any]) -> None:
        self.sql, self.params = sql, list(params)
        self.expressions = [column[0] for column in compiler.select]
        self.connection = compiler.connection
        self.width = len(self.expressions)
        self.converters = list(compiler.get_converters(self.expressions).items())

    @functools.cached_property
    def types(self) -> list[str | None]:
        """Each column's database type (``None``: Django cannot tell)."""
        return [db_type(expression, self.connection) for expression in self.expressions]

    def converted(self, columns: list[Any], connection: Any, keep: int | None = None) -> list[Any]:
        """The part's ``columns`` (a sequence of values per column) through the ORM's
        converters, column by column; the column at ``keep`` stays as the database wrote it."""
        for position, (functions, expression) in self.converters:
            if position != keep:
                column = columns[position]
                columns[position] = converted_column(column, functions, expression, connection)
        return columns


def db_type(expression: Any, connection: Any) -> str | None:
    """The database type of ``expression``'s values, ``None`` when Django cannot tell."""
    try:
        found: str | None = expression.output_field.cast_db_type(connection)
    except Exception:  # an expression whose type Django cannot tell
        return None
    return found


def cached_relation(
    build: Callable[..., Part | None],
    model: type[Model],
    many: ManyRead,
    using: str,
    *options: Hashable,
) -> Part | None:
    """``build(model, many, using, *options)``: the part of ``many``, kept for the thread and
    the database (see :mod:`~django_clerk.mapping.compiled`) when nothing can change it from
    page to page (see :func:`~django_clerk.mapping.reads.fixed_manager`), and the query has
    no values of its own."""
    cache = (build, model, many, using, *options)
    queries = compiled_queries()
    if cache in queries:
        return queries[cache]  # type: ignore[return-value]
    part = build(model, many, using, *options)
    if fixed_manager(model, many) and (part is None or not part.params):
        queries[cache] = part  # type: ignore[assignment]
    return part


def converted_column(
    column: Sequence[Any], functions: Sequence[Any], expression: Any, connection: Any
) -> list[Any]:
    """``column``'s values through the ORM's converters of ``expression``, as
    :meth:`~django.db.models.sql.compiler.SQLCompiler.apply_converters` does row by row. A
    plain value (a number, text, a flag: what SQLite gives) that comes again is converted once
    when what it converts to is immutable (a price, a date): the same object stands for it in
    each row."""
    found: dict[tuple[type, Any], Any] = {}
    converted: list[Any] = []
    append = converted.append
    for value in column:
        cls = value.__class__
        plain = cls in PLAIN or (cls is float and value and value == value)  # not 0, -0, NaN
        if plain and (cls, value) in found:
            append(found[cls, value])
            continue
        result = value
        for function in functions:
            result = function(result, expression, connection)
        if plain and result.__class__ in IMMUTABLE:
            found[cls, value] = result
        append(result)
    return converted
