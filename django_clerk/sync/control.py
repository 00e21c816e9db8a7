"""Public controls of the real-time sync: pause it for a block of code, queue objects by hand.

>>> with sync_paused():          # an import: no pending change per row
...     import_products(rows)
>>> queue_for_sync(Product.objects.filter(pk__in=imported_ids))

``queue_for_sync`` is also what to call after ``bulk_create`` or ``queryset.update()``, which
send no signals.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from contextvars import ContextVar, Token
from typing import Any, TypeVar

from django.db import models

F = TypeVar("F", bound=Callable[..., Any])

CHUNK_SIZE = 2000
"""Objects loaded and recorded at a time by :func:`queue_for_sync` (memory stays flat)."""

_paused: ContextVar[bool] = ContextVar("django_clerk_sync_paused", default=False)


def is_paused() -> bool:
    """Whether the current thread or asyncio task is inside :func:`sync_paused`."""
    return _paused.get()


class sync_paused:  # lower case: used like a function, ``with sync_paused():``
    """Record no pending change for saves and deletes made inside the block or function.

    A context manager and a decorator (of plain and ``async`` functions). The pause lives in a
    :class:`~contextvars.ContextVar`, so it covers only the thread or asyncio task that entered
    it (and tasks it starts): other requests keep syncing. Changes made while paused are not
    queued at all; push them afterwards with :func:`queue_for_sync` or ``clerk_sync``.
    """

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> None:
        self._tokens.append(_paused.set(True))

    def __exit__(self, *exc_info: object) -> None:
        _paused.reset(self._tokens.pop())

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with sync_paused():
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with sync_paused():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def queue_for_sync(
    objects: models.QuerySet | Iterable[models.Model],
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
        for entity in plan.entities:
            recorded += outbox.record(
                entity, [o.pk for o in chunk], using=using, store_ids=store_ids
            )
        for dependency in plan.dependencies:
            owners = dependency.owners(chunk, using)
            recorded += outbox.record(dependency.entity, owners, using=using, store_ids=store_ids)
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
