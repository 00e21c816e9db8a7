"""Which data source a serializer renders from, decided once per class from what its fields
declare, and the ``values()`` reads of the row source.

- **rows**: every field declares its reads (:meth:`ClerkField.reads`, or DRF's own fields on
  a column, a foreign key's id or a many relation's ids): the page is one ``values()`` query
  plus one query per many relation;
- **instances**: some field needs a model instance (a ``SerializerMethodField``, a ``source``
  that is a property or method, a field class with no declared reads) or the serializer has
  its own ``to_representation``: model instances of the serializer's queryset, with the
  ``select_related``/``prefetch_related`` the declared fields need.

:func:`plan_for` tells which, and why (``manage.py check`` reports it as
``django_clerk.I014``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import Model
from rest_framework import serializers

from django_clerk.mapping.fields import ClerkField
from django_clerk.mapping.reads import (
    ManyRead,
    ReadContext,
    Reads,
    RowReader,
    drf_reads,
    many_link,
    model_field,
)

if TYPE_CHECKING:
    from django_clerk.mapping.serializers import ClerkSerializer

F = TypeVar("F", bound=Callable[..., Any])

ROWS, INSTANCES = "rows", "instances"

_planned_representations: set[Callable[..., Any]] = set()


def planned_representation(method: F) -> F:
    """Mark ``method`` as a ``to_representation`` that renders the declared fields as planned
    (:class:`~django_clerk.mapping.serializers.ClerkSerializer`'s): a serializer class whose
    ``to_representation`` is another renders each instance itself."""
    _planned_representations.add(method)
    return method


@dataclass
class RowPlan:
    """The reads of a serializer for one language: columns, relations, annotations and the
    reader of each field."""

    columns: list[str]
    many: list[ManyRead]
    annotations: dict[str, Any]
    readers: dict[str, RowReader]


@dataclass
class SerializerPlan:
    """How a serializer class is rendered; see the module docstring."""

    serializer: type[ClerkSerializer]
    source: str
    #: Why the serializer needs instances: the field (or method) and what to declare instead.
    reason: str = ""
    #: The serializer has its own ``to_representation``: it renders each instance.
    own_representation: bool = False
    annotations: dict[str, Any] = field(default_factory=dict)
    _row_plans: dict[str, RowPlan] = field(default_factory=dict)

    @property
    def rows(self) -> bool:
        return self.source == ROWS

    def row_plan(self, language: str) -> RowPlan:
        """The ``values()`` reads for ``language`` (cached)."""
        found = self._row_plans.get(language)
        if found is None:
            found = self._row_plans[language] = build_row_plan(self.serializer, language)
        return found


def field_reads(field: serializers.Field[Any, Any, Any, Any], context: ReadContext) -> Reads | None:
    """What ``field`` declares it reads, or ``None`` when it needs a model instance."""
    if isinstance(field, ClerkField):
        return field.reads(context)
    return drf_reads(field, context.model)


def readable_fields(
    serializer: ClerkSerializer,
) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    return {name: f for name, f in serializer.fields.items() if not f.write_only}


def build_row_plan(serializer_class: type[ClerkSerializer], language: str) -> RowPlan:
    model = serializer_class.Meta.model
    context = ReadContext(model, language)
    columns: list[str] = ["pk"]
    many: list[ManyRead] = []
    annotations: dict[str, Any] = {}
    readers: dict[str, RowReader] = {}
    for name, bound in readable_fields(serializer_class()).items():
        reads = field_reads(bound, context)
        if reads is None:
            raise ValueError(f"{serializer_class.__name__}.{name} declares no reads")
        columns += [c for c in reads.columns if c not in columns]
        many += [m for m in reads.many if m not in many]
        annotations.update(reads.annotations)
        readers[name] = reads.read
    columns += [a for a in annotations if a not in columns]
    return RowPlan(columns, many, annotations, readers)


def instead(field: serializers.Field[Any, Any, Any, Any], model: type[Model]) -> str:
    """What to declare instead of a field that needs instances."""
    attrs = list(getattr(field, "source_attrs", None) or [])
    relation = model_field(model, attrs[0]) if attrs else None
    if relation is not None and (relation.many_to_many or relation.one_to_many):
        link = many_link(relation)
        if link is None:
            return f"its relation {attrs[0]!r} is generic, and is read from instances"
        if not link.target_field.primary_key:
            return (
                f"its relation {attrs[0]!r} links to {model.__name__} by another field than "
                "the primary key (to_field=), and is read from instances"
            )
    if isinstance(field, serializers.SerializerMethodField):
        return (
            "declare the value instead: a column or a path across foreign keys in source=, "
            "mapping.ExpressionField for a computed value, or a field class that implements "
            "ClerkField.reads()"
        )
    if getattr(field, "source", None) == "get_absolute_url":
        return 'use AbsoluteURLField(view_name="app:view", lookup_field="slug")'
    if isinstance(field, ClerkField):
        return "point its source at a column, or implement reads() in the field class"
    return "point source= at a column, or use mapping.ExpressionField for a computed value"


def decide(serializer_class: type[ClerkSerializer]) -> SerializerPlan:
    name = serializer_class.__name__
    annotations: dict[str, Any] = {}
    instance = serializer_class()
    fields = readable_fields(instance)
    for bound in fields.values():
        if isinstance(bound, ClerkField):
            annotations.update(bound.annotations())
    if serializer_class.to_representation not in _planned_representations:
        return SerializerPlan(
            serializer_class,
            INSTANCES,
            f"{name} overrides to_representation(); declare its values as fields instead",
            own_representation=True,
            annotations=annotations,
        )
    model = serializer_class.Meta.model
    languages = {settings.LANGUAGE_CODE, *(code.lower() for code, _ in settings.LANGUAGES)}
    for field_name, bound in fields.items():
        for language in sorted(languages):
            if field_reads(bound, ReadContext(model, language)) is None:
                reason = (
                    f"{name}.{field_name} ({type(bound).__name__}, source={bound.source!r}) "
                    f"needs model instances: {instead(bound, model)}"
                )
                return SerializerPlan(serializer_class, INSTANCES, reason, annotations=annotations)
    return SerializerPlan(serializer_class, ROWS, annotations=annotations)


_plans: dict[type, SerializerPlan] = {}
_lock = threading.Lock()


def plan_for(serializer_class: type[ClerkSerializer]) -> SerializerPlan:
    """The plan of ``serializer_class``, decided on first use and cached per class."""
    found = _plans.get(serializer_class)
    if found is None:
        with _lock:
            found = _plans.get(serializer_class)
            if found is None:
                found = _plans[serializer_class] = decide(serializer_class)
    return found


def forget_plans() -> None:
    """Decide again on next use (after settings such as ``LANGUAGES`` change)."""
    _plans.clear()


def _forget_on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "MEDIA_URL"):
        forget_plans()


setting_changed.connect(_forget_on_setting_changed, dispatch_uid="django_clerk.mapping.plans")
