"""Delivering the outbox's behaviour events and log lines: one ``log/*`` call per row.

Rows of the kinds :data:`EVENT_KINDS` are recorded by :mod:`django_clerk.tracking` (log
lines by :class:`~django_clerk.log_handler.ClerkLogHandler`); their payload says what to
send. A sale's payload names its order only: the order is read and rendered at delivery, by
the order feed's serializer (as the confirmation page renders it), and an order that is gone
or does not render is dropped. Like every change they are sent after the commit, by whoever
delivers, retried with a backoff for as long as Clerk fails for a transient reason, and
removed once Clerk answered ``{"status": "ok"}``; a sale is kept as sent instead, for
``TRACKING_SALE_MEMORY_DAYS``, so that recording it again sends nothing. An event Clerk
refuses (or whose payload is unreadable) is kept as failed, for an admin.

The calls are made in turn, within the claim's time budget
(:mod:`~django_clerk.sync.one_call_each`). Remote log lines older than
:data:`LOG_LINE_MAX_AGE` are dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from django_clerk.conf import clerk_settings
from django_clerk.log_lines import sending as sending_log_lines
from django_clerk.models import PendingChange, Store
from django_clerk.models.sync import BASKET, CLICK, LOG_LINE, PRODUCT_VIEW, RETURN, SALE
from django_clerk.storefront.tracking import sale_params
from django_clerk.sync.one_call_each import Unsendable, call_each, settle_calls
from django_clerk.sync.settling import Claim, ClaimedRow, DeliveryReport, release_rest, settle_ok

logger = logging.getLogger("django_clerk.sync")
EVENT_KINDS = frozenset({SALE, BASKET, PRODUCT_VIEW, RETURN, CLICK, LOG_LINE})
LOG_LINE_MAX_AGE = timedelta(days=1)
"""A remote log line not delivered this long after it was first logged is dropped."""


class Unreadable(Unsendable):
    """A row whose payload cannot be sent."""


def deliver_events(claim: Claim, rows: list[ClaimedRow], store: Store | None) -> DeliveryReport:
    """Send each row's event to ``store``'s Clerk, in turn. An event Clerk refuses is kept as
    failed and the next one is sent; any other error stops the batch, and the rows not yet
    sent are due again after a backoff. What is logged while log lines are sent is not
    sent to the remote log."""
    if claim.entity != LOG_LINE:
        return _deliver(claim, rows, store)
    sending_log_lines.active = True
    try:
        return _deliver(claim, rows, store)
    finally:
        sending_log_lines.active = False


def _deliver(claim: Claim, rows: list[ClaimedRow], store: Store | None) -> DeliveryReport:
    report = DeliveryReport()
    using = claim.using
    if store is None or not store.public_key_in_force:  # nobody to tell
        report.dropped = settle_ok(claim, [row.object_id for row in rows])
        release_rest(claim, rows, report.settled)
        return report
    tidy(store, claim.entity, using)
    calls = call_each(store, rows, lambda row: event_call(row, store, using))
    if claim.entity == SALE:
        report.upserted = remember_sales(rows, calls.sent, using)
    else:
        report.upserted = settle_ok(claim, calls.sent)
    return settle_calls(claim, rows, calls, report, what=f"events of store {store.code}")


def remember_sales(rows: list[ClaimedRow], sent: list[str], using: str) -> int:
    """Keep the sales Clerk took as :attr:`~PendingChange.State.SENT`, so that recording one
    again sends nothing; also when it was recorded again while it was being sent (its sale
    is the same order's)."""
    if not sent:
        return 0
    taken = set(sent)
    return remember_sent(
        PendingChange.objects.using(using).filter(
            pk__in=[row.pk for row in rows if row.object_id in taken]
        )
    )


def remember_sent(sales: QuerySet[Any, Any]) -> int:
    """Mark ``sales`` rows sent (kept ``TRACKING_SALE_MEMORY_DAYS`` from now)."""
    return sales.update(
        state=PendingChange.State.SENT,
        due_at=timezone.now(),
        attempts=0,
        lease=None,
        claimed_until=None,
        last_error="",
        payload=None,
    )


HOUSEKEEPING_SECONDS = 600.0
"""How often a process removes the sales and log lines kept past their time (per store)."""
_tidied: dict[tuple[str, int, str], float] = {}
_paused: ContextVar[bool] = ContextVar("django_clerk_housekeeping_paused", default=False)


@contextmanager
def housekeeping_paused() -> Iterator[None]:
    """No housekeeping in the block (a delivery that is rolled back: the removal would be
    rolled back too, and the next one would wait :data:`HOUSEKEEPING_SECONDS`)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def tidy(store: Store, entity: str, using: str) -> None:
    """Before sending sales or log lines, at most every :data:`HOUSEKEEPING_SECONDS` per
    process and store: remove the sales remembered past ``TRACKING_SALE_MEMORY_DAYS`` or the
    log lines past :data:`LOG_LINE_MAX_AGE`."""
    forget = {SALE: forget_old_sales, LOG_LINE: forget_old_log_lines}.get(entity)
    key, now = (using, store.pk, entity), time.monotonic()
    last = _tidied.get(key)
    if forget is None or _paused.get() or (last is not None and now - last < HOUSEKEEPING_SECONDS):
        return
    forget(store, using)
    _tidied[key] = now


def forget_old_sales(store: Store, using: str) -> int:
    """Remove the sales remembered as sent more than ``TRACKING_SALE_MEMORY_DAYS`` ago."""
    days = float(clerk_settings.TRACKING_SALE_MEMORY_DAYS)
    return (
        PendingChange.objects.using(using)
        .filter(store=store, entity=SALE, state=PendingChange.State.SENT)
        .filter(due_at__lt=timezone.now() - timedelta(days=days))
        .delete()[0]
    )


def forget_old_log_lines(store: Store, using: str) -> int:
    """Remove ``store``'s log lines older than :data:`LOG_LINE_MAX_AGE` that no delivery
    holds (waiting for a retry, or refused)."""
    now = timezone.now()
    return (
        PendingChange.objects.using(using)
        .filter(store=store, entity=LOG_LINE, created_at__lt=now - LOG_LINE_MAX_AGE)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .delete()[0]
    )


def event_call(row: ClaimedRow, store: Store, using: str) -> Any:
    """``client -> answer`` sending ``row``'s event; ``None`` when there is nothing to send
    (a sale whose order is gone). Raises :class:`Unreadable` for a malformed payload."""
    payload = row.payload if isinstance(row.payload, dict) else {}
    visitor = payload.get("visitor") or None
    try:
        if row.entity == SALE:
            params = sale_of(payload["order"], store, using)
            if params is None:
                return None
            return lambda client: client.log_sale(
                params["sale"],
                params["products"],
                customer=params["customer"],
                email=params["email"],
                visitor=visitor,
            )
        if row.entity == BASKET:
            products, email = list(payload["products"]), payload.get("email") or None
            return lambda client: client.log_basket(products, visitor=visitor, email=email)
        if row.entity == PRODUCT_VIEW:
            product = payload["product"]
            return lambda client: client.log_product(product, visitor=visitor)
        if row.entity == CLICK:
            product, api, labels = payload["product"], payload["api"], payload.get("labels")
            return lambda client: client.log_click(product, api, visitor=visitor, labels=labels)
        if row.entity == LOG_LINE:
            if row.created_at is None or row.created_at < timezone.now() - LOG_LINE_MAX_AGE:
                return None
            message, level = str(payload["message"]), str(payload["level"])
            metadata = dict(payload.get("metadata") or {})
            return lambda client: client.log_debug(message, level, **metadata)
        if row.entity == RETURN:
            order, product, quantity = payload["order"], payload["product"], payload["quantity"]
            return lambda client: client.log_returned(order, product, quantity)
    except (KeyError, TypeError, ValueError) as exc:
        raise Unreadable(f"Unreadable {row.entity} event: {exc!r}") from exc
    raise Unreadable(f"Not an event: {row.entity}")


def sale_of(reference: Any, store: Store, using: str) -> dict[str, Any] | None:
    """``log/sale``'s arguments of the order ``[model label, primary key]``, rendered now;
    ``None`` when the order is gone or does not render (logged)."""
    label, key = reference
    try:
        model = apps.get_model(label)
        pk = model._meta.pk.to_python(key)
    except (LookupError, ValueError, ValidationError) as exc:
        raise Unreadable(f"No order {label} {key}: {exc}") from exc
    order = model._default_manager.using(using).filter(pk=pk).first()
    return None if order is None else sale_params(order, store)
