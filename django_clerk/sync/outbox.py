"""Recording pending changes, in the same database transaction as the shop's own write.

One ``INSERT ... ON CONFLICT DO UPDATE`` per store per save: a second change of an object that
is already pending updates its row (due now, fresh attempts, and the claim token cleared so a
delivery that is sending an older state leaves the row for the next one; see
:mod:`~django_clerk.sync.outbox_rows`). Bulk writes record a few rows naming many objects
(:func:`record_bulk`). Nothing is serialized here: the delivery reads the object's final state.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from django_clerk.models import PendingChange, Store
from django_clerk.models.sync import BULK
from django_clerk.sync import bulk_markers, dispatch
from django_clerk.sync.entities import store_entities
from django_clerk.sync.outbox_rows import upsert_rows

REALTIME_STORES_SECONDS = 5.0
"""How long the list of stores with real-time updates is reused by a process. Saving or
deleting a store clears it at once in the process that did it."""

MAX_OBJECT_ID = PendingChange._meta.get_field("object_id").max_length or 255
"""Longest primary key (as text) the outbox holds."""
logger = logging.getLogger("django_clerk.sync")


class _StoreCache:
    """``{using: (expires, [(store id, entities)])}`` of active stores with real-time updates."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, list[tuple[int, frozenset[str]]]]] = {}

    def get(self, using: str) -> list[tuple[int, frozenset[str]]]:
        entry = self._entries.get(using)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]
        stores = Store.objects.using(using).filter(is_active=True, realtime_updates=True)
        value = [(store.pk, store_entities(store)) for store in stores]
        with self._lock:
            self._entries[using] = (now + REALTIME_STORES_SECONDS, value)
        return value

    def clear(self, **kwargs: Any) -> None:
        with self._lock:
            self._entries.clear()


realtime_stores = _StoreCache()


def record(
    entity: str,
    pks: Iterable[Any],
    *,
    using: str = "default",
    store_ids: list[int] | None = None,
    prefix: str = "",
) -> int:
    """Record that the objects ``pks`` of ``entity`` changed, for every store with real-time
    updates whose options include ``entity`` (or for ``store_ids``, whatever their options).
    ``prefix`` is their source's ``Meta.id_prefix``: an object id is the prefix and the key.

    Runs in the caller's transaction: a rollback takes the records with it. Returns how many
    were recorded (new or updated), and asks for a delivery after the commit.
    """
    object_ids = _object_ids(entity, prefix, pks)
    if not object_ids:
        return 0
    if store_ids is None:
        store_ids = _stores_sending(entity, using)
    if not store_ids:
        return 0
    rows = [(store_id, entity, object_id) for store_id in store_ids for object_id in object_ids]
    upsert_rows(rows, using)
    dispatch.schedule(using)
    return len(rows)


def record_bulk(
    entity: str, pks: Iterable[Any], *, using: str = "default", prefix: str = ""
) -> int:
    """Record, like :func:`record`, that the objects ``pks`` of ``entity`` changed, as bulk
    changes: a few rows naming many objects each (integer keys in runs; see
    :mod:`~django_clerk.sync.bulk_markers`), which the next delivery expands into one pending
    change per object. Costs a bulk write of 100,000 objects a handful of inserts instead of
    100,000. Returns how many pending changes the markers stand for."""
    keys = pks if isinstance(pks, range) else [pk for pk in pks if pk is not None]
    if not keys:
        return 0
    store_ids = _stores_sending(entity, using)
    if not store_ids:
        return 0
    ordered = bulk_markers.sorted_integers(keys)
    if ordered is not None and _fits(prefix, ordered[0]) and _fits(prefix, ordered[-1]):
        payloads, named = bulk_markers.range_payloads(entity, prefix, ordered), len(ordered)
    else:
        object_ids = _object_ids(entity, prefix, keys)
        payloads, named = bulk_markers.object_id_payloads(entity, object_ids), len(object_ids)
    if not named:
        return 0
    now = timezone.now()
    PendingChange.objects.using(using).bulk_create(
        [
            PendingChange(
                store_id=store_id,
                entity=BULK,
                object_id=uuid.uuid4().hex,
                payload=payload,
                due_at=now,
                created_at=now,
                updated_at=now,
            )
            for store_id in store_ids
            for payload in payloads
        ]
    )
    dispatch.schedule(using)
    return named * len(store_ids)


def _fits(prefix: str, key: Any) -> bool:
    return len(f"{prefix}{key}") <= MAX_OBJECT_ID


def _stores_sending(entity: str, using: str) -> list[int]:
    """The active stores with real-time updates whose options include ``entity``."""
    return [pk for pk, entities in realtime_stores.get(using) if entity in entities]


def _object_ids(entity: str, prefix: str, pks: Iterable[Any]) -> list[str]:
    """The object ids of ``pks`` (the prefix and the key as text), each once, without those
    too long for the outbox (logged: the shop's own write must not fail for the sync's sake)."""
    object_ids = list(dict.fromkeys(f"{prefix}{pk}" for pk in pks if pk is not None))
    too_long = [object_id for object_id in object_ids if len(object_id) > MAX_OBJECT_ID]
    if too_long:
        logger.error(
            "Clerk.io cannot sync %d %s with a primary key longer than %d characters (%s...)",
            len(too_long),
            entity,
            MAX_OBJECT_ID,
            too_long[0][:40],
        )
        object_ids = [object_id for object_id in object_ids if len(object_id) <= MAX_OBJECT_ID]
    return object_ids
