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

from django_clerk.mapping.registry import get_serializers
from django_clerk.mapping.rendering import Renderer
from django_clerk.mapping.steps import Policy
from django_clerk.mapping.validation import ClerkDataError
from django_clerk.mapping.values import pk_of

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
    """Render ``store``'s whole feed of ``entity`` (every source of it) page by page and
    collect every problem (fields that raise, broken rules); ``None`` when the entity is not
    mapped. Memory stays flat: keyset pages of primary keys."""
    serializers = get_serializers(entity)
    if not serializers:
        return None
    report = HealthReport(store=store, entity=entity)
    for serializer in serializers:
        check_source(report, serializer, examples)
    return report


def check_source(report: HealthReport, serializer: Any, examples: int) -> None:
    """Add one source's objects to ``report``."""
    store = report.store
    renderer = Renderer(serializer, store, policy=Policy.COLLECT, validate=True)
    source = renderer.source_queryset(serializer.feed_queryset(store))
    for page in _chunks(source):
        rendered = renderer.render(page, source.db)
        for index in range(len(rendered.items)):
            report.checked += 1
            found = rendered.problems.get(index)
            if found:
                report.broken += 1
                report.by_field.update(p.field for p in found)
                report.examples.extend(found[: max(0, examples - len(report.examples))])


def _chunks(queryset: Any) -> Iterator[list[Any]]:
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        objects = list(page[:CHUNK])
        if not objects:
            return
        yield objects
        last = pk_of(objects[-1])
