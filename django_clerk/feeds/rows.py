"""Rows instead of model instances: a page's relations read with ``values_list``, and light
model instances (built without ``__init__``) for fields that need an object."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init


class Relation:
    """One many relation of the model, read for a page with a single ``values_list`` query."""

    def __init__(self, model: type[Model], name: str, columns: list[str] | None) -> None:
        field = model._meta.get_field(name)
        self.related_model = field.related_model
        if field.many_to_many and not field.auto_created:  # forward many-to-many
            self.join = field.related_query_name()
        elif field.many_to_many:  # reverse many-to-many
            self.join = field.field.name
        else:  # reverse foreign key
            self.join = field.field.attname
        #: ``None``: light instances of all concrete columns; else just these values.
        self.columns = columns
        self.all_columns = [f.attname for f in self.related_model._meta.concrete_fields]

    def fetch(self, pks: list[Any], using: str) -> dict[Any, list[Any]]:
        """``{pk: [related...]}`` for the page's ``pks`` (ascending), in the relation's order."""
        manager = self.related_model._default_manager.db_manager(using)
        dense = isinstance(pks[0], int) and pks[-1] - pks[0] < 2 * len(pks)
        # A dense run of ids is cheaper to the database as a range than as 1000 parameters;
        # the rows of ids outside the page are never looked up.
        lookup = (
            {f"{self.join}__gte": pks[0], f"{self.join}__lte": pks[-1]}
            if dense
            else {f"{self.join}__in": pks}
        )
        queryset = manager.all().filter(**lookup)
        found: dict[Any, list[Any]] = defaultdict(list)
        if self.columns is not None and len(self.columns) == 1:
            for key, value in queryset.values_list(self.join, *self.columns):
                found[key].append(value)
        elif self.columns is not None:
            for key, *values in queryset.values_list(self.join, *self.columns):
                found[key].append(values)
        else:
            names = self.all_columns
            build = instance_factory(self.related_model, using)
            for key, *values in queryset.values_list(self.join, *names):
                found[key].append(build(dict(zip(names, values, strict=True))))
        return found


def instance_factory(model: type[Model], using: str) -> Callable[[dict[str, Any]], Model]:
    """Light instances: ``model`` objects whose ``__dict__`` is a row of concrete columns."""
    new = object.__new__

    def build(row: dict[str, Any]) -> Model:
        instance = new(model)
        state = ModelState()
        state.adding, state.db = False, using
        row["_state"] = state
        instance.__dict__ = row
        return instance

    return build


def can_build_light_instances(model: type[Model]) -> bool:
    return (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__
        and not post_init.has_listeners(model)
    )
