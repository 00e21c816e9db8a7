"""Which entities a store's options let through to Clerk."""

from __future__ import annotations

from django_clerk import ENTITIES
from django_clerk.models import Store


def store_entities(store: Store) -> frozenset[str]:
    """The entities ``store``'s options let through (orders, customers, pages are optional)."""
    return frozenset(entity for entity in ENTITIES if store.syncs(entity))
