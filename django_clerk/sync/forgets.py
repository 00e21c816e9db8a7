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

from django_clerk.models import Store
from django_clerk.sync.one_call_each import RowCall, call_each, settle_calls
from django_clerk.sync.settling import (
    Claim,
    ClaimedRow,
    DeliveryReport,
    release_rest,
    settle_failed,
    settle_ok,
)

logger = logging.getLogger("django_clerk.sync")


def deliver_forgets(claim: Claim, rows: list[ClaimedRow], store: Store | None) -> DeliveryReport:
    """Ask ``store``'s Clerk to forget each row's address, in turn (see
    :mod:`~django_clerk.sync.one_call_each`); an address is removed once Clerk confirmed."""
    report = DeliveryReport()
    if store is None:  # the store was deactivated or deleted: nobody to ask
        report.dropped = settle_ok(claim, [row.object_id for row in rows])
        release_rest(claim, rows, report.settled)
        return report
    if not store.credentials().private_key:  # kept for an admin: the keys may come back
        reason = f"Store {store.code!r} has no private key to ask Clerk to forget with."
        report.failed = settle_failed(claim, {row.object_id: reason for row in rows})
        logger.error("Clerk.io requests to forget a person wait: %s", reason)
        release_rest(claim, rows, report.settled)
        return report
    calls = call_each(store, rows, _forget_call)
    report.deleted = settle_ok(claim, calls.sent)
    what = f"requests of store {store.code} to forget a person"
    return settle_calls(claim, rows, calls, report, what=what)


def _forget_call(row: ClaimedRow) -> RowCall:
    address = row.object_id
    return lambda client: client.forget(address)
