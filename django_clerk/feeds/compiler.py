"""The fast path of the feeds: a serializer compiled into a plan of getters and converters.

DRF renders a feed object by object and field by field: a model instance per row, a
``get_attribute`` walk and a ``to_representation`` call per field, a prefetch that builds
model instances for every related row. On a 1000-item page that is several times the cost of
the query. A :class:`FeedPlan` reads the page with ``values()`` (one query), each relation the
fields use with one more ``values()`` query, and runs each field's own ``to_representation``
on what it needs:

- a column, or a column across foreign keys (``brand.name`` reads ``brand__name``);
- related rows of a many relation (``IdListField`` reads only the ids);
- for fields reading a property, a method or the whole object (``source="*"``): a light
  instance of the model, created without ``__init__`` from the row (the columns such a
  property's code names; all of them for code the compiler cannot see, such as a method of
  the serializer).

Clerk's own fields (prices, variants, translations, URLs, images) have exact shortcuts in
:mod:`~django_clerk.feeds.converters`.

The output equals ``ClerkSerializer.serialize`` (the test suite checks it). Where equality
cannot be guaranteed the serializer takes the DRF path: a custom ``to_representation`` on the
serializer, a model with its own ``__init__``/``from_db`` or ``post_init`` receivers, or a
field that turns out to query the database per object (detected while rendering; the page is
then rendered again the DRF way and the serializer stays on that path).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.utils import translation
from rest_framework import fields as drf_fields
from rest_framework import relations
from rest_framework.fields import SkipField
from rest_framework.serializers import BaseSerializer

from django_clerk.feeds import converters
from django_clerk.feeds.reversing import joiner, plain_column, reverse_call
from django_clerk.feeds.rows import Relation, can_build_light_instances, instance_factory
from django_clerk.feeds.steps import GETTERS, converter
from django_clerk.mapping import fields as clerk_fields
from django_clerk.mapping.serializers import ClerkSerializer, OrderSerializer
from django_clerk.mapping.values import clerk_value

logger = logging.getLogger("django_clerk.feeds")

KNOWN_REPRESENTATIONS = (ClerkSerializer.to_representation, OrderSerializer.to_representation)
PLAIN = frozenset((str, int, float, bool))


class Fallback(Exception):
    """The compiled plan cannot render this page exactly: use the DRF path."""


class FeedPlan:
    """How to render a serializer's objects from ``values()`` rows; see the module docstring."""

    def __init__(self, serializer: type[ClerkSerializer]) -> None:
        self.serializer = serializer
        self.model = serializer.Meta.model
        self.concrete = [f.attname for f in self.model._meta.concrete_fields]
        self.columns: list[str] = ["pk"]
        self.relations: dict[str, Relation] = {}
        #: Per translated field: ``columns(language)``, the columns a language reads.
        self.translations: list[Callable[[str], list[str]]] = []
        self.needs_instance = False  # some field reads a light instance
        self.full_instance = False  # ... and it may read any column
        self.url_call = reverse_call(self.model)
        #: (name, getter kind, argument, native converter or None)
        self.specs: list[tuple[str, str, Any, Any]] = []
        for name, field in serializer().fields.items():
            if not field.write_only:
                self.specs.append((name, *self._getter(field)))
        if self.needs_instance and not can_build_light_instances(self.model):
            raise Fallback(f"{self.model.__name__} cannot be built without __init__")
        self.usable = True

    # -- compile time: where each field reads its value -------------------------------------
    def _column(self, name: str) -> str:
        if name not in self.columns:
            self.columns.append(name)
        return name

    def _relation(self, name: str, columns: list[str] | None) -> str:
        key = f"{name}:{','.join(columns) if columns is not None else '*'}"
        if key not in self.relations:
            self.relations[key] = Relation(self.model, name, columns)
        return key

    def _instance(self, columns: set[str] | None) -> None:
        self.needs_instance = True
        if columns is None:
            self.full_instance = True
        else:
            for column in sorted(columns):
                self._column(column)

    def _getter(self, field: Any) -> tuple[str, Any, Any]:
        kind = type(field)
        attrs = list(getattr(field, "source_attrs", None) or [])
        target = _field_or_none(self.model, attrs[0]) if len(attrs) == 1 else None
        many = target is not None and (target.many_to_many or target.one_to_many)
        if many and kind.get_attribute is clerk_fields.VariantsField.get_attribute:
            native = converters.variants(field, self.model, target.related_model)
            if native is not None:
                parent_columns, columns, convert = native
                for column in parent_columns:
                    self._column(column)
                return "variants", self._relation(attrs[0], columns), convert
            self._instance(None)
            return "parent_and_related", self._relation(attrs[0], None), None
        if field.source == "*":
            native = converters.prices(field, self.model)
            if native is not None:
                for column in native[0]:
                    self._column(column)
                return "row", "prices", native[1]
            native = converters.translated(field, self.model)
            if native is not None:
                self._column(native[0])
                self.translations.append(native[1])
                return "row", "translated", native[2]
            self._instance(None)
            return "instance", None, None
        if many and (
            kind.get_attribute is relations.ManyRelatedField.get_attribute
            or isinstance(field, (clerk_fields.ClerkField, BaseSerializer))
        ):
            columns = None
            if kind.to_representation is clerk_fields.IdListField.to_representation:
                related = target.related_model
                column = (
                    related._meta.pk
                    if field.id_attribute == "pk"
                    else plain_column(related, field.id_attribute)
                )
                columns = [column.attname] if column is not None else None
            return "related", self._relation(attrs[0], columns), None
        forward_key = target is not None and (
            target.many_to_one or (target.one_to_one and not target.auto_created)
        )
        if (
            kind.get_attribute is relations.RelatedField.get_attribute
            and forward_key
            and field.use_pk_only_optimization()
        ):
            return "pk_only", self._column(target.attname), None
        if kind.get_attribute is drf_fields.Field.get_attribute and attrs:
            path = _column_path(self.model, attrs)
            if path is not None:
                links = [self._column(link) for link in path[1]]
                return "column", (self._column(path[0]), links, attrs), None
            if attrs == ["get_absolute_url"] and self.url_call is not None:
                return "url", self._column(self.url_call[2]), None
        single = kind.get_attribute is drf_fields.Field.get_attribute and len(attrs) == 1
        self._instance(converters.attribute_columns(self.model, attrs[0]) if single else None)
        return "attribute", None, None

    # -- render time ------------------------------------------------------------------------
    def queryset(self, queryset: QuerySet, store: Any = None) -> QuerySet:
        """``queryset`` (a ``feed_queryset``) as the ``values()`` rows the plan reads for
        ``store`` (translated fields read only the columns of its language)."""
        columns = list(self.columns)
        if self.translations:
            with translation.override(store.get_language() if store is not None else None):
                language = translation.get_language() or settings.LANGUAGE_CODE
            for columns_of in self.translations:
                columns += [c for c in columns_of(language) if c not in columns]
        if self.full_instance:
            columns += [c for c in self.concrete if c not in columns]
            columns += [a for a in queryset.query.annotation_select if a not in columns]
        return queryset.prefetch_related(None).values(*columns)

    def render(
        self, rows: list[dict[str, Any]], store: Any, using: str = "default"
    ) -> list[dict[str, Any]]:
        """The Clerk objects of ``rows``; raises :class:`Fallback` when only DRF can do it."""
        if not rows:
            return []
        with translation.override(store.get_language() if store is not None else None):
            serializer = self.serializer(context={"store": store})
            steps = self._bind(serializer, store, rows, using)
            build = instance_factory(self.model, using) if self.needs_instance else None
            drop_email = (
                self.serializer.to_representation is OrderSerializer.to_representation
                and store is not None
                and not getattr(store, "collect_emails", True)
            )
            items = []
            failures: dict[str, list[Any]] = {}  # field -> [first pk, error, count]
            with connections[using].execute_wrapper(_no_queries):
                for row in rows:
                    instance = build(dict(row)) if build else None
                    data: dict[str, Any] = {}
                    merged = []
                    for name, column, get, convert, merge, clean, keep_none in steps:
                        try:
                            value = row[column] if column is not None else get(row, instance)
                            if merge:
                                merged.append((convert(value), clean))
                                continue
                            if value is None and not keep_none:
                                continue
                            value = convert(value)
                            if not clean and value.__class__ not in PLAIN:
                                value = clerk_value(value)
                        except SkipField:
                            continue
                        except Fallback:
                            raise
                        except Exception as exc:  # as the DRF path does: leave the field out
                            failure = failures.setdefault(name, [row["pk"], exc, 0])
                            failure[2] += 1
                            continue
                        if value is not None:
                            data[name] = value
                    for extra, clean in merged:
                        if clean:
                            data.update(extra)
                            continue
                        for key, value in extra.items():
                            if value is not None:
                                data[key] = clerk_value(value)
                    if drop_email:
                        data.pop("email", None)
                    items.append(data)
        for name, (pk, error, count) in failures.items():
            logger.warning(
                "%s feed: field %r left out of %d objects (e.g. %r): it raised %s",
                self.serializer.entity,
                name,
                count,
                pk,
                type(error).__name__,
            )
        return items

    def _bind(self, serializer: Any, store: Any, rows: list[dict], using: str) -> list[tuple]:
        """The per-page steps: ``(name, column, get(row, instance), convert, merge, clean,
        keep_none)``; ``column`` is set when the value is just that column of the row, and
        ``keep_none`` when a missing value is still converted (a field's own default)."""
        fields = serializer.fields
        pks = [row["pk"] for row in rows]
        related = {key: rel.fetch(pks, using) for key, rel in self.relations.items()}
        base = store.get_base_url() if store is not None else ""
        join = joiner(base)
        language = translation.get_language() or settings.LANGUAGE_CODE
        steps = []
        for name, kind, arg, native in self.specs:
            field = fields[name]
            get = GETTERS[kind](field, arg, related)
            clean = kind in ("variants", "row") or (
                kind == "related" and self.relations[arg].columns is not None
            )
            if kind == "row" and arg == "translated":
                convert, clean = native(language), False
            elif native is not None:
                convert = native
            else:
                convert = converter(field, kind, arg, join, self)
            merge = getattr(field, "merge", False)
            column = arg[0] if kind == "column" and not arg[1] else arg if kind == "url" else None
            keep_none = getattr(field, "renders_none", False)
            steps.append((name, column, get, convert, merge, clean, keep_none))
        return steps


