"""Declarative serializers that turn a shop's models into Clerk's five entities.

A serializer is a DRF ``ModelSerializer`` with a few additions:

- ``entity`` (set by the five base classes) says which Clerk entity it produces;
- ``get_queryset(store)`` says which objects belong in the feed; relations used by the
  declared fields are ``select_related``/``prefetch_related`` automatically, so serializing
  N objects costs a constant number of queries;
- the output follows Clerk's value rules (no nulls, floats, UNIX ints, absolute URLs) and is
  validated against the entity's mandatory fields;
- ``Meta.modified_field`` (Feed V2's ``modified_after``, incremental sync), ``Meta.date_field``
  (the order feed's date window) and ``Meta.in_stock_filter`` (dropping out-of-stock products
  when a store excludes them) tell the feeds and the sync about the model;
- ``Meta.hidden_filter`` marks objects that are temporarily hidden: they stay in the feeds
  and the push with ``"index": false`` (Clerk keeps them as history, never shows them)
  instead of being deleted from Clerk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from rest_framework import serializers

from django_clerk.mapping import fields as clerk_fields
from django_clerk.mapping.plans import (
    SerializerPlan,
    plan_for,
    planned_representation,
    readable_fields,
)
from django_clerk.mapping.rendering import HIDDEN, Renderer, render_objects
from django_clerk.mapping.steps import Policy, field_steps, instance_reader, run_steps
from django_clerk.mapping.validation import REQUIRED


class ClerkSerializer(serializers.ModelSerializer[Any]):
    """Base of every Clerk serializer; subclass one of the five entity classes below."""

    entity: ClassVar[str] = ""
    #: :meth:`relation_paths` of the class itself (read from its ``__dict__``, not inherited).
    _relation_paths_cache: ClassVar[tuple[list[str], list[str]] | None] = None

    if TYPE_CHECKING:

        class Meta:
            """What a subclass's ``Meta`` holds (``model``, ``fields``; the optional
            ``modified_field``, ``date_field``, ``in_stock_filter``, ``sync_related``)."""

            model: ClassVar[type[models.Model]]
            fields: ClassVar[Sequence[str] | str]

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: clerk_fields.TimestampField,
        models.DateField: clerk_fields.TimestampField,
        models.DecimalField: clerk_fields.PriceField,
        models.FileField: clerk_fields.ImageURLField,
        models.ImageField: clerk_fields.ImageURLField,
    }

    # -- which objects -------------------------------------------------------------------
    @classmethod
    def get_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        """The objects of this entity for ``store``. Override to filter (published only,
        this store's site...); add select/prefetch_related for method fields."""
        return cls.Meta.model._default_manager.all()

    @classmethod
    def holds(cls, instance: Any) -> bool:
        """Whether ``instance`` is one of this source's objects. Sources of one entity that
        share a model (CMS pages and blog posts in one table) tell with it which of them an
        instance belongs to, for the ids the template tags and the sales tracking show."""
        return True

    @classmethod
    def get_in_stock_filter(cls, store: Any) -> Q | None:
        """The condition a product must meet to count as in stock (``Meta.in_stock_filter``)."""
        condition = getattr(cls.Meta, "in_stock_filter", None)
        if isinstance(condition, dict):
            condition = Q(**condition)
        return condition

    @classmethod
    def get_hidden_filter(cls, store: Any) -> Q | None:
        """The condition an object meets while it is temporarily hidden
        (``Meta.hidden_filter``): it is served and pushed with ``"index": false`` instead of
        being left out of the feed (which deletes it from Clerk). Override to depend on
        ``store``."""
        condition = getattr(cls.Meta, "hidden_filter", None)
        if isinstance(condition, dict):
            condition = Q(**condition)
        return condition

    @classmethod
    def hidden_annotation(cls, store: Any) -> dict[str, Any]:
        """``{name: boolean expression}`` telling hidden objects apart, for the queryset of
        both sources (empty without a hidden filter). A condition across a many-valued
        relation is a semi-join (``EXISTS``): it never repeats an object."""
        condition = cls.get_hidden_filter(store)
        if condition is None:
            return {}
        model = cls.Meta.model
        if crosses_many(model, condition):
            matching = model._base_manager.filter(condition, pk=OuterRef("pk"))
            return {HIDDEN: Exists(matching)}
        return {HIDDEN: ExpressionWrapper(condition, output_field=BooleanField())}

    @classmethod
    def feed_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        """What the feeds and the sync serve for ``store``: :meth:`get_queryset`, less what
        the store's options leave out, with relations loaded, in primary-key order."""
        queryset = cls.get_queryset(store)
        if cls.entity == "products" and not getattr(store, "include_out_of_stock", True):
            condition = cls.get_in_stock_filter(store)
            if condition is not None and crosses_many(queryset.model, condition):
                # A semi-join keeps each product once (a join would repeat it per matching
                # variant), without the cost of DISTINCT on every page.
                manager = queryset.model._default_manager
                condition = Q(pk__in=manager.filter(condition).values("pk"))
            if condition is not None:
                queryset = queryset.filter(condition)
        return cls.optimize_queryset(queryset).order_by("pk")

    @classmethod
    def optimize_queryset(cls, queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        """Add the select_related/prefetch_related and annotations the declared fields
        need."""
        annotations = plan_for(cls).annotations
        unset = {k: v for k, v in annotations.items() if k not in queryset.query.annotations}
        if unset:
            queryset = queryset.annotate(**unset)
        select, prefetch = cls.relation_paths()
        if select:
            queryset = queryset.select_related(*select)
        if prefetch:
            existing = {
                p if isinstance(p, str) else p.prefetch_to
                # QuerySet's own record of its prefetch lookups (the stubs leave it out).
                for p in queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            }
            missing = [p for p in prefetch if p not in existing]
            if missing:
                queryset = queryset.prefetch_related(*missing)
        return queryset

    @classmethod
    def relation_paths(cls) -> tuple[list[str], list[str]]:
        """The (select_related, prefetch_related) lookups the declared fields traverse."""
        cached: tuple[list[str], list[str]] | None = cls.__dict__.get("_relation_paths_cache")
        if cached is not None:
            return cached
        model = cls.Meta.model
        select: list[str] = []
        prefetch: list[str] = []
        for field in cls().fields.values():
            if field.source == "*" or getattr(field, "source_attrs", None) is None:
                continue
            kind, path = relation_path(model, field)
            target = select if kind == "select" else prefetch if kind == "prefetch" else None
            if target is not None and path not in target:
                target.append(path)
        result = (select, prefetch)
        cls._relation_paths_cache = result
        return result

    # -- how they look -------------------------------------------------------------------
    @planned_representation
    def to_representation(self, instance: Any) -> dict[str, Any]:
        """One instance, field by field, following Clerk's value rules (no validation, no
        store rules: :meth:`serialize` applies those to whatever this returns). A subclass may
        override it; its serializer then renders from model instances."""
        steps = self.__dict__.get("_clerk_steps")
        if steps is None:
            fields = readable_fields(self)
            readers = {name: instance_reader(bound) for name, bound in fields.items()}
            steps = self.__dict__["_clerk_steps"] = field_steps(fields, readers)
        key = getattr(instance, "pk", None)
        items, _, _ = run_steps([instance], [key], steps, Policy.RAISE, self.entity, None)
        return items[0]

    # -- entry points ----------------------------------------------------------------------
    @classmethod
    def serialize(
        cls,
        objects: Iterable[Any],
        store: Any,
        *,
        context: dict[str, Any] | None = None,
        validate: bool | None = None,
    ) -> list[dict[str, Any]]:
        """Serialize ``objects`` (a queryset of the model, or instances) for ``store``, in
        the store's language; ``validate`` overrides ``CLERK["VALIDATE"]``. The first
        problem raises :class:`~django_clerk.mapping.ClerkDataError`. A queryset is read as
        ``values()`` rows when every field declares its reads (see ``docs/mapping.md``)."""
        return render_objects(cls, objects, store, context=context, validate=validate).items

    @classmethod
    def iter_serialize(
        cls,
        objects: Iterable[Any],
        store: Any,
        *,
        context: dict[str, Any] | None = None,
        validate: bool | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Like :meth:`serialize`, page by page (1000 objects)."""
        renderer = Renderer(cls, store, context=context, validate=validate)
        using = objects.db if isinstance(objects, QuerySet) else None
        for page in renderer.pages(objects, using):
            yield from page.items

    @classmethod
    def data_source(cls) -> SerializerPlan:
        """Which source this serializer renders from, and why (decided once per class)."""
        return plan_for(cls)

    @classmethod
    def output_fields(cls) -> set[str]:
        """The keys this serializer can produce (declared fields and known merge outputs)."""
        names: set[str] = set()
        for name, field in cls().fields.items():
            if isinstance(field, clerk_fields.ClerkField):
                names |= set(field.output_keys())
            else:
                names.add(name)
        if getattr(cls.Meta, "hidden_filter", None) is not None:
            names.add("index")
        return names

    @classmethod
    def output_key_clashes(cls) -> list[tuple[str, str, str]]:
        """``(key, earlier field, later field)`` for each key two fields emit, unless the
        later one declares it replaces the key (``VariantsField(override_price=True)``)."""
        emitted: dict[str, str] = {}
        clashes: list[tuple[str, str, str]] = []
        for name, field in cls().fields.items():
            if field.write_only:
                continue
            if isinstance(field, clerk_fields.ClerkField):
                keys, replaces = field.output_keys(), field.replaces
            else:
                keys, replaces = [name], frozenset()
            for key in keys:
                if key in emitted and key not in replaces:
                    clashes.append((key, emitted[key], name))
                emitted[key] = name
        return clashes

    @classmethod
    def missing_required_fields(cls) -> list[str]:
        """Mandatory fields of the entity that no declared field produces."""
        produced = cls.output_fields()
        return [name for name in REQUIRED.get(cls.entity, {}) if name not in produced]


def crosses_many(model: type[models.Model], condition: Q) -> bool:
    """Whether ``condition`` follows a many-valued relation (``variants__stock__gt``), so
    filtering with it directly could repeat an object once per matching related row."""
    for child in condition.children:
        if isinstance(child, Q):
            if crosses_many(model, child):
                return True
            continue
        if not isinstance(child, tuple):  # an expression: no lookup path to follow
            continue
        current = model
        for part in str(child[0]).split(LOOKUP_SEP):
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                break  # a lookup such as "gt", or an annotation
            if not field.is_relation or field.related_model is None:
                break
            if field.many_to_many or field.one_to_many:
                return True
            current = field.related_model
    return False


def relation_path(
    model: type[models.Model], field: serializers.Field[Any, Any, Any, Any]
) -> tuple[str | None, str]:
    """Classify a field's source path: ``("select", "brand")``, ``("prefetch", "categories")`` or
    ``(None, "")`` when it crosses no relation (or leaves the model's fields)."""
    attrs: list[str] = field.source_attrs
    path: list[str] = []
    kind: str | None = None
    current = model
    for attr in attrs:
        try:
            model_field = current._meta.get_field(attr)
        except Exception:
            break  # a property or method: nothing we can load for it
        related = model_field.related_model
        if not model_field.is_relation or not isinstance(related, type):
            break
        if getattr(model_field, "attname", None) == attr != model_field.name:
            break  # "brand_id": the column itself, no join needed
        path.append(attr)
        if model_field.many_to_many or model_field.one_to_many:
            kind = "prefetch"
            break  # deeper hops go with the prefetch lookup
        kind = kind or "select"
        current = related
    if kind is None or not path:
        return None, ""
    if (
        len(attrs) == 1
        and kind == "select"
        and isinstance(field, serializers.PrimaryKeyRelatedField)
    ):
        # A plain foreign key field reads brand_id from the row: nothing to load.
        return None, ""
    return kind, "__".join(path)


class ProductSerializer(ClerkSerializer):
    """Products: id, name, description, price, image, url, categories, created_at."""

    entity = "products"


class CategorySerializer(ClerkSerializer):
    """Categories: id, name, url, subcategories."""

    entity = "categories"


class OrderSerializer(ClerkSerializer):
    """Orders: id, products (lines of id, quantity, unit price), time.

    ``email`` is left out for stores that do not collect emails.
    """

    entity = "orders"


class CustomerSerializer(ClerkSerializer):
    """Customers: id, name, email, subscribed."""

    entity = "customers"


class PageSerializer(ClerkSerializer):
    """Pages: id, type, url, title, text."""

    entity = "pages"


BASES: dict[str, type[ClerkSerializer]] = {
    cls.entity: cls
    for cls in (
        ProductSerializer,
        CategorySerializer,
        OrderSerializer,
        CustomerSerializer,
        PageSerializer,
    )
}
