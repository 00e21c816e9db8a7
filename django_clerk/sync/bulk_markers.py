"""Bulk changes recorded as *markers*: one outbox row naming many objects, expanded later.

A bulk write (:class:`~django_clerk.sync.bulk.SyncedQuerySet`'s ``update()``,
``bulk_create()``, ``bulk_update()`` and ``delete()``) records, in the write's transaction, one
row of entity :data:`~django_clerk.models.sync.BULK` per store and up to :data:`MARKER_KEYS`
objects of one entity (see :func:`~django_clerk.sync.outbox.record_bulk`). Its payload names
the objects, integer keys as ranges::

    {"entity": "products", "prefix": "", "ranges": [[1, 5000], [5002, 5002]]}
    {"entity": "pages", "object_ids": ["about", "blog-7"]}   # any other key, prefix included

The delivery claims markers like any pending change (so two deliveries never hold the same
one) and :func:`expand_claimed` turns each into one ordinary pending change per object, in one
transaction whose first statement deletes the marker while it still holds the delivery's
token: a marker is expanded once, and its rows exist exactly when it is gone. From there on
the rows coalesce with other changes, are sent in their final state, and become deletes for
objects gone by then, as every change does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from django.db import transaction

from django_clerk.models import PendingChange
from django_clerk.sync.outbox_rows import upsert_object_ids
from django_clerk.sync.settling import Claim, ClaimedRow, DeliveryReport, settle_failed

logger = logging.getLogger("django_clerk.sync")

MARKER_KEYS = 10_000
"""Most objects one marker names: what its expansion writes in one transaction."""


def all_integers(keys: Iterable[Any]) -> bool:
    """Whether every key is an ``int`` (what integer primary keys are in Python)."""
    return isinstance(keys, range) or set(map(type, keys)) == {int}


def sorted_integers(keys: Sequence[Any]) -> Sequence[int] | None:
    """``keys`` sorted, each once, if they are all integers (else ``None``)."""
    if isinstance(keys, range):
        return keys if keys.step == 1 else sorted(keys)
    return sorted(set(keys)) if all_integers(keys) else None


def range_payloads(entity: str, prefix: str, ordered: Sequence[int]) -> list[dict[str, Any]]:
    """The payloads of markers naming the objects of integer keys (sorted, distinct), in
    runs, :data:`MARKER_KEYS` objects a marker at most."""
    return [
        {"entity": entity, "prefix": prefix, "ranges": _runs(ordered[start : start + MARKER_KEYS])}
        for start in range(0, len(ordered), MARKER_KEYS)
    ]


def object_id_payloads(entity: str, object_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The payloads of markers naming ``object_ids`` (the prefix and the key, as text)."""
    return [
        {"entity": entity, "object_ids": list(object_ids[start : start + MARKER_KEYS])}
        for start in range(0, len(object_ids), MARKER_KEYS)
    ]


def _runs(keys: Sequence[int]) -> list[list[int]]:
    """The runs of consecutive ``keys`` (sorted, distinct) as ``[first, last]``."""
    if not keys:
        return []
    if keys[-1] - keys[0] == len(keys) - 1:  # one run (a ``range``: no key is looked at)
        return [[keys[0], keys[-1]]]
    ends = [i for i, (key, after) in enumerate(pairwise(keys)) if after != key + 1]
    starts = [0, *(i + 1 for i in ends)]
    return [[keys[a], keys[b]] for a, b in zip(starts, [*ends, len(keys) - 1], strict=True)]


def marker_object_ids(payload: Any) -> tuple[str, list[str]] | None:
    """``(entity, object ids)`` of a marker's payload (``None`` if it is not one)."""
    try:
        if "ranges" in payload:
            prefix = str(payload["prefix"])
            ids = [
                f"{prefix}{key}"
                for first, last in payload["ranges"]
                for key in range(int(first), int(last) + 1)
            ]
        else:
            ids = [str(object_id) for object_id in payload["object_ids"]]
        return str(payload["entity"]), list(dict.fromkeys(ids))
    except (KeyError, TypeError, ValueError):
        return None


def expand_claimed(claim: Claim, markers: list[ClaimedRow]) -> DeliveryReport:
    """Replace each claimed marker by one pending change per object it names (due now), one
    marker per transaction. A marker that lost the token meanwhile (its claim ran out and
    another delivery took it, or an admin released it) is left to whoever holds it now."""
    report = DeliveryReport()
    for marker in markers:
        named = marker_object_ids(marker.payload)
        if named is None:
            reason = "Not a bulk change: its payload names no objects"
            report.failed += settle_failed(claim, {marker.object_id: reason})
            continue
        entity, object_ids = named
        with transaction.atomic(using=claim.using):
            # First statement: a write, so SQLite takes its write lock before reading anything.
            taken = PendingChange.objects.using(claim.using).filter(pk=marker.pk, lease=claim.token)
            if not taken._raw_delete(claim.using):
                continue
            upsert_object_ids(claim.store_id, entity, object_ids, claim.using)
        logger.debug("Clerk.io bulk change expanded: %d %s", len(object_ids), entity)
    return report
