"""Which serializer produces which Clerk entity: ``CLERK["SERIALIZERS"]``, read live."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

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
        return serializer
    except ImportError as exc:
        raise ImproperlyConfigured(f"CLERK['SERIALIZERS']: cannot import {path!r}: {exc}") from exc


def get_serializer(entity: str) -> type[ClerkSerializer] | None:
    """The serializer class mapped to ``entity``, or ``None`` when it is not mapped."""
    if entity not in ENTITIES:
        raise ValueError(f"Unknown Clerk entity {entity!r}; expected one of {ENTITIES}")
    target = (clerk_settings.SERIALIZERS or {}).get(entity)
    if not target:
        return None
    return _import(target) if isinstance(target, str) else target


def mapped_entities() -> dict[str, type[ClerkSerializer]]:
    """``{entity: serializer}`` for every mapped entity, in Clerk's entity order."""
    found = {}
    for entity in ENTITIES:
        serializer = get_serializer(entity)
        if serializer is not None:
            found[entity] = serializer
    return found


def entities_for_model(model: type[models.Model]) -> list[str]:
    """The entities whose serializer's ``Meta.model`` is ``model`` (or its concrete parent)."""
    concrete = model._meta.concrete_model
    return [
        entity
        for entity, serializer in mapped_entities().items()
        if serializer.Meta.model._meta.concrete_model is concrete
    ]


@receiver(setting_changed)
def _clear_cache(*, setting: str, **kwargs: object) -> None:
    if setting == "CLERK":
        _import.cache_clear()
