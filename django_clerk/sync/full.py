"""The full sync: push a store's whole feed (or what changed since a time) to Clerk.

For recovery (Clerk's index lost something, a store was just connected, an import ran with
the sync paused). Objects are read by keyset pagination on the primary key, one batch at a
time, so memory stays flat on any catalogue size; after each batch Clerk accepted, a
:class:`~django_clerk.models.SyncCheckpoint` records the last primary key, and a run that is
interrupted resumes after it. Objects Clerk refuses for good (or that cannot be serialized)
are kept as failed pending changes, with their reason, for an admin to see and retry.

A full run (without ``since``) records how many objects each store's feed held when it
completed (:class:`~django_clerk.models.FullSyncRecord`); the next full run that would hold
far fewer is refused before anything is sent, unless ``force`` (the wipe guard, see
:mod:`django_clerk.wipe_guard`).
An entity with several sources is sent source after source, in their order; its checkpoint
keeps the source with the key (``"<source index>:<key>"``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from django_clerk import ENTITIES, wipe_guard
from django_clerk.client import ClerkClient, ClerkUnavailableError
from django_clerk.client.errors import Failure
from django_clerk.conf import clerk_settings
from django_clerk.mapping import Renderer, get_serializers
from django_clerk.mapping.registry import declared_prefix
from django_clerk.mapping.values import pk_of
from django_clerk.models import FullSyncRecord, PendingChange, Store, SyncCheckpoint
from django_clerk.sync import push
from django_clerk.sync.entities import store_entities

Progress = Callable[["FullSyncProgress"], None]


class FullSyncRefused(Exception):
    """A full sync would lose too much of the catalogue (the wipe guard); nothing was sent."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(reasons))


@dataclass
class FullSyncProgress:
    """Where a full sync of one store and entity is; passed to the progress callback."""

    store: Store
    entity: str
    total: int  # objects to send in this run (after the resume point)
    done: int = 0
    sent: int = 0
    failed: int = 0
    resumed_after: str | None = None
    since_ignored: bool = False  # ``since`` given, but the serializer has no modified_field
    finished: bool = False


