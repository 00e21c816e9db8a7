"""Serializer fields for Clerk's value rules: absolute URLs, timestamps, prices, id lists,
and translations (roll-ups are in :mod:`django_clerk.mapping.rollups`, values the database
computes in :mod:`django_clerk.mapping.expressions`).

All are DRF fields, read-only. Each separates *reading* from *converting*: ``get_attribute``
builds the field's attribute from a model instance, :meth:`ClerkField.reads` declares the
``values()`` columns, many relations and annotations that build the very same attribute from
a row, and ``to_representation`` converts it, whichever source produced it. The serializer's
context carries the ``store`` the output is rendered for (its base URL and language).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils import translation
from rest_framework import serializers

from django_clerk.absolute_urls import UrlTemplate, joiner
from django_clerk.mapping.reads import (
    ReadContext,
    Reads,
    column_path,
    model_field,
    plain_column,
    read_column_path,
    read_many,
)
from django_clerk.mapping.values import clerk_value, to_timestamp


def related_objects(value: Any) -> Iterable[Any]:
    """Iterate a related manager through its prefetch cache, or a plain iterable."""
    if value is None:
        return ()
    items: Iterable[Any] = value.all() if hasattr(value, "all") else value
    return items


def resolve(obj: Any, path: str) -> Any:
    """Follow a dotted attribute path; call callables; ``None`` on a missing link."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
        if callable(obj) and not hasattr(obj, "all"):
            obj = obj()
    return obj


