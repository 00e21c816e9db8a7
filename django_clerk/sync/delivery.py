"""Delivering pending changes to Clerk: claim, serialize the final state, push, settle.

Any number of deliveries may run at once (threads, task workers, ``clerk_deliver``, on many
machines). A delivery *claims* a batch of due rows of one store and entity by writing its own
token and a lease on them; on PostgreSQL the candidates are read with ``SELECT ... FOR UPDATE
SKIP LOCKED`` so concurrent deliveries never wait for each other nor take the same rows, and on
every database the claim is a compare-and-set, so two deliveries never hold the same row. A
delivery that dies mid-call leaves its rows claimed until the lease runs out
(``SYNC_LEASE_SECONDS``); then another one takes them. Nothing is lost.

The objects are read at delivery time from the serializer's ``feed_queryset(store)``: what is
sent is their final state, in the store's language; an object no longer there (deleted,
unpublished, out of stock in a store that excludes those) is deleted from Clerk, except orders,
which are never deleted automatically. A row is removed only when Clerk answered
``{"status": "ok"}`` and the object did not change again meanwhile.

Nothing is given up for a transient reason (see :func:`~django_clerk.client.errors.classify`):
such rows are due again after a backoff (``SYNC_RETRY_BACKOFF`` doubled per attempt, at most
``SYNC_RETRY_MAX_BACKOFF``, or Clerk's ``Retry-After``), forever. Rows whose store's keys Clerk
refuses wait the same way, with the error shown. Only objects Clerk refuses (found by halving
the batch) are kept failed, with Clerk's reason, for an admin to retry. When a batch of a store
and entity goes through, the rows of that store and entity waiting for a retry are due at once:
Clerk is back.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from typing import Any

from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.utils import timezone

from django_clerk.client import ClerkClient
from django_clerk.client.errors import Failure, classify
from django_clerk.conf import clerk_settings
from django_clerk.mapping import get_serializers, registry
from django_clerk.models import PendingChange, Store
from django_clerk.models.sync import BULK, FORGET, LOG_LINE
from django_clerk.signals import changes_delivered, delivery_failed, send_safely, signals_muted
from django_clerk.sync import push
from django_clerk.sync.bulk_markers import expand_claimed
from django_clerk.sync.entities import store_entities
from django_clerk.sync.events import EVENT_KINDS, deliver_events, housekeeping_paused
from django_clerk.sync.forgets import deliver_forgets
from django_clerk.sync.settling import (
    Claim,
    ClaimedRow,
    DeliveryReport,
    by_keys,
    release_rest,
    settle_failed,
    settle_ok,
    settle_retry,
)

logger = logging.getLogger("django_clerk.sync")
NEVER_DELETED = frozenset({"orders"})
"""Entities that are a log: an order missing from the feed is not deleted from Clerk."""


def deliver_due(
    *,
    store_ids: list[int] | None = None,
    entities: list[str] | None = None,
    max_batches: int | None = None,
    max_transient_failures: int | None = None,
    using: str | None = None,
    yield_gil: bool = True,
) -> DeliveryReport:
    """Deliver due changes, one batch of one store and entity at a time, until none is due
    (or ``max_batches`` were sent, or ``max_transient_failures`` batches in a row met a
    transient error: Clerk is probably down, and the rest stays due for the next run).
    ``yield_gil`` hands the GIL over after each object serialized (for the delivery thread
    of web processes; a task worker has no request threads to hand it to).

    A run's length is bounded: each batch makes at most one call that can meet a transient
    error (``SYNC_TIMEOUT`` seconds at most), so a run against a hanging Clerk ends after about
    ``max_transient_failures * SYNC_TIMEOUT`` seconds."""
    using = using or router.db_for_write(PendingChange)
    report = DeliveryReport()
    batches = consecutive_failures = 0
    while max_batches is None or batches < max_batches:
        claimed = claim_batch(store_ids=store_ids, entities=entities, using=using)
        if claimed is None:
            break
        batches += 1
        result = deliver_batch(*claimed, yield_gil=yield_gil)
        report += result
        if result.transient_failures:
            consecutive_failures += 1
        elif result.delivered:
            consecutive_failures = 0
        if max_transient_failures and consecutive_failures >= max_transient_failures:
            report.stopped = 1
            logger.warning(
                "Clerk.io delivery stopped after %d failed batches in a row; the rest waits",
                consecutive_failures,
            )
            break
    return report


@contextmanager
def rehearsal() -> Iterator[None]:
    """A delivery that is rolled back (the tracking validator's, to the fake Clerk): nothing
    it does happens, so it sends no signal (:func:`~django_clerk.signals.signals_muted`) and
    does no housekeeping (:func:`~django_clerk.sync.events.housekeeping_paused`)."""
    with signals_muted(), housekeeping_paused():
        yield


def claim_batch(
    *,
    store_ids: list[int] | None = None,
    entities: list[str] | None = None,
    using: str = "default",
) -> tuple[Claim, list[ClaimedRow]] | None:
    """Claim up to ``SYNC_BATCH_SIZE`` due rows of one store and entity: ``(claim, rows)``."""
    now = timezone.now()
    due = _due(now, store_ids, entities, using)
    # With row locks, concurrent deliveries skip each other's candidates; without (SQLite),
    # no transaction is held across the statements (it could not be upgraded to a write while
    # the shop writes), and the compare-and-set below is what keeps claims exclusive.
    skip_locked = connections[using].features.has_select_for_update_skip_locked
    context = transaction.atomic(using=using) if skip_locked else nullcontext()
    with context:
        candidates = due.select_for_update(skip_locked=True) if skip_locked else due
        head = candidates.order_by("due_at", "pk").values_list("store_id", "entity").first()
        if head is None:
            return None
        store_id, entity = head
        batch = candidates.filter(store_id=store_id, entity=entity).order_by("due_at", "pk")
        columns = _claimed_columns(entity)
        size = int(clerk_settings.SYNC_BATCH_SIZE)
        token = uuid.uuid4().hex
        lease = now + timedelta(seconds=float(clerk_settings.SYNC_LEASE_SECONDS))
        if skip_locked:
            # The rows are locked until the claim commits: nobody changes them meanwhile, so
            # they are read once and claimed by key.
            rows = sorted(
                (ClaimedRow(*values) for values in batch.values_list(*columns)[:size]),
                key=lambda row: row.pk,
            )
            ids = [row.pk for row in rows]
            PendingChange.objects.using(using).filter(**by_keys(ids)).update(
                lease=token, claimed_until=lease
            )
        else:
            ids = list(batch.values_list("pk", flat=True)[:size])
            # Compare-and-set: only rows still unclaimed are taken.
            due.filter(pk__in=ids).update(lease=token, claimed_until=lease)
            # Ours are the rows with our lease time: a save right after the claim clears the
            # token (not the lease), and such a row must still be released by this delivery.
            ours = PendingChange.objects.using(using).filter(pk__in=ids, claimed_until=lease)
            rows = [ClaimedRow(*values) for values in ours.order_by("pk").values_list(*columns)]
    if not rows:
        return None
    return Claim(token, store_id, entity, using, {row.object_id: row.pk for row in rows}), rows


_CLAIMED_COLUMNS = ("pk", "entity", "object_id", "attempts", "payload")


def _claimed_columns(entity: str) -> tuple[str, ...]:
    """The columns of :class:`ClaimedRow` a delivery of ``entity`` reads: a log line's age
    too (reading every row's four timestamps costs a worker a tenth of its time)."""
    return (*_CLAIMED_COLUMNS, "created_at") if entity == LOG_LINE else _CLAIMED_COLUMNS


def _due(now: Any, store_ids: Any, entities: Any, using: str) -> QuerySet[Any, Any]:
    due = PendingChange.objects.using(using).due(now)
    if store_ids is not None:
        due = due.filter(store_id__in=store_ids)
    if entities is not None:
        due = due.filter(entity__in=entities)
    return due


def deliver_batch(
    claim: Claim, rows: list[ClaimedRow], *, yield_gil: bool = True
) -> DeliveryReport:
    """Push the claimed ``rows`` (of the claim's store and entity) and settle each of them."""
    report = DeliveryReport()
    entity, using = claim.entity, claim.using
    store = Store.objects.using(using).filter(pk=claim.store_id, is_active=True).first()
    if entity == FORGET:
        return deliver_forgets(claim, rows, store)
    if entity == BULK:
        return expand_claimed(claim, rows)
    if entity in EVENT_KINDS:
        return deliver_events(claim, rows, store)
    serializers = get_serializers(entity)
    if store is None or not serializers or entity not in store_entities(store):
        report.dropped = settle_ok(claim, [r.object_id for r in rows])
        release_rest(claim, rows, report.settled)
        return report

    payloads: dict[str, dict[str, Any]] = {}
    gone: dict[str, Any] = {}
    by_source, failed = _split_by_source(serializers, rows)
    for serializer, (_, keys) in by_source.items():
        objects = serializer.feed_queryset(store).using(using).filter(**by_keys(keys.values()))
        found, bad = push.serialize_each(serializer, objects, store, yield_gil=yield_gil)
        # Rendered objects are named by their key as the database gives it back; a row is
        # matched through its parsed key, so a key recorded in another spelling (a UUID in
        # hex or capitals, an int as "05") is still its object, never taken for a gone one.
        for oid, key in keys.items():
            text = str(key)
            if text in found:
                payloads[oid] = found[text]
            elif text in bad:
                failed[oid] = bad[text]
            else:
                gone[oid] = registry.clerk_id(serializer, key)

    if gone and entity in NEVER_DELETED:
        report.dropped = settle_ok(claim, list(gone))
        gone = {}
    client = ClerkClient.for_store(store, timeout=clerk_settings.SYNC_TIMEOUT, retries=0)
    try:
        upserted = push.upsert(client, entity, payloads) if payloads else push.PushResult()
        if upserted.error is not None:  # Clerk is failing: do not wait for it twice
            deleted = push.PushResult(retry=list(gone), error=upserted.error)
        else:
            deleted = push.delete(client, entity, gone) if gone else push.PushResult()
    finally:
        client.close()

    report.upserted = settle_ok(claim, upserted.ok)
    report.deleted = settle_ok(claim, deleted.ok)
    if upserted.ok or deleted.ok:
        send_safely(
            changes_delivered,
            store,
            entity=entity,
            upserted=list(upserted.ok),
            deleted=list(deleted.ok),
        )
    report.calls = upserted.calls + deleted.calls
    failed.update(upserted.failed)
    failed.update(deleted.failed)
    error = upserted.error or deleted.error
    retry = set(upserted.retry) | set(deleted.retry)
    if retry:
        report.retrying = settle_retry(claim, rows, retry, error)
        if classify(error) is Failure.TRANSIENT:
            report.transient_failures = 1
            logger.warning("Clerk.io %s push to %s will be retried: %s", entity, store.code, error)
        else:
            logger.error(
                "Clerk.io refused the keys of store %s: its %s changes wait until they are "
                "fixed: %s",
                store.code,
                entity,
                error,
            )
    elif report.delivered:
        _wake_waiting(store.pk, entity, using)
    report.failed += settle_failed(claim, failed)
    _announce_failures(store, entity, retry, error, failed)
    release_rest(claim, rows, report.settled)
    return report


def _announce_failures(
    store: Store, entity: str, retry: set[str], error: Any, failed: dict[str, str]
) -> None:
    """Send ``delivery_failed`` for the rows waiting for a retry and for those refused."""
    if retry:
        send_safely(
            delivery_failed,
            store,
            entity=entity,
            object_ids=sorted(retry),
            error=str(error) if error is not None else "",
            transient=classify(error) is Failure.TRANSIENT,
        )
    if failed:
        send_safely(
            delivery_failed,
            store,
            entity=entity,
            object_ids=sorted(failed),
            error="; ".join(sorted(set(failed.values())))[:2000],
            transient=False,
        )


def _split_by_source(
    serializers: list[Any], rows: list[ClaimedRow]
) -> tuple[dict[Any, tuple[str, dict[str, Any]]], dict[str, str]]:
    """``({serializer: (prefix, {object id: primary key})}, {object id: reason})``: each
    row's source is the one whose ``Meta.id_prefix`` begins its object id (the longest
    one), else the entity's source without a prefix."""
    prefixed = sorted(
        ((registry.declared_prefix(s) or "", s) for s in serializers),
        key=lambda pair: -len(pair[0]),
    )
    found: dict[Any, tuple[str, dict[str, Any]]] = {}
    failed: dict[str, str] = {}
    for row in rows:
        object_id = row.object_id
        source = next(((p, s) for p, s in prefixed if object_id.startswith(p)), None)
        if source is None:
            failed[object_id] = "Belongs to no source of the entity (no id prefix matches)"
            continue
        prefix, serializer = source
        pk_field = serializer.Meta.model._meta.pk
        try:
            key = pk_field.to_python(object_id[len(prefix) :])
        except Exception as exc:
            failed[object_id] = f"Not a primary key of {pk_field.model.__name__}: {exc}"
            continue
        found.setdefault(serializer, (prefix, {}))[1][object_id] = key
    return found, failed


def _wake_waiting(store_id: int, entity: str, using: str) -> int:
    """Clerk took a batch of ``store_id``/``entity``: its rows waiting for a retry are due now."""
    now = timezone.now()
    return (
        PendingChange.objects.using(using)
        .filter(store_id=store_id, entity=entity, state=PendingChange.State.PENDING)
        .filter(attempts__gt=0, due_at__gt=now, claimed_until__isnull=True)
        .update(due_at=now)
    )
