"""Fields that read a value out of a table of related rows: a translation table (one row per
language) and an image table (one row per image, ordered by a position).

Both read the relation with one query per page from rows (a declared :class:`ManyRead`) and
through its prefetch from instances; their attribute is the same list of related values
either way, so both sources give the same output.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from django_clerk.mapping.fields import ClerkField, ImageURLField, related_objects
from django_clerk.mapping.reads import ReadContext, Reads, read_many
from django_clerk.mapping.values import clerk_value


def bind_to_relation(field: ClerkField, field_name: str, parent: Any) -> None:
    """Bind a field whose source is its relation: a field named as the relation
    (``images = ImageTableField(relation="images")``) passes DRF's redundant-source rule."""
    if field.source == field_name:
        field.source = None  # DRF sets it back to the field's name
    ClerkField.bind(field, field_name, parent)


def language_key(code: Any) -> str:
    """A language code compared loosely: ``"pt_BR"`` and ``"pt-br"`` are one language."""
    return str(code or "").replace("_", "-").lower()


def language_candidates(language: str, fallback: str) -> list[str]:
    """The languages to look for, most specific first: ``pt-br``, ``pt``, then ``fallback``."""
    found = [language_key(language)]
    if "-" in found[0]:
        found.append(found[0].split("-")[0])
    for code in (language_key(fallback), language_key(fallback).split("-")[0]):
        if code not in found:
            found.append(code)
    return found


class TranslationTableField(ClerkField):
    """Text in the store's language from a translation table, one row per language::

        name = mapping.TranslationTableField(
            relation="translations", language_field="language", attribute="name"
        )

    reads the ``name`` of the related row whose ``language`` is the store's (``pt-br``, then
    ``pt``), falling back to the row of ``fallback`` (default: ``settings.LANGUAGE_CODE``);
    language codes compare case-insensitively, ``_`` as ``-``. Without a row for any of
    them, or an empty text, the key is left out. The attribute is the list of ``(language,
    text)`` pairs: one query per page from rows, the relation's prefetch from instances.
    """

    clean_output = True

    def __init__(
        self,
        *,
        relation: str = "translations",
        language_field: str = "language",
        attribute: str | None = None,
        fallback: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.relation = relation
        self.language_field = language_field
        self.attribute = attribute
        self.fallback = fallback
        kwargs["source"] = relation
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        bind_to_relation(self, field_name, parent)

    @property
    def text_attribute(self) -> str:
        """The translated column (``attribute``, by default the field's name)."""
        return self.attribute or self.bound_name

    def get_attribute(self, instance: Any) -> list[tuple[Any, Any]]:
        rows = related_objects(getattr(instance, self.relation, None))
        return [
            (getattr(row, self.language_field), getattr(row, self.text_attribute)) for row in rows
        ]

    def reads(self, context: ReadContext) -> Reads | None:
        many = read_many(context.model, self.relation, [self.language_field, self.text_attribute])
        if many is None:
            return None
        key = many.key
        return Reads(lambda row: list(row[key]), many=[many])

    def to_representation(self, value: list[tuple[Any, Any]]) -> Any:
        language = translation.get_language() or settings.LANGUAGE_CODE
        texts: dict[str, Any] = {}
        for code, text in value:
            if text:
                texts.setdefault(language_key(code), text)
        for code in language_candidates(language, self.fallback or settings.LANGUAGE_CODE):
            if code in texts:
                return clerk_value(texts[code])
        return None


class ImageTableField(ImageURLField):
    """The first image of an image table, by position, as an absolute URL::

        image = mapping.ImageTableField(
            relation="images", path="path", position="position", default_image="/no-image.svg"
        )

    reads the ``path`` column of the related row with the lowest ``position`` (ties broken by
    the primary key; no position last): a stored path, relative to ``MEDIA_URL`` (or
    ``prefix``) unless absolute. A product without images gets ``default_image`` (or leaves
    the key out). ``prefix`` and ``default_image`` work as for
    :class:`ImageURLField`. The attribute is the chosen path: one query per page from rows,
    the relation's prefetch from instances.
    """

    def __init__(
        self,
        *,
        relation: str = "images",
        path: str = "path",
        position: str = "position",
        **kwargs: Any,
    ) -> None:
        self.relation = relation
        self.path = path
        self.position = position
        kwargs["source"] = relation
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        bind_to_relation(self, field_name, parent)

    @staticmethod
    def first(images: list[tuple[Any, Any, Any]]) -> Any:
        """The path of ``(position, pk, path)`` with the lowest position (then primary key;
        a missing position last)."""
        if not images:
            return None
        return min(images, key=lambda image: (image[0] is None, image[0] or 0, str(image[1])))[2]

    def get_attribute(self, instance: Any) -> Any:
        rows = related_objects(getattr(instance, self.relation, None))
        return self.first(
            [(getattr(row, self.position), row.pk, getattr(row, self.path)) for row in rows]
        )

    def reads(self, context: ReadContext) -> Reads | None:
        many = read_many(context.model, self.relation, [self.position, "pk", self.path])
        if many is None:
            return None
        key, first = many.key, self.first
        return Reads(lambda row: first(row[key]), many=[many])
