"""Serializing objects and pushing them to Clerk with per-object error isolation.

Shared by the real-time delivery and the full sync: one object that cannot be serialized, or
that Clerk refuses (a ``ParsingError``), fails alone instead of taking its batch with it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django_clerk.client import ClerkAPIError, ClerkAuthenticationError, ClerkClient, ClerkError

logger = logging.getLogger("django_clerk.sync")


def serialize_each(
    serializer: Any, objects: list[Any], store: Any
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``({object id: payload}, {object id: reason})`` for ``objects`` rendered for ``store``.

    The batch is serialized in one go; only when that fails is each object tried alone, to
    find the ones at fault. The GIL is handed over after every object: this runs in the
    delivery thread of web processes, and a request thread waiting for the GIL would
    otherwise wait for a whole switch interval (5 ms) after each of its database calls.
    """
    try:
        payloads = []
        for payload in serializer.iter_serialize(objects, store):
            payloads.append(payload)
            time.sleep(0)
    except Exception:
        pass
    else:
        return {str(obj.pk): data for obj, data in zip(objects, payloads, strict=True)}, {}
    good: dict[str, dict[str, Any]] = {}
    bad: dict[str, str] = {}
    for obj in objects:
        try:
            good[str(obj.pk)] = serializer.serialize([obj], store)[0]
        except Exception as exc:
            bad[str(obj.pk)] = f"Could not serialize: {type(exc).__name__}: {exc}"
            logger.warning("Clerk %s %s not serialized: %s", serializer.entity, obj.pk, exc)
    return good, bad


@dataclass
class PushResult:
    """What became of each object id of a push."""

    ok: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # will not succeed as it is
    retry: list[str] = field(default_factory=list)  # may succeed later
    error: ClerkError | None = None  # the transient error behind ``retry``
    calls: int = 0


def upsert(client: ClerkClient, entity: str, payloads: dict[str, dict[str, Any]]) -> PushResult:
    """Send ``payloads``; on an error Clerk will repeat (not the keys'), halve the batch until
    the objects at fault are found. A transient error stops the push: what is not sent yet is
    to retry."""
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
        except ClerkAPIError as exc:
            if exc.retryable:
                result.error = exc
                result.retry.extend(object_id for object_id, _ in chunk)
            elif len(chunk) > 1 and not isinstance(exc, ClerkAuthenticationError):
                middle = len(chunk) // 2
                pending += [chunk[middle:], chunk[:middle]]
            else:
                result.failed.update({object_id: str(exc) for object_id, _ in chunk})
        except ClerkError as exc:  # transient: network, timeout, 5xx, 429
            result.error = exc
            result.retry.extend(object_id for object_id, _ in chunk)
        else:
            result.ok.extend(object_id for object_id, _ in chunk)
    return result


def delete(client: ClerkClient, entity: str, ids: dict[str, Any]) -> PushResult:
    """Delete ``ids`` (``{object id: Clerk id}``) from Clerk in one call."""
    result = PushResult(calls=1)
    try:
        client.delete(entity, list(ids.values()))
    except ClerkError as exc:
        if exc.retryable:
            result.error = exc
            result.retry = list(ids)
        else:
            result.failed = {object_id: str(exc) for object_id in ids}
    else:
        result.ok = list(ids)
    return result
