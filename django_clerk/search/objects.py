"""The shop's objects for the ids Clerk returned, in Clerk's order.

Clerk knows an object by its source's id: the primary key (an int, a string, a UUID as
text), or with several sources of one entity, ``Meta.id_prefix`` + key. Each id is taken
back to its source and key here; each source costs one query (``pk__in``), whatever the
number of ids. Ids no source holds (``holds()``, for sources sharing a model), or whose
object is gone from the queryset, are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from django_clerk.mapping.registry import clerk_id as clerk_id_of
from django_clerk.mapping.registry import get_serializers, id_prefix


def keys_by_source(entity: str, ids: Iterable[Any]) -> list[tuple[Any, list[tuple[Any, Any]]]]:
    """``[(serializer, [(clerk_id, primary_key), ...]), ...]`` for ``ids`` of ``entity``."""
    serializers = get_serializers(entity)
    prefixed = sorted(
        ((s, id_prefix(s) or "") for s in serializers if id_prefix(s)),
        key=lambda pair: -len(pair[1]),
    )
    plain = [s for s in serializers if not id_prefix(s)]
    found: dict[Any, list[tuple[Any, Any]]] = {}
    for clerk_id in ids:
        text = str(clerk_id)
        source, raw = None, clerk_id
        for serializer, prefix in prefixed:
            if text.startswith(prefix):
                source, raw = serializer, text[len(prefix) :]
                break
        if source is None and plain:
            source = plain[0]
        if source is None:
            continue
        key = _to_key(source.Meta.model, raw)
        if key is not None:
            found.setdefault(source, []).append((clerk_id, key))
    return list(found.items())


def clerk_id_from_text(entity: str, text: str) -> Any:
    """The Clerk id of ``entity`` that ``text`` (from a URL) stands for, typed as its source
    makes it: an integer primary key as an int, a string key as the very text (``"00123"``
    stays text), a UUID as text, a prefixed id as text. ``text`` itself when no source of
    ``entity`` holds such an id (or the entity is not mapped)."""
    for serializer, pairs in keys_by_source(entity, [text]):
        return clerk_id_of(serializer, pairs[0][1])
    return text


def _to_key(model: type[models.Model], raw: Any) -> Any:
    try:
        return model._meta.pk.to_python(raw)
    except (ValidationError, TypeError, ValueError):
        return None


def objects_in_order(
    entity: str,
    ids: Iterable[Any],
    querysets: Mapping[type[models.Model], models.QuerySet[Any]] | None = None,
) -> list[Any]:
    """The objects of ``entity`` for Clerk's ``ids``, in that order.

    ``querysets`` maps a model to the queryset its objects come from (e.g. only published
    products, with ``select_related``); other models use their default manager.
    """
    ids = list(ids)
    position = {str(clerk_id): n for n, clerk_id in enumerate(ids)}
    placed: list[tuple[int, Any]] = []
    for serializer, pairs in keys_by_source(entity, ids):
        model = serializer.Meta.model
        queryset = (querysets or {}).get(model)
        if queryset is None:
            queryset = model._default_manager.all()
        by_key = {str(k): cid for cid, k in pairs}
        for obj in queryset.filter(pk__in=[k for _, k in pairs]):
            clerk_id = by_key.get(str(obj.pk))
            if clerk_id is not None and serializer.holds(obj):
                placed.append((position[str(clerk_id)], obj))
    return [obj for _, obj in sorted(placed, key=lambda pair: pair[0])]
