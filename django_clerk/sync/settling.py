"""What a delivery does with the rows it claimed: their counts (:class:`DeliveryReport`), and
settling them: delivered rows leave the outbox, refused ones are kept as failed, and those
that met a transient error are due again after a backoff (:func:`retry_delay`), forever.

A row is settled only while it still holds the delivery's lease token: a row changed again
since it was claimed lost the token, and stays for the next round. A batch is one store and one
entity (:class:`Claim`); settling reads the claimed rows by primary key, so its cost does not
grow with the outbox."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange


@dataclass
class DeliveryReport:
    """Counts of one or more delivery rounds."""

    upserted: int = 0
    deleted: int = 0
    dropped: int = 0  # nothing to send (an order gone, a store or mapping removed)
    retrying: int = 0  # transient failure (or refused keys): due again after a backoff
    failed: int = 0  # refused by Clerk: kept as failed for an admin
    calls: int = 0
    transient_failures: int = 0  # batches that met a transient error
    stopped: int = 0  # runs stopped by the circuit breaker (transient failures in a row)

    def __iadd__(self, other: DeliveryReport) -> DeliveryReport:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def delivered(self) -> int:
        return self.upserted + self.deleted

    @property
    def settled(self) -> int:
        """The rows these rounds settled: delivered, dropped, due again or kept failed."""
        return self.delivered + self.dropped + self.retrying + self.failed


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before attempt ``attempts + 1``: ``Retry-After`` if Clerk sent one, else
    ``SYNC_RETRY_BACKOFF`` doubled per attempt; capped at ``SYNC_RETRY_MAX_BACKOFF``."""
    cap = float(clerk_settings.SYNC_RETRY_MAX_BACKOFF)
    if retry_after is not None:
        return min(max(retry_after, 0.0), cap)
    return min(float(clerk_settings.SYNC_RETRY_BACKOFF) * 2.0 ** max(attempts - 1, 0), cap)


def by_keys(keys: Collection[Any]) -> dict[str, Any]:
    """The lookup of the rows with primary keys ``keys``: a range when they are every
    integer between the lowest and the highest (a batch of a backlog usually is), which the
    database reads as one index range and the driver passes as two values, else ``pk__in``."""
    ints = [key for key in keys if isinstance(key, int) and not isinstance(key, bool)]
    if ints and len(ints) == len(keys):
        low, high = min(ints), max(ints)
        if high - low + 1 == len(set(ints)) == len(ints):
            return {"pk__range": (low, high)}
    return {"pk__in": list(keys)}


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """What a delivery reads of a row it claimed (not a model instance: a thousand of those,
    with their timestamps, cost a worker more to build than the rest of its claim)."""

    pk: int
    entity: str
    object_id: str
    attempts: int
    payload: Any
    #: Read for log lines only (their age decides whether they are still sent).
    created_at: datetime | None = None


@dataclass(frozen=True)
class Claim:
    """A delivery's hold on a batch of rows of the database ``using``: its lease token, the
    store and entity all of them belong to, and each row's primary key by its object id."""

    token: str
    store_id: int
    entity: str
    using: str
    row_keys: dict[str, int]

    def held(self, object_ids: Iterable[str]) -> QuerySet[Any, Any]:
        """The rows of ``object_ids`` that still hold this claim's token. Read by primary
        key: one probe of the primary key's index per row, however many rows the outbox
        holds (a text ``object_id IN (...)`` list is planned as a scan of the table)."""
        keys = [self.row_keys[object_id] for object_id in object_ids if object_id in self.row_keys]
        return PendingChange.objects.using(self.using).filter(
            **by_keys(keys), store_id=self.store_id, entity=self.entity, lease=self.token
        )


def settle_ok(claim: Claim, object_ids: Iterable[str]) -> int:
    """Remove delivered rows, unless the object changed again since they were claimed."""
    object_ids = list(object_ids)
    if not object_ids:
        return 0
    return claim.held(object_ids).delete()[0]


def settle_failed(claim: Claim, reasons: dict[str, str]) -> int:
    by_reason: dict[str, list[str]] = {}
    for object_id, reason in reasons.items():
        by_reason.setdefault(reason[:2000], []).append(object_id)
    return sum(
        claim.held(ids).update(
            state=PendingChange.State.FAILED, last_error=reason, lease=None, claimed_until=None
        )
        for reason, ids in by_reason.items()
    )


def settle_retry(claim: Claim, rows: list[ClaimedRow], object_ids: set[str], error: Any) -> int:
    """Make the rows due again after a backoff (``SYNC_RETRY_MAX_BACKOFF`` at most), with
    the error shown. There is no attempt limit: a row leaves only once Clerk took it."""
    by_attempts: dict[int, list[str]] = {}
    for row in rows:
        if row.object_id in object_ids:
            by_attempts.setdefault(row.attempts + 1, []).append(row.object_id)
    now = timezone.now()
    reason = str(error)[:2000] if error is not None else ""
    retrying = 0
    for attempts, ids in by_attempts.items():
        delay = retry_delay(attempts, getattr(error, "retry_after", None))
        retrying += claim.held(ids).update(
            attempts=attempts,
            state=PendingChange.State.PENDING,
            due_at=now + timedelta(seconds=delay),
            last_error=reason,
            lease=None,
            claimed_until=None,
        )
    return retrying


def release_rest(
    claim: Claim, rows: list[ClaimedRow], settled: int, *, unsent: Collection[str] = ()
) -> None:
    """Give back what a delivery leaves of its ``rows`` once ``settled`` of them are settled:
    the ``unsent`` ones (still holding the claim's token: due at once, no attempt counted)
    and those recorded again while they were sent (they lost the token, so no settling took
    them; freed, the next delivery sends their latest state)."""
    released = claim.held(unsent).update(lease=None, claimed_until=None) if unsent else 0
    if settled + released < len(rows):
        PendingChange.objects.using(claim.using).filter(
            **by_keys([row.pk for row in rows]), lease__isnull=True
        ).update(claimed_until=None)
