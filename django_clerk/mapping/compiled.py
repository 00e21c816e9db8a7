"""Queries compiled once and run again with new values.

Building and compiling a queryset costs more than running a small query on a page's keys.
A query whose SQL depends on nothing but a few values (a crawl's scope, the range of a
page's keys) is compiled once, with marks standing for those values, and each run passes
the new values and converts the rows as the ORM does (the compiler's converters). A
compiled query belongs to its database connection, and so to its thread. Every thread
compiles again after ``migrate`` ran in its process or the ``DATABASES`` setting changed
(:func:`forget_compiled_queries`).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Hashable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet


class CompiledQuery:
    """``queryset`` compiled, its parameters equal to ``marks`` replaced on each run."""

    def __init__(self, queryset: QuerySet[Any, Any], marks: Sequence[Any]) -> None:
        self.using = queryset.db
        compiler = queryset.query.get_compiler(self.using)
        sql, params = compiler.as_sql()
        self.positions: list[int] = []
        for mark in marks:
            found = [index for index, param in enumerate(params) if param == mark]
            if len(found) != 1:
                raise ValueError(f"the query holds {mark!r} {len(found)} times")
            self.positions.append(found[0])
        self.sql, self.params = sql, list(params)
        #: Whether the query has values of its own (then it may change from run to run).
        self.own_values = len(params) > len(marks)
        self.expressions = [column[0] for column in compiler.select]
        self.converters = compiler.get_converters(self.expressions)
        klass_info = compiler.klass_info
        self.model_columns: list[int] = list(klass_info["select_fields"]) if klass_info else []
        self.attnames = [self.expressions[index].target.attname for index in self.model_columns]
        self.annotations: dict[str, int] = dict(compiler.annotation_col_map or {})

    def rows(self, values: Sequence[Any]) -> list[list[Any]]:
        """The rows of a run with ``values`` in place of the marks, converted."""
        params = list(self.params)
        for position, value in zip(self.positions, values, strict=True):
            params[position] = value
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        converters = list(self.converters.items())
        rows = []
        for row in found:
            converted = list(row)
            for position, (functions, expression) in converters:
                value = converted[position]
                for function in functions:
                    value = function(value, expression, connection)
                converted[position] = value
            rows.append(converted)
        return rows

    def instances(self, model: type[Model], values: Sequence[Any]) -> list[Any]:
        """The model instances of a run (with their annotations), as the ORM builds them."""
        found = []
        for row in self.rows(values):
            instance = model.from_db(
                self.using, self.attnames, [row[index] for index in self.model_columns]
            )
            for name, position in self.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found


_compiled = threading.local()
_generations = itertools.count(1)
_generation = 0  # bumped by forget_compiled_queries(): every thread's queries are stale


def compiled_queries() -> dict[Hashable, CompiledQuery | None]:
    """This thread's compiled queries (``None``: a query that is not compiled once)."""
    state = _compiled.__dict__
    if state.get("generation") != _generation:
        state["queries"] = {}
        state["generation"] = _generation
    found: dict[Hashable, CompiledQuery | None] = state["queries"]
    return found


def forget_compiled_queries(**kwargs: Any) -> None:
    """Compile again on next use, in every thread (connected to ``post_migrate``, and to
    ``setting_changed`` for ``DATABASES``; a receiver, hence ``kwargs``)."""
    if kwargs.get("setting") not in (None, "DATABASES"):
        return
    global _generation
    _generation = next(_generations)
