"""Many relations read inside the page's query (PostgreSQL).

On PostgreSQL each column of a many relation's related rows is read as one more column of
the page: ``ARRAY(SELECT column FROM related WHERE key = page.pk ORDER BY ...)``, in the
relation's order, so a page and its relations are one round trip. Each array's values are
the driver's values of that column, converted by the ORM's converters of the relation's own
read, so a folded page equals one read with a query per relation (:func:`fetch_many`).

Other databases (SQLite, where a query is a call in the process) keep a query per relation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Field, Model, OuterRef
from django.db.models.manager import BaseManager

from django_clerk.mapping.reads import ManyRead, Row, relation_join

Converter = Callable[[Any], Any]


@dataclass
class FoldedMany:
    """A many relation read as columns of the page: the names of its array columns (one
    per related column) and the converters of their values."""

    many: ManyRead
    names: list[str]
    converters: list[Converter | None]
    #: The annotations, ``None`` when the related manager builds its query of its own on
    #: each use (then they are built for each page).
    expressions: dict[str, Any] | None

    def annotations(self, model: type[Model], using: str) -> dict[str, Any]:
        return self.expressions or folded_expressions(model, self.many, self.names, using)

    def attach(self, row: Row) -> None:
        """Replace the row's array columns by the relation's related rows, as
        :func:`fetch_many` gives them."""
        columns = []
        for name, convert in zip(self.names, self.converters, strict=True):
            values = row.pop(name) or []
            columns.append(values if convert is None else [convert(v) for v in values])
        row[self.many.key] = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))


def folds(using: str) -> bool:
    """Whether the database ``using`` reads many relations inside the page's query."""
    return connections[using].vendor == "postgresql"


def folded_expressions(
    model: type[Model], many: ManyRead, names: Sequence[str], using: str
) -> dict[str, Any]:
    from django.contrib.postgres.expressions import ArraySubquery  # needs psycopg

    related, join = relation_join(model, many)
    rows = related._default_manager.db_manager(using).all().filter(**{join: OuterRef("pk")})
    return {
        name: ArraySubquery(rows.values_list(column), output_field=Field())
        for name, column in zip(names, many.columns, strict=True)
    }


def column_converters(model: type[Model], many: ManyRead, using: str) -> list[Converter | None]:
    """The ORM's converters of each column of ``many``'s own read (``values_list``)."""
    related, _ = relation_join(model, many)
    queryset = related._default_manager.db_manager(using).all().values_list(*many.columns)
    compiler = queryset.query.get_compiler(using)
    compiler.as_sql()
    expressions = [column[0] for column in compiler.select]
    found: list[Converter | None] = [None] * len(expressions)
    connection = connections[using]
    for position, (functions, expression) in compiler.get_converters(expressions).items():

        def convert(value: Any, functions: Any = functions, expression: Any = expression) -> Any:
            for function in functions:
                value = function(value, expression, connection)
            return value

        found[position] = convert
    return found


def fold_many(model: type[Model], many: ManyRead, index: int, using: str) -> FoldedMany:
    """``many`` (the plan's ``index``-th relation) read as columns of the page."""
    names = [f"_clerk_many_{index}_{position}" for position in range(len(many.columns))]
    related, _ = relation_join(model, many)
    manager = related._default_manager
    fixed = type(manager).get_queryset is BaseManager.get_queryset
    expressions = folded_expressions(model, many, names, using) if fixed else None
    return FoldedMany(many, names, column_converters(model, many, using), expressions)
