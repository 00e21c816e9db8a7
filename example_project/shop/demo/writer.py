"""Raw bulk inserts for the demo data: tuples through ``executemany``, ids assigned here.

Why not ``bulk_create``: on SQLite it splits inserts into statements of 999 parameters
(about 60 product rows each) and prepares every value through the field API; for 100,000
products that took ~45 s. ``executemany`` with one prepared statement is several times
faster and needs no model instances. Like ``bulk_create`` it sends no signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import DateTimeField, Max, Model


class TableWriter:
    """Insert rows of ``fields`` (model field names, in order) into ``model``'s table.

    When ``fields`` starts with ``"id"``, :meth:`allocate` hands out ids after the table's
    current maximum, so parents are referenced before they are written.
    """

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        meta = model._meta
        qn = connection.ops.quote_name
        self.model = model
        self.fields = [meta.get_field(name) for name in fields]
        columns = ", ".join(qn(field.column) for field in self.fields)
        values = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({values})"
        self.datetime_columns = [
            i for i, field in enumerate(self.fields) if isinstance(field, DateTimeField)
        ]
        self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.count = 0

    def allocate(self) -> int:
        new_id = self.next_id
        self.next_id += 1
        return new_id

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.datetime_columns:
            adapt = connection.ops.adapt_datetimefield_value
            adapted: dict[Any, Any] = {}  # e.g. updated_at is the same in every row
            converted = []
            for row in rows:
                values = list(row)
                for i in self.datetime_columns:
                    value = values[i]
                    if value not in adapted:
                        adapted[value] = adapt(value)
                    values[i] = adapted[value]
                converted.append(values)
            rows = converted
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
        self.count += len(rows)


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """Move id sequences past the explicit ids (PostgreSQL; a no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