class ClerkField(serializers.Field[Any, Any, Any, Any]):
    """Base of the read-only Clerk fields.

    A field class of your own declares what it reads by implementing :meth:`reads` (and
    :meth:`output_keys` when it merges several keys into the object); without it, a field
    that overrides ``get_attribute`` makes its serializer render from model instances.
    """

    #: A merge field returns a dict whose keys are added to the object (e.g. ``variant_*``).
    merge = False
    #: Whether a missing value (``None``) still goes through ``to_representation`` (a field
    #: with a default of its own); otherwise the key is left out.
    renders_none = False
    #: Output keys this (merge) field may replace when an earlier field emits them too; a
    #: ``None`` value for such a key removes the earlier one (a pair stays consistent).
    replaces: frozenset[str] = frozenset()
    #: Set by a class whose ``to_representation`` already gives Clerk's value types (no
    #: ``clerk_value`` pass needed) and has no side effects (a page's values may be converted
    #: again when one of them raises); read on the exact class only, not inherited.
    clean_output = False

    #: The arguments of DRF's ``Field``; ModelSerializer also passes type-specific ones
    #: (``max_digits``, ``max_length``...) to the fields it builds, which output ignores.
    FIELD_ARGUMENTS = frozenset(
        {"source", "label", "help_text", "style", "error_messages", "allow_null", "default"}
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs = {k: v for k, v in kwargs.items() if k in self.FIELD_ARGUMENTS}
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def reads(self, context: ReadContext) -> Reads | None:
        """How this field's attribute is built from a ``values()`` row, or ``None`` when it
        needs a model instance. By default: DRF's ``source``, when it names a column (across
        foreign keys) and the field keeps DRF's ``get_attribute``."""
        if type(self).get_attribute is not serializers.Field.get_attribute:
            return None
        attrs = list(self.source_attrs or [])
        return read_column_path(self, context.model, attrs) if attrs else None

    @property
    def bound_name(self) -> str:
        """The field's name in its serializer (its key in the object)."""
        if self.field_name is None:
            raise RuntimeError(f"{type(self).__name__} is not bound to a serializer")
        return self.field_name

    def output_keys(self) -> list[str]:
        """The keys this field puts in the object."""
        return [self.bound_name]

    def annotations(self) -> dict[str, Any]:
        """Annotations the queryset needs for this field (``{name: expression}``)."""
        return {}

    @property
    def store(self) -> Any:
        return self.context.get("store")

    def absolute(self, path: str) -> str:
        """``path`` made absolute against the store's base URL (bound once per render)."""
        if not path:
            return path
        join = self.__dict__.get("_join")
        if join is None:  # a bound field serves one store: bind its base URL once
            store = self.context.get("store")
            join = self.__dict__["_join"] = joiner(
                store.get_base_url() if store is not None else ""
            )
        return join(path)


class AbsoluteURLField(ClerkField):
    """An absolute URL, declared one of three ways:

    - ``AbsoluteURLField(view_name="shop:product", lookup_field="slug")`` reverses the URL
      pattern with the object's ``slug`` (as DRF's ``HyperlinkedIdentityField``;
      ``lookup_url_kwarg`` defaults to ``lookup_field``): reads one column;
    - ``AbsoluteURLField(source="permalink")`` reads a path or URL column;
    - ``AbsoluteURLField()`` calls ``obj.get_absolute_url()``: needs model instances.
    """

    clean_output = True

    def __init__(
        self,
        *,
        view_name: str | None = None,
        lookup_field: str = "pk",
        lookup_url_kwarg: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.view_name = view_name
        self.lookup_field = lookup_field
        self.lookup_url_kwarg = lookup_url_kwarg or lookup_field
        kwargs.setdefault("source", lookup_field if view_name else "get_absolute_url")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        if self.view_name:
            url = self.__dict__.get("_url")
            if url is None:  # reversed once per render, with a placeholder for the value
                template = UrlTemplate(str(self.view_name), self.lookup_url_kwarg)
                url = self.__dict__["_url"] = template.absolute(self.absolute)
            return url(value)
        return self.absolute(str(value)) if value else None


class ImageURLField(ClerkField):
    """An absolute image URL from a ``FileField``/``ImageField`` or a stored path.

    A bare relative path such as ``products/1.jpg`` is taken as relative to
    ``MEDIA_URL`` (or ``prefix`` when given); absolute URLs and ``/paths`` pass as they are.
    A file's URL is its storage's ``url(name)``, from an instance and from a row alike.
    """

    clean_output = True

    def __init__(
        self, *, prefix: str | None = None, default_image: str | None = None, **kwargs: Any
    ) -> None:
        self.prefix = prefix
        self.default_image = default_image
        self.renders_none = bool(default_image)
        if default_image:
            kwargs.setdefault("default", None)  # a missing link ("photo.file" of None) too
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        value = super().get_attribute(instance)
        if isinstance(value, FieldFile):
            return value.storage.url(value.name) if value else None
        return value

    def reads(self, context: ReadContext) -> Reads | None:
        attrs = list(self.source_attrs or [])
        found = column_path(context.model, attrs, files=True) if attrs else None
        if found is None:
            return None
        target = context.model
        for attr in attrs[:-1]:
            target = model_field(target, attr).related_model
        file_field = model_field(target, attrs[-1])
        plain = (
            read_column_path(self, context.model, attrs)
            if plain_column(target, attrs[-1])
            else None
        )
        if plain is not None:
            return plain
        storage = file_field.storage
        column, links = found

        def read(row: dict[str, Any]) -> Any:
            for link in links:
                if row[link] is None:
                    return None
            name = row[column]
            return storage.url(name) if name else None

        return Reads(read, [column, *links])

    def to_representation(self, value: Any) -> str | None:
        if not value:
            value = self.default_image
            if not value:
                return None
        value = str(value)
        if "://" not in value and not value.startswith("/"):
            prefix = self.__dict__.get("_prefix")
            if prefix is None:  # MEDIA_URL read once per render
                prefix = self.__dict__["_prefix"] = (
                    self.prefix if self.prefix is not None else (settings.MEDIA_URL or "/")
                )
            value = f"{prefix}{value}" if prefix.endswith("/") else f"{prefix}/{value}"
            if not value.startswith("/") and "://" not in value:
                value = "/" + value
        return self.absolute(value)


class TimestampField(ClerkField):
    """A ``datetime`` or ``date`` as a UNIX timestamp (int)."""

    clean_output = True

    def to_representation(self, value: Any) -> int | None:
        if value.__class__ is datetime.datetime and value.tzinfo is not None:
            return int(value.timestamp())  # what to_timestamp gives an aware datetime
        if value is None:
            return None
        if isinstance(value, (datetime.datetime, datetime.date)):
            return to_timestamp(value)
        return int(value)


class PriceField(ClerkField):
    """A price (Decimal, int or str) as a float rounded to ``decimals`` places."""

    clean_output = True

    def __init__(self, *, decimals: int = 2, **kwargs: Any) -> None:
        self.decimals = decimals
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> float | None:
        return None if value is None else round(float(value), self.decimals)


class IdListField(ClerkField):
    """The ids of related objects (many-to-many, reverse foreign key): ``[3, 7]``.

    The attribute is the list of ids: one query per page reads them from rows; from
    instances, the relation is prefetched automatically. ``id_prefix`` gives the ids of a
    source with ``Meta.id_prefix`` (``IdListField(id_prefix="blog-")`` → ``["blog-3"]``);
    ``id_prefix=""`` sends them as text, as the unprefixed source of an entity with several
    sources sends its ids.
    """

    clean_output = True

    def __init__(
        self, *, id_attribute: str = "pk", id_prefix: str | None = None, **kwargs: Any
    ) -> None:
        self.id_attribute = id_attribute
        self.id_prefix = id_prefix
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        related = super().get_attribute(instance)
        if related is None:
            return None
        return [getattr(obj, self.id_attribute) for obj in related_objects(related)]

    def reads(self, context: ReadContext) -> Reads | None:
        attrs = list(self.source_attrs or [])
        many = read_many(context.model, attrs[0], [self.id_attribute]) if len(attrs) == 1 else None
        return None if many is None else Reads(itemgetter(many.key), many=[many])

    def to_representation(self, value: Any) -> list[Any]:
        kind = value[0].__class__ if value else None
        if kind is int or kind is str:  # the ids of one relation share their column's type
            ids = [v for v in value if v is not None]
        else:
            ids = [clerk_value(v) for v in value if v is not None]
        prefix = self.id_prefix
        return ids if prefix is None else [f"{prefix}{v}" for v in ids]


class IdField(ClerkField):
    """The id of one related object, with the prefix of the source it belongs to:
    ``customer = IdField(source="subscriber_id", id_prefix="sub-")`` → ``"sub-42"``
    (``id_prefix=""``: the id as text; ``None``: as it is). Reads the column."""

    clean_output = True

    def __init__(self, *, id_prefix: str | None = None, **kwargs: Any) -> None:
        self.id_prefix = id_prefix
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        value = clerk_value(value)
        if value is None or self.id_prefix is None:
            return value
        return f"{self.id_prefix}{value}"


class TranslatedField(ClerkField):
    """Text in the store's language, for shops that keep translations in columns.

    ``name = TranslatedField()`` reads ``name_da`` in a Danish store (``name_pt_br`` for
    ``pt-br``, then ``name_pt``) and falls back to ``name`` when that is empty or missing.
    The attribute is the tuple of those values (the language's, then ``name``). Projects
    using django-modeltranslation or django-parler need nothing: serialization already runs
    inside ``translation.override(store language)``, so their descriptors answer in it.
    """

    clean_output = True

    def __init__(
        self, attribute: str | None = None, *, pattern: str = "{attribute}_{lang}", **kw: Any
    ) -> None:
        self.attribute = attribute
        self.pattern = pattern
        kw["source"] = "*"
        super().__init__(**kw)

    def candidates(self, language: str) -> list[str]:
        """The attributes holding the text in ``language``, most specific first."""
        if language == settings.LANGUAGE_CODE:
            return []
        attribute = self.attribute or self.bound_name
        names = [self.pattern.format(attribute=attribute, lang=language.replace("-", "_"))]
        if "-" in language:  # "pt-br" falls back to "pt"
            names.append(self.pattern.format(attribute=attribute, lang=language.split("-")[0]))
        return names

    def get_attribute(self, instance: Any) -> tuple[Any, ...]:
        language = translation.get_language() or settings.LANGUAGE_CODE
        names = self.candidates(language)
        values = tuple(getattr(instance, name, None) for name in names)
        return (*values, getattr(instance, self.attribute or self.bound_name))

    def reads(self, context: ReadContext) -> Reads | None:
        model = context.model
        base = plain_column(model, self.attribute or self.bound_name)
        if base is None:
            return None
        columns: list[str | None] = []
        for name in self.candidates(context.language):
            column = plain_column(model, name)
            if column is None and hasattr(model, name):
                return None  # a property or method: only an instance can answer
            columns.append(column.attname if column is not None else None)
        # An attribute the model does not have reads as None, from an instance too.
        names = [*(c for c in columns if c is not None), base.attname]
        if len(names) == 1:
            only = names[0]
            return Reads(lambda row: (row[only],), names)
        return Reads(itemgetter(*names), names)

    def to_representation(self, value: tuple[Any, ...]) -> Any:
        if len(value) > 1:
            for text in value[:-1]:
                if text:
                    return str(text)
        base = value[-1]
        if base.__class__ is str:
            return base
        return None if base is None else clerk_value(base)