class FullSync:
    """Push the feed of ``stores`` x ``entities`` to Clerk in batches.

    :param since: only objects whose ``Meta.modified_field`` is later (entities without one
        are sent whole).
    :param dry_run: serialize and count, send nothing, leave checkpoints alone.
    :param progress: called after every batch.
    :param force: send even when the wipe guard would refuse.
    :raises FullSyncRefused: a full run (no ``since``) holds far fewer objects than the last
        complete one, for some store and entity; nothing was sent.
    :raises ClerkUnavailableError: Clerk stayed unreachable after the client's retries (the
        checkpoint is kept: run again to resume).
    """

    def __init__(
        self,
        *,
        stores: Iterable[Store] | None = None,
        entities: Iterable[str] | None = None,
        since: datetime.datetime | None = None,
        batch_size: int | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
        force: bool = False,
    ) -> None:
        self.stores = list(stores) if stores is not None else list(Store.objects.active())
        self.entities = list(entities) if entities is not None else None
        self.since = since
        self.batch_size = int(batch_size or clerk_settings.SYNC_BATCH_SIZE)
        self.dry_run = dry_run
        self.progress = progress or (lambda state: None)
        self.force = force
        self._sizes: dict[tuple[Any, str], int] = {}

    def run(self) -> list[FullSyncProgress]:
        if self.since is None and not self.dry_run and not self.force:
            self.check_wipe()
        results = []
        for store in self.stores:
            for entity in self.entities_for(store):
                results.append(self.sync(store, entity))
        return results

    def entities_for(self, store: Store) -> list[str]:
        """The mapped entities ``store`` takes (its options), limited to ``entities``."""
        allowed = store_entities(store)
        wanted = self.entities
        return [
            entity
            for entity in ENTITIES
            if get_serializers(entity)
            and entity in allowed
            and (wanted is None or entity in wanted)
        ]

    def check_wipe(self) -> None:
        """Raise :class:`FullSyncRefused` when a store's feed of an entity holds far fewer
        objects than when its last full sync completed (one ``COUNT`` each guarded one)."""
        records: dict[tuple[Any, str], int] = {
            (store_pk, entity): items
            for store_pk, entity, items in FullSyncRecord.objects.filter(
                store__in=self.stores
            ).values_list("store", "entity", "items")
        }
        reasons = []
        for store in self.stores:
            for entity in self.entities_for(store):
                previous = records.get((store.pk, entity))
                if not wipe_guard.guards(entity) or not wipe_guard.applies(previous):
                    continue
                current = self.full_size(store, entity)
                if wipe_guard.would_wipe(previous, current):
                    assert previous is not None
                    last = "the last complete full sync"
                    reasons.append(
                        f"{store.code}: {wipe_guard.reason(entity, current, previous, last)}"
                    )
        if reasons:
            raise FullSyncRefused(reasons)

    def full_size(self, store: Store, entity: str) -> int:
        """How many objects the store's whole feed of ``entity`` holds (counted once)."""
        key = (store.pk, entity)
        if key not in self._sizes:
            self._sizes[key] = sum(
                serializer.feed_queryset(store).count() for serializer in get_serializers(entity)
            )
        return self._sizes[key]

    def queryset(self, store: Store, serializer: Any) -> tuple[QuerySet[Any, Any], bool]:
        """The objects of one source to send, and whether ``since`` had to be ignored."""
        queryset = serializer.feed_queryset(store)
        if self.since is None:
            return queryset, False
        modified = getattr(serializer.Meta, "modified_field", None)
        if not modified:
            return queryset, True
        return queryset.filter(**{f"{modified}__gt": self.since}), False

    def sync(self, store: Store, entity: str) -> FullSyncProgress:
        serializers = get_serializers(entity)
        several = len(serializers) > 1
        checkpoint = self._checkpoint(store, entity)
        start, last = resume_point(serializers, checkpoint)
        if checkpoint is not None and start is None:  # the sources changed: start over
            if not self.dry_run:
                checkpoint.delete()
            checkpoint, start = None, 0
        start = start or 0
        querysets = []
        since_ignored = False
        for index, serializer in enumerate(serializers):
            queryset, ignored = self.queryset(store, serializer)
            since_ignored = since_ignored or ignored
            if index == start and last is not None:
                queryset = queryset.filter(pk__gt=last)
            querysets.append(queryset)
        state = FullSyncProgress(
            store=store,
            entity=entity,
            total=sum(queryset.count() for queryset in querysets[start:]),
            resumed_after=checkpoint.last_pk if checkpoint is not None else None,
            since_ignored=since_ignored,
        )
        if checkpoint is not None:
            state.sent = checkpoint.sent
        self.progress(state)
        client = None if self.dry_run else ClerkClient.for_store(store)
        try:
            for index in range(start, len(serializers)):
                serializer = serializers[index]
                # Rows (or instances) as the serializer's plan reads them, a batch per page.
                source = Renderer(serializer, store).source_queryset(querysets[index])
                after = None
                while True:
                    page = source if after is None else source.filter(pk__gt=after)
                    batch = list(page[: self.batch_size])
                    if not batch:
                        break
                    self._send(client, serializer, store, entity, batch, state)
                    after = pk_of(batch[-1])
                    state.done += len(batch)
                    if not self.dry_run:
                        position = f"{index}:{after}" if several else after
                        checkpoint = self._save_checkpoint(
                            checkpoint, store, entity, position, state
                        )
                    self.progress(state)
        finally:
            if client is not None:
                client.close()
        if checkpoint is not None and not self.dry_run:
            checkpoint.delete()
        if self.since is None and not self.dry_run and entity not in wipe_guard.UNGUARDED:
            FullSyncRecord.objects.update_or_create(
                store=store,
                entity=entity,
                defaults={"items": self.full_size(store, entity), "finished_at": timezone.now()},
            )
        state.finished = True
        self.progress(state)
        return state

    def _send(
        self,
        client: ClerkClient | None,
        serializer: Any,
        store: Store,
        entity: str,
        batch: list[Any],
        state: FullSyncProgress,
    ) -> None:
        payloads, failed = push.serialize_each(serializer, batch, store, yield_gil=False)
        prefix = declared_prefix(serializer) or ""
        if prefix:  # objects are named as the outbox names them: prefix and key
            payloads = {f"{prefix}{key}": data for key, data in payloads.items()}
            failed = {f"{prefix}{key}": reason for key, reason in failed.items()}
        if client is not None and payloads:
            result = push.upsert(client, entity, payloads)
            if result.error is not None:
                if result.failure is not Failure.TRANSIENT:
                    raise result.error  # the store's keys, or a bug: not Clerk's availability
                raise ClerkUnavailableError(
                    f"Clerk.io stopped answering during the full sync: {result.error}"
                ) from result.error
            failed.update(result.failed)
            state.sent += len(result.ok)
        elif client is None:
            state.sent += len(payloads)
        state.failed += len(failed)
        if failed and client is not None:
            _keep_failed(store, entity, failed)

    def _checkpoint(self, store: Store, entity: str) -> SyncCheckpoint | None:
        """The resume point of an interrupted run with the same ``since``, if any."""
        checkpoint = SyncCheckpoint.objects.filter(store=store, entity=entity).first()
        if checkpoint is None:
            return None
        if checkpoint.since != self.since:
            if not self.dry_run:
                checkpoint.delete()
            return None
        return checkpoint

    def _save_checkpoint(
        self,
        checkpoint: SyncCheckpoint | None,
        store: Store,
        entity: str,
        last: Any,
        state: FullSyncProgress,
    ) -> SyncCheckpoint:
        if checkpoint is None:
            checkpoint = SyncCheckpoint(store=store, entity=entity, since=self.since)
        checkpoint.last_pk = str(last)
        checkpoint.sent = state.sent
        checkpoint.save()
        return checkpoint


def resume_point(
    serializers: list[Any], checkpoint: SyncCheckpoint | None
) -> tuple[int | None, Any]:
    """``(source index, last key)`` a checkpoint resumes from: ``(0, None)`` without one,
    ``(None, None)`` when it no longer fits the sources."""
    if checkpoint is None:
        return 0, None
    text = checkpoint.last_pk
    index = 0
    if len(serializers) > 1:
        index_text, colon, text = text.partition(":")
        if not colon or not index_text.isdigit() or int(index_text) >= len(serializers):
            return None, None
        index = int(index_text)
    try:
        return index, serializers[index].Meta.model._meta.pk.to_python(text)
    except Exception:
        return None, None


def _keep_failed(store: Store, entity: str, reasons: dict[str, str]) -> None:
    """Record refused objects as failed pending changes, visible (and retryable) in the admin."""
    now = timezone.now()
    PendingChange.objects.bulk_create(
        [
            PendingChange(
                store=store,
                entity=entity,
                object_id=object_id,
                state=PendingChange.State.FAILED,
                last_error=reason[:2000],
                attempts=1,
                due_at=now,
                created_at=now,
                updated_at=now,
            )
            for object_id, reason in reasons.items()
        ],
        update_conflicts=True,
        unique_fields=["store", "entity", "object_id"],
        update_fields=["state", "last_error", "attempts", "updated_at"],
    )
