"""Serializing objects and pushing them to Clerk with per-object error isolation.

Shared by the real-time delivery and the full sync: one object that cannot be serialized, or
that Clerk refuses (a ``ParsingError`` or ``LogicalError``), fails alone instead of taking its
batch with it. What a failure means is decided by
:func:`~django_clerk.client.errors.classify`; only refusals fail objects.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.client.errors import Failure, classify
from django_clerk.mapping import Policy, Renderer

logger = logging.getLogger("django_clerk.sync")


def serialize_each(
    serializer: Any, objects: QuerySet[Any, Any] | list[Any], store: Any, *, yield_gil: bool = True
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``({object id: payload}, {object id: reason})`` for ``objects`` rendered for ``store``.

    ``objects`` is a queryset of the serializer's model (read as ``values()`` rows when the
    mapping declares its reads), a page of such rows, or model instances. Each object's
    problems (a field that raises, a broken Clerk rule) fail that object alone. With
    ``yield_gil`` the GIL is handed over after every object: this runs in the delivery thread
    of web processes, and a request thread waiting for the GIL would otherwise wait for a
    whole switch interval (5 ms) after each of its database calls. A process of its own
    (``clerk_sync``) has no one to hand it to.
    """
    pause = _yield_gil if yield_gil else None
    renderer = Renderer(serializer, store, policy=Policy.COLLECT, pause=pause)
    if isinstance(objects, QuerySet):
        pages = renderer.pages(objects, objects.db)
    else:
        pages = iter([renderer.render(list(objects))])
    good: dict[str, dict[str, Any]] = {}
    bad: dict[str, str] = {}
    for page in pages:
        for index, (key, data) in enumerate(zip(page.keys, page.items, strict=True)):
            found = page.problems.get(index)
            if not found:
                good[str(key)] = data
                continue
            bad[str(key)] = f"Could not serialize: {'; '.join(str(p) for p in found[:3])}"
            logger.warning("Clerk %s %s not serialized: %s", serializer.entity, key, found[0])
    return good, bad


def _yield_gil() -> None:
    time.sleep(0)


@dataclass
class PushResult:
    """What became of each object id of a push."""

    ok: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # refused by Clerk: kept failed
    retry: list[str] = field(default_factory=list)  # may succeed later
    error: BaseException | None = None  # the error behind ``retry`` (see ``failure``)
    calls: int = 0

    @property
    def failure(self) -> Failure | None:
        """What ``error`` means: transient, or the store's configuration (its keys)."""
        return None if self.error is None else classify(self.error)


def upsert(client: ClerkClient, entity: str, payloads: dict[str, dict[str, Any]]) -> PushResult:
    """Send ``payloads``. When Clerk refuses a batch (``ParsingError``, ``LogicalError``), halve
    it until the objects at fault are found: only those fail. Any other failure (transient, or
    the store's keys) stops the push: what is not sent yet is to retry."""
    result = PushResult()
    pending = [list(payloads.items())]
    while pending:
        chunk = pending.pop()
        if result.error is not None:
            result.retry.extend(object_id for object_id, _ in chunk)
            continue
        result.calls += 1
        try:
            client.upsert(entity, [data for _, data in chunk])
        except Exception as exc:
            if classify(exc) is not Failure.REFUSED:
                _log_unexpected(exc, entity)
                result.error = exc
                result.retry.extend(object_id for object_id, _ in chunk)
            elif len(chunk) > 1:
                middle = len(chunk) // 2
                pending += [chunk[middle:], chunk[:middle]]
            else:
                result.failed.update({object_id: str(exc) for object_id, _ in chunk})
        else:
            result.ok.extend(object_id for object_id, _ in chunk)
    return result


def delete(client: ClerkClient, entity: str, ids: dict[str, Any]) -> PushResult:
    """Delete ``ids`` (``{object id: Clerk id}``) from Clerk in one call. A delete names ids
    only: a refusal is kept failed for every id, anything else is to retry."""
    result = PushResult(calls=1)
    try:
        client.delete(entity, list(ids.values()))
    except Exception as exc:
        if classify(exc) is Failure.REFUSED:
            result.failed = {object_id: str(exc) for object_id in ids}
        else:
            _log_unexpected(exc, entity)
            result.error = exc
            result.retry = list(ids)
    else:
        result.ok = list(ids)
    return result


def _log_unexpected(exc: BaseException, entity: str) -> None:
    """An exception that is not the client's is a bug: log its traceback, retry later."""
    if not isinstance(exc, ClerkError):
        logger.error("Clerk.io %s push failed unexpectedly", entity, exc_info=exc)