def _field_or_none(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _column_path(model: type[Model], attrs: list[str]) -> tuple[str, list[str]] | None:
    """``("brand__name", ["brand_id"])`` for ``["brand", "name"]``: a plain column reached
    through forward foreign keys, with the key columns to check for a missing link."""
    links: list[str] = []
    current = model
    for index, attr in enumerate(attrs):
        last = index == len(attrs) - 1
        field = _field_or_none(current, attr)
        if field is None:
            return None
        if last:
            if plain_column(current, attr) is None:
                return None
            return "__".join(attrs), links
        if not (field.many_to_one or field.one_to_one) or field.auto_created:
            return None
        links.append("__".join([*attrs[:index], field.attname]))
        current = field.related_model
    return None


def _no_queries(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
    raise Fallback("a field queried the database per object")


@lru_cache(maxsize=64)
def _compile(serializer: type[ClerkSerializer]) -> FeedPlan | None:
    if serializer.to_representation not in KNOWN_REPRESENTATIONS:
        logger.info("%s has its own to_representation: feeds use DRF", serializer.__name__)
        return None
    try:
        return FeedPlan(serializer)
    except Fallback as exc:
        logger.info("%s cannot be compiled (%s): feeds use DRF", serializer.__name__, exc)
        return None


def plan_for(serializer: type[ClerkSerializer]) -> FeedPlan | None:
    """The compiled plan of ``serializer``, or ``None`` when feeds must use the DRF path."""
    plan = _compile(serializer)
    return plan if plan is not None and plan.usable else None
