"""Deliveries that make one call to Clerk per claimed row: behaviour events and log lines
(:mod:`~django_clerk.sync.events`), requests to forget a person
(:mod:`~django_clerk.sync.forgets`).

The calls are made in turn. A row Clerk refuses (or that cannot be sent) is kept as failed and
the next one is sent; any other error stops the batch, and the rows not yet sent are due again
after a backoff. A delivery starts calls for at most half of ``SYNC_LEASE_SECONDS``, each
call's timeout a quarter of it at most, so its claim never runs out while it sends; the rows
left over are given back, due at once, for the next claim.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.client.errors import Failure, classify
from django_clerk.conf import clerk_settings
from django_clerk.models import Store
from django_clerk.sync.settling import (
    Claim,
    ClaimedRow,
    DeliveryReport,
    release_rest,
    settle_failed,
    settle_ok,
    settle_retry,
)

logger = logging.getLogger("django_clerk.sync")

RowCall = Callable[[ClerkClient], Any]
"""What is sent for one row: a call of the store's client."""


class Unsendable(Exception):
    """A row that cannot be sent (its payload is unreadable): kept as failed."""


@dataclass
class Calls:
    """What became of each row of a batch: the object ids sent, dropped (nothing to send),
    refused (with the reason), and the error that stopped the batch, if any."""

    sent: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    error: Any = None
    made: int = 0


def call_each(
    store: Store, rows: list[ClaimedRow], call_for: Callable[[ClaimedRow], RowCall | None]
) -> Calls:
    """Send each row's call (``call_for(row)``; ``None``: nothing to send) to ``store``'s
    Clerk, in turn, within the claim's time budget."""
    calls = Calls()
    budget = float(clerk_settings.SYNC_LEASE_SECONDS) / 2
    # A call may wait for the connection and then for the answer: twice its timeout.
    timeout = min(float(clerk_settings.SYNC_TIMEOUT), budget / 2)
    started = time.monotonic()
    client = ClerkClient.for_store(store, timeout=timeout, retries=0)
    try:
        for row in rows:
            if calls.made and time.monotonic() - started >= budget:
                break  # the claim must outlast the calls: the rest goes to the next claim
            try:
                call = call_for(row)
                if call is None:
                    calls.dropped.append(row.object_id)
                    continue
                calls.made += 1
                call(client)
            except Unsendable as exc:
                calls.refused[row.object_id] = str(exc)
                continue
            except ClerkError as exc:
                if classify(exc) is Failure.REFUSED:  # this row: the others go on
                    calls.refused[row.object_id] = str(exc)
                    continue
                calls.error = exc
                break
            calls.sent.append(row.object_id)
    finally:
        client.close()
    return calls


def settle_calls(
    claim: Claim, rows: list[ClaimedRow], calls: Calls, report: DeliveryReport, *, what: str
) -> DeliveryReport:
    """Settle the rows ``calls`` did not send (the sent ones are the caller's, counted in
    ``report``): dropped rows leave, refused ones are kept failed, those an error stopped are
    due again after a backoff, and those not reached in time are given back. ``what`` names
    the rows in the log ("events")."""
    report.calls += calls.made
    report.dropped += settle_ok(claim, calls.dropped)
    if calls.refused:
        report.failed += settle_failed(claim, calls.refused)
        logger.error("Clerk.io refused %d %s", len(calls.refused), what)
    done = {*calls.sent, *calls.dropped, *calls.refused}
    waiting = {row.object_id for row in rows} - done
    if calls.error is not None and waiting:
        report.retrying += settle_retry(claim, rows, waiting, calls.error)
        waiting = set()
        if classify(calls.error) is Failure.TRANSIENT:
            report.transient_failures += 1
            logger.warning("Clerk.io %s will be sent again: %s", what, calls.error)
        else:  # refused keys: the rows wait until the keys are fixed, as changes do
            logger.error("Clerk.io refused the store's keys: %s wait: %s", what, calls.error)
    release_rest(claim, rows, report.settled, unsent=waiting)
    return report
