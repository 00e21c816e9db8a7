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
  when a store excludes them) tell the feeds and the sync about the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils import translation
from rest_framework import serializers
from rest_framework.fields import SkipField

from django_clerk.conf import clerk_settings
from django_clerk.mapping import fields as clerk_fields
from django_clerk.mapping.validation import REQUIRED, validate
from django_clerk.mapping.values import clerk_value


class ClerkSerializer(serializers.ModelSerializer):
    """Base of every Clerk serializer; subclass one of the five entity classes below."""

    entity: ClassVar[str] = ""

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
    def get_queryset(cls, store: Any) -> QuerySet:
        """The objects of this entity for ``store``. Override to filter (published only,
        this store's site...); add select/prefetch_related for method fields."""
        return cls.Meta.model._default_manager.all()

    @classmethod
    def get_in_stock_filter(cls, store: Any) -> Q | None:
        """The condition a product must meet to count as in stock (``Meta.in_stock_filter``)."""
        condition = getattr(cls.Meta, "in_stock_filter", None)
        if isinstance(condition, dict):
            condition = Q(**condition)
        return condition

    @classmethod
    def feed_queryset(cls, store: Any) -> QuerySet:
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
    def optimize_queryset(cls, queryset: QuerySet) -> QuerySet:
        """Add the select_related/prefetch_related the declared fields need."""
        select, prefetch = cls.relation_paths()
        if select:
            queryset = queryset.select_related(*select)
        if prefetch:
            existing = {
                p if isinstance(p, str) else p.prefetch_to
                for p in queryset._prefetch_related_lookups
            }
            missing = [p for p in prefetch if p not in existing]
            if missing:
                queryset = queryset.prefetch_related(*missing)
        return queryset

    @classmethod
    def relation_paths(cls) -> tuple[list[str], list[str]]:
        """The (select_related, prefetch_related) lookups the declared fields traverse."""
        cached = cls.__dict__.get("_relation_paths_cache")
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
    def to_representation(self, instance: Any) -> dict[str, Any]:
        """Like DRF's, but follows Clerk's value rules and merges roll-up fields."""
        data: dict[str, Any] = {}
        merged: list[dict[str, Any]] = []
        for field in self._clerk_fields:
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            except AttributeError:
                if not _path_hits_none(instance, field.source_attrs):
                    raise
                attribute = None  # "brand.name" of a product without a brand
            if attribute is None and not (
                getattr(field, "merge", False) or getattr(field, "renders_none", False)
            ):
                continue  # left out, unless the field has a default of its own
            value = field.to_representation(attribute)
            if getattr(field, "merge", False):
                merged.append(value)
                continue
            value = clerk_value(value)
            if value is not None:
                data[field.field_name] = value
        for extra in merged:
            for key, value in extra.items():
                if value is not None:
                    data[key] = clerk_value(value)
        check = self.context.get("validate")
        if (clerk_settings.VALIDATE if check is None else check) and self.entity:
            validate(self.entity, data)
        return data

    @property
    def _clerk_fields(self) -> list[serializers.Field]:
        cached = self.__dict__.get("_clerk_fields_cache")
        if cached is None:
            cached = self.__dict__["_clerk_fields_cache"] = [
                f for f in self.fields.values() if not f.write_only
            ]
        return cached

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
        """Serialize ``objects`` for ``store``, in the store's language; ``validate``
        overrides ``CLERK["VALIDATE"]``."""
        serializer = cls._for_store(store, context, validate)
        with translation.override(store.get_language() if store is not None else None):
            return [serializer.to_representation(obj) for obj in objects]

    @classmethod
    def iter_serialize(
        cls,
        objects: Iterable[Any],
        store: Any,
        *,
        context: dict[str, Any] | None = None,
        validate: bool | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Like :meth:`serialize`, one object at a time (a background thread can yield the
        GIL between objects)."""
        language = store.get_language() if store is not None else None
        serializer = cls._for_store(store, context, validate)
        for obj in objects:  # the language is active only while an object is rendered
            with translation.override(language):
                item = serializer.to_representation(obj)
            yield item

    @classmethod
    def _for_store(
        cls, store: Any, context: dict[str, Any] | None, validate: bool | None
    ) -> ClerkSerializer:
        return cls(context={"store": store, "validate": validate, **(context or {})})

    @classmethod
    def output_fields(cls) -> set[str]:
        """The keys this serializer can produce (declared fields and known merge outputs)."""
        names: set[str] = set()
        for name, field in cls().fields.items():
            if isinstance(field, clerk_fields.PricesField):
                names |= {"price", "price_excl_tax", "list_price", "tax_rate"}
            elif isinstance(field, clerk_fields.VariantsField):
                names |= {"price"} | {f"variant_{key}" for key in field.attributes}
            else:
                names.add(name)
        return names

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


def _path_hits_none(instance: Any, attrs: list[str]) -> bool:
    """Whether following ``attrs`` meets ``None`` before the last attribute."""
    for attr in attrs[:-1]:
        instance = getattr(instance, attr, None)
        if instance is None:
            return True
    return False


def relation_path(model: type[models.Model], field: serializers.Field) -> tuple[str | None, str]:
    """Classify a field's source path: ``("select", "brand")``, ``("prefetch", "categories")`` or
    ``(None, "")`` when it crosses no relation (or leaves the model's fields)."""
    attrs: list[str] = field.source_attrs
    path: list[str] = []
    kind: str | None = None
    current = model
    for attr in attrs:
        try:
            field = current._meta.get_field(attr)
        except Exception:
            break  # a property or method: nothing we can load for it
        if not field.is_relation or field.related_model is None:
            break
        if getattr(field, "attname", None) == attr != field.name:
            break  # "brand_id": the column itself, no join needed
        path.append(attr)
        if field.many_to_many or field.one_to_many:
            kind = "prefetch"
            break  # deeper hops go with the prefetch lookup
        kind = kind or "select"
        current = field.related_model
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

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        store = self.context.get("store")
        if store is not None and not getattr(store, "collect_emails", True):
            data.pop("email", None)
        return data


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
