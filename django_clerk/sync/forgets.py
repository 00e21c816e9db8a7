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
from django_clerk.models import Store
from django_clerk.sync.settling import (
    Claim,
    ClaimedRow,
    DeliveryReport,
    settle_failed,
    settle_ok,
    settle_retry,
)

logger = logging.getLogger("django_clerk.sync")


def deliver_forgets(claim: Claim, rows: list[ClaimedRow], store: Store | None) -> DeliveryReport:
    """Ask ``store``'s Clerk to forget each row's address, in turn. An address Clerk refuses
    is kept as failed (for an admin) and the next one is asked; any other error stops the
    batch, and the rows not yet confirmed are due again after a backoff."""
    report = DeliveryReport()
    if store is None:  # the store was deactivated or deleted: nobody to ask
        report.dropped = settle_ok(claim, [row.object_id for row in rows])
        return report
    if not store.credentials().private_key:  # kept for an admin: the keys may come back
        reason = f"Store {store.code!r} has no private key to ask Clerk to forget with."
        report.failed = settle_failed(claim, {row.object_id: reason for row in rows})
        logger.error("Clerk.io requests to forget a person wait: %s", reason)
        return report
    done: list[str] = []
    refused: dict[str, str] = {}
    error: Any = None
    client = ClerkClient.for_store(store, timeout=clerk_settings.SYNC_TIMEOUT, retries=0)
    try:
        for row in rows:
            report.calls += 1
            try:
                client.forget(row.object_id)
            except ClerkError as exc:
                if classify(exc) is Failure.REFUSED:  # this address: the others go on
                    refused[row.object_id] = str(exc)
                    continue
                error = exc
                break
            done.append(row.object_id)
    finally:
        client.close()
    report.deleted = settle_ok(claim, done)
    if refused:
        report.failed = settle_failed(claim, refused)
        logger.error("Clerk.io store %s refused to forget %d person(s)", store.code, len(refused))
    waiting = {row.object_id for row in rows} - set(done) - set(refused)
    if error is None or not waiting:
        return report
    report.retrying = settle_retry(claim, rows, waiting, error)
    if classify(error) is Failure.TRANSIENT:
        report.transient_failures = 1
        logger.warning("Clerk.io store %s will be asked to forget again: %s", store.code, error)
    else:  # refused keys: they wait until the keys are fixed, as the store's changes do
        logger.error(
            "Clerk.io refused the keys of store %s: forgetting waits: %s", store.code, error
        )
    return report
