"""Public controls of the real-time sync: pause it for a block of code, queue objects by hand.

>>> with sync_paused():          # an import: no pending change per row
...     import_products(rows)
>>> queue_for_sync(Product.objects.filter(pk__in=imported_ids))

``queue_for_sync`` is also what to call after ``bulk_create`` or ``queryset.update()``, which
send no signals.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from django_clerk.sync.pausing import is_paused, sync_paused

__all__ = ["CHUNK_SIZE", "is_paused", "queue_for_sync", "sync_paused"]

CHUNK_SIZE = 2000
"""Objects loaded and recorded at a time by :func:`queue_for_sync` (memory stays flat)."""


def queue_for_sync(
    objects: models.QuerySet[Any, Any] | Iterable[models.Model],
    store: Any = None,
    *,
    using: str | None = None,
) -> int:
    """Queue ``objects`` (a queryset or model instances) for delivery to Clerk.

    Objects of a mapped model are queued for every entity they are mapped to; objects of a
    related model (a brand, a variant) queue the mapped objects that show them. ``store``
    limits the push to one store (even one with real-time updates off); by default every
    active store with real-time updates gets it. Works while :func:`sync_paused` and with
    ``REALTIME_SYNC`` off: it is an explicit request. Runs in the caller's transaction, like a
    save. Returns the number of pending changes recorded.
    """
    # ``django_clerk.sync`` (which exports this function) is imported before the models are
    # loaded; the receivers' plans and the outbox need them.
    from django_clerk.sync import outbox, signals

    if isinstance(objects, models.QuerySet):
        model, using = objects.model, using or objects.db
        chunks = _chunked(objects.order_by("pk").iterator(chunk_size=CHUNK_SIZE))
    else:
        items = list(objects)
        if not items:
            return 0
        model, using = type(items[0]), using or items[0]._state.db or "default"
        chunks = _chunked(items)
    plan = signals.plan_for(model)
    if plan is None:
        return 0
    store_ids = None if store is None else [store.pk]
    recorded = 0
    for chunk in chunks:
        for entity, prefix in plan.entities:
            recorded += outbox.record(
                entity, [o.pk for o in chunk], using=using, store_ids=store_ids, prefix=prefix
            )
        for dependency in plan.dependencies:
            owners = dependency.owners(chunk, using)
            recorded += outbox.record(
                dependency.entity,
                owners,
                using=using,
                store_ids=store_ids,
                prefix=dependency.id_prefix,
            )
    return recorded


def _chunked(values: Iterable[Any]) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
