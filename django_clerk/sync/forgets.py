"""Delivering the outbox's requests to forget a person: ``privacy/forget`` per row.

A row of entity :data:`~django_clerk.models.sync.FORGET` names an e-mail address (its object
id) that one store's Clerk must forget. :func:`~django_clerk.privacy.queue_forget` records
them, in the transaction that deletes the person (the user-deletion receiver), and
:func:`~django_clerk.privacy.forget_customer` for the stores that could not be asked at
once. They are delivered like every change: after the commit, by whoever delivers, retried
with a backoff for as long as Clerk fails for a transient reason, and removed (with the
address) once Clerk confirmed.
"""

from __future__ import annotations

import logging
from typing import Any

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.client.errors import Failure, classify
from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange, Store
from django_clerk.sync.settling import DeliveryReport, settle_failed, settle_ok, settle_retry

logger = logging.getLogger("django_clerk.sync")


def deliver_forgets(
    token: str, rows: list[PendingChange], store: Store | None, using: str
) -> DeliveryReport:
    """Ask ``store``'s Clerk to forget each row's address, in turn, until one call fails."""
    report = DeliveryReport()
    if store is None or not store.credentials().private_key:
        report.dropped = settle_ok(token, [row.object_id for row in rows], using)
        return report
    done: list[str] = []
    error: Any = None
    client = ClerkClient.for_store(store, timeout=clerk_settings.SYNC_TIMEOUT, retries=0)
    try:
        for row in rows:
            try:
                client.forget(row.object_id)
            except ClerkError as exc:
                error = exc
                break
            report.calls += 1
            done.append(row.object_id)
    finally:
        client.close()
    report.deleted = settle_ok(token, done, using)
    waiting = {row.object_id for row in rows if row.object_id not in done}
    if error is None or not waiting:
        return report
    if classify(error) is Failure.REFUSED:  # Clerk refuses this address: kept for an admin
        report.failed = settle_failed(token, {oid: str(error) for oid in waiting}, using)
        logger.error("Clerk.io store %s refused to forget a person: %s", store.code, error)
        return report
    report.calls += 1
    report.retrying = settle_retry(token, rows, waiting, error, using)
    report.transient_failures = 1
    logger.warning("Clerk.io store %s will be asked to forget again: %s", store.code, error)
    return report
