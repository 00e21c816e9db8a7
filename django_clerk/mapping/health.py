"""Data health: every object a store would send, checked against Clerk's rules.

Clerk's predictions are only as good as the data it gets; this finds what the feeds and the
sync would send wrong (a missing price, a relative URL, a string where Clerk wants a list)
before Clerk's importer does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django_clerk.mapping.registry import get_serializer
from django_clerk.mapping.validation import ClerkDataError, problems

CHUNK = 1000


@dataclass
class HealthReport:
    """What one store's feed of one entity holds, and what in it breaks Clerk's rules."""

    store: Any
    entity: str
    checked: int = 0
    broken: int = 0
    by_field: Counter[str] = field(default_factory=Counter)
    examples: list[ClerkDataError] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return self.broken == 0


def check_entity(store: Any, entity: str, *, examples: int = 10) -> HealthReport | None:
    """Serialize ``store``'s whole feed of ``entity`` in chunks and collect every problem;
    ``None`` when the entity is not mapped. Memory stays flat: chunks of primary keys."""
    serializer = get_serializer(entity)
    if serializer is None:
        return None
    report = HealthReport(store=store, entity=entity)
    for objects in _chunks(serializer.feed_queryset(store)):
        for item in _serialize(serializer, objects, store):
            report.checked += 1
            found = item if isinstance(item, list) else problems(entity, item)
            if found:
                report.broken += 1
                report.by_field.update(p.field for p in found)
                report.examples.extend(found[: max(0, examples - len(report.examples))])
    return report


def _serialize(serializer: Any, objects: list[Any], store: Any) -> Iterator[Any]:
    """Each object's output, or its problems when it cannot be serialized at all."""
    try:
        yield from serializer.serialize(objects, store, validate=False)
        return
    except Exception:  # some object's field raises: find which, object by object
        pass
    for obj in objects:
        try:
            yield serializer.serialize([obj], store, validate=False)[0]
        except Exception as exc:
            yield [ClerkDataError(serializer.entity, obj.pk, "?", f"cannot be built: {exc}")]


def _chunks(queryset: Any) -> Iterator[list[Any]]:
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        objects = list(page[:CHUNK])
        if not objects:
            return
        yield objects
        last = objects[-1].pk
