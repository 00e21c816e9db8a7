"""Whether ids a page or a call names are ids of the store's feeds.

An id is looked up in the feed of its entity as Clerk would get it: taken back to its source
(the ``Meta.id_prefix``) and primary key, then found in that source's ``feed_queryset`` for
the store (so a product the store leaves out of its feed is unknown too). Its type must be
the feed's: ``"42"`` where the feed sends ``42`` is a different id to Clerk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django_clerk.mapping.registry import clerk_id, get_serializers
from django_clerk.search.objects import keys_by_source

UNKNOWN_CODES = {
    "products": "product-id-unknown",
    "categories": "category-id-unknown",
    "orders": "sale-id-unknown",
}
NAMES = {"products": "product", "categories": "category", "orders": "order"}


def is_id(value: Any) -> bool:
    """An id as Clerk takes it: an int or a non-empty string (never a bool)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.strip() != "")


@dataclass(frozen=True)
class IdVerdict:
    """What the feed says of one id: ``None`` fields when all is well."""

    unknown: bool = False
    feed_id: Any = None

    @property
    def wrong_type(self) -> bool:
        return self.feed_id is not None


class FeedIds:
    """Looks ids up in a store's feeds; each (entity, id) once per run."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._known: dict[tuple[str, str], Any] = {}
        self._asked: set[tuple[str, str]] = set()

    def mapped(self, entity: str) -> bool:
        return bool(get_serializers(entity))

    def verdicts(self, entity: str, ids: Iterable[Any]) -> list[IdVerdict]:
        """The verdict on each of ``ids`` of ``entity``, in their order."""
        ids = list(ids)
        self._look_up(entity, [i for i in ids if is_id(i) and (entity, str(i)) not in self._asked])
        found: list[IdVerdict] = []
        for value in ids:
            feed_id = self._known.get((entity, str(value))) if is_id(value) else None
            if feed_id is None:
                found.append(IdVerdict(unknown=True))
            elif type(feed_id) is not type(value):
                found.append(IdVerdict(feed_id=feed_id))
            else:
                found.append(IdVerdict())
        return found

    def _look_up(self, entity: str, ids: list[Any]) -> None:
        self._asked.update((entity, str(i)) for i in ids)
        if not ids:
            return
        for serializer, pairs in keys_by_source(entity, ids):
            wanted = {str(key) for _, key in pairs}
            queryset = serializer.feed_queryset(self.store).filter(pk__in=[k for _, k in pairs])
            for obj in queryset:
                if str(obj.pk) in wanted and serializer.holds(obj):
                    feed_id = clerk_id(serializer, obj.pk)
                    self._known[(entity, str(feed_id))] = feed_id
