"""Which serializers produce which Clerk entity: ``CLERK["SERIALIZERS"]``, read live.

An entity takes one serializer (a dotted path or a class) or a list of them; each is a
*source* of the entity. Several sources are served one after the other (feeds, ``clerk_sync``,
the health check) and pushed each from its own model; their ids are told apart by
``Meta.id_prefix`` (see :func:`id_prefix`).
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.module_loading import import_string

from django_clerk import ENTITIES
from django_clerk.conf import clerk_settings

if TYPE_CHECKING:
    from django_clerk.mapping.serializers import ClerkSerializer


@lru_cache(maxsize=64)
def _import(path: str) -> type[ClerkSerializer]:
    try:
        serializer: type[ClerkSerializer] = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"CLERK['SERIALIZERS']: cannot import {path!r}: {exc}") from exc
    return serializer


def configured_sources(entity: str) -> list[Any]:
    """What ``CLERK["SERIALIZERS"][entity]`` names, as a list (dotted paths or classes)."""
    if entity not in ENTITIES:
        raise ValueError(f"Unknown Clerk entity {entity!r}; expected one of {ENTITIES}")
    target = (clerk_settings.SERIALIZERS or {}).get(entity)
    if not target:
        return []
    return list(target) if isinstance(target, (list, tuple)) else [target]


def get_serializers(entity: str) -> list[type[ClerkSerializer]]:
    """Every serializer (source) mapped to ``entity``, in their order; ``[]`` when it is not
    mapped."""
    return [_import(target) if isinstance(target, str) else target
            for target in configured_sources(entity)]  # fmt: skip


def get_serializer(entity: str) -> type[ClerkSerializer] | None:
    """The serializer mapped to ``entity``, or ``None`` when it is not mapped.

    :raises ImproperlyConfigured: the entity has several sources: use
        :func:`get_serializers` (a single answer would silently leave the others out).
    """
    found = get_serializers(entity)
    if len(found) > 1:
        raise ImproperlyConfigured(
            f"CLERK['SERIALIZERS'][{entity!r}] has {len(found)} sources; "
            "use get_serializers() to get all of them."
        )
    return found[0] if found else None


def mapped_entities() -> dict[str, list[type[ClerkSerializer]]]:
    """``{entity: [serializer, ...]}`` for every mapped entity, in Clerk's entity order."""
    found = {}
    for entity in ENTITIES:
        serializers = get_serializers(entity)
        if serializers:
            found[entity] = serializers
    return found


def entities_for_model(model: type[models.Model]) -> list[str]:
    """The entities with a source whose ``Meta.model`` is ``model`` (or its concrete parent)."""
    return list(dict.fromkeys(entity for entity, _ in sources_for_model(model)))


def sources_for_model(model: type[models.Model]) -> list[tuple[str, type[ClerkSerializer]]]:
    """``(entity, serializer)`` of every source whose model is ``model``'s concrete model."""
    concrete = model._meta.concrete_model
    return [
        (entity, serializer)
        for entity, serializers in mapped_entities().items()
        for serializer in serializers
        if serializer.Meta.model._meta.concrete_model is concrete
    ]


def declared_prefix(serializer: Any) -> str | None:
    """``Meta.id_prefix`` of a serializer, ``None`` when it sets none (or sets ``""``)."""
    prefix = getattr(getattr(serializer, "Meta", None), "id_prefix", None)
    return prefix or None


def id_prefix(serializer: Any) -> str | None:
    """What a source puts before its primary keys to make its objects' Clerk ids:
    ``Meta.id_prefix``; ``""`` (the key as text) for the source without one of an entity
    with several sources, whose ids are all strings; ``None``: ids are left as they are."""
    prefix = declared_prefix(serializer)
    if prefix is not None:
        return prefix
    entity = getattr(serializer, "entity", "")
    try:
        several = entity in ENTITIES and len(configured_sources(entity)) > 1
        if several and serializer in get_serializers(entity):
            return ""
    except ImproperlyConfigured:  # the system checks report it
        pass
    return None


def clerk_id(serializer: Any, key: Any) -> Any:
    """The id Clerk knows the object with primary key ``key`` of ``serializer``'s source by."""
    from django_clerk.mapping.values import clerk_value

    value = clerk_value(key)
    prefix = id_prefix(serializer)
    return value if prefix is None else f"{prefix}{value}"


def source_of(entity: str, instance: models.Model) -> type[ClerkSerializer] | None:
    """The source of ``entity`` that ``instance`` belongs to: the first whose model is the
    instance's and whose ``holds(instance)`` agrees (sources sharing one model tell their
    objects apart with it); ``None`` when none does."""
    concrete = type(instance)._meta.concrete_model
    for serializer in get_serializers(entity):
        if serializer.Meta.model._meta.concrete_model is concrete and serializer.holds(instance):
            return serializer
    return None


def instance_clerk_id(instance: models.Model, entity: str | None = None) -> Any:
    """The Clerk id of a model instance, with its source's prefix (for ``entity``, or the
    one entity its model is mapped to); its primary key when no source holds it."""
    from django_clerk.mapping.values import clerk_value

    try:
        entities = [entity] if entity else entities_for_model(type(instance))
        if len(entities) == 1:
            serializer = source_of(entities[0], instance)
            if serializer is not None:
                return clerk_id(serializer, instance.pk)
    except (ImproperlyConfigured, ValueError):  # a broken mapping: the checks report it
        pass
    return clerk_value(instance.pk)


#: The entity of the objects each parameter names, in Clerk's calls, ``Clerk('context')``
#: and Chat's metadata.
PARAMETER_ENTITIES = {
    "product": "products",
    "products": "products",
    "category": "categories",
    "page": "pages",
}


def parameter_clerk_ids(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with every model instance (alone, or in a list, tuple, set or queryset)
    as its Clerk id (:func:`instance_clerk_id`) in its parameter's entity
    (:data:`PARAMETER_ENTITIES`); other values as they are."""
    return {name: clerk_ids(value, PARAMETER_ENTITIES.get(name)) for name, value in params.items()}


def page_object_ids(product: Any = None, category: Any = None, page: Any = None) -> dict[str, Any]:
    """The Clerk ids of what a page is about (``Clerk('context')``, Chat's metadata); the
    ones not given (``None`` or ``""``) left out."""
    shown = {"product": product, "category": category, "page": page}
    return parameter_clerk_ids({key: v for key, v in shown.items() if v not in (None, "")})


def clerk_ids(value: Any, entity: str | None) -> Any:
    """``value`` as Clerk names it: a model instance as its Clerk id in ``entity``
    (:func:`instance_clerk_id`), a UUID as its text, a list, tuple, set or queryset as the
    list of those; any other value as it is."""
    if isinstance(value, models.Model):
        return instance_clerk_id(value, entity)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return [clerk_ids(item, entity) for item in value]
    return value


@receiver(setting_changed)
def _clear_cache(*, setting: str, **kwargs: object) -> None:
    if setting == "CLERK":
        _import.cache_clear()
