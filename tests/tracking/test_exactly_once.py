"""Each event is sent once: a claim is never outlived by its calls, a sale Clerk took (or
Clerk.js logged) is remembered, and recording an event again never frees a claimed row."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from django_clerk.client import ClerkClient
from django_clerk.models import PendingChange
from django_clerk.models.sync import CLICK, SALE
from django_clerk.sync.delivery import claim_batch, deliver_batch
from django_clerk.tracking import track_click, track_sale
from tests.shops import example_shop
from tests.tracking.conftest import deliver, make_due, pending, waiting
from tests.tracking.test_sales import render_sale, sale_url, sales_mode

pytestmark = pytest.mark.django_db


def test_a_slow_clerk_never_outlives_the_claim(
    clerk_store: Any, clerk_api: Any, make_request: Any, settings: Any, monkeypatch: Any
) -> None:
    """Each call takes 0.4 s of a 1 s claim: the delivery stops at half the claim and gives
    the rest back, so a second delivery finds nothing claimable while the first one sends."""
    settings.CLERK = {**settings.CLERK, "SYNC_LEASE_SECONDS": 1, "TRACKING": {"clicks": "server"}}
    for _ in range(3):
        assert track_click(make_request(), 1, "recommendations/popular", labels=["x"])
    original = ClerkClient.log_click
    second_claims: list[int] = []

    def slow(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.4)
        other = claim_batch()  # another delivery, right after this call
        second_claims.append(0 if other is None else len(other[1]))
        if other is not None:
            deliver_batch(*other)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ClerkClient, "log_click", slow)
    started = time.monotonic()
    claim = claim_batch()
    assert claim is not None and len(claim[1]) == 3
    report = deliver_batch(*claim)
    assert time.monotonic() - started < 1.0  # within the claim
    assert report.upserted == 2 and report.retrying == 0 and second_claims == [0, 0]
    (rest,) = pending(CLICK)
    assert rest.attempts == 0 and rest.claimed_until is None and rest.lease is None
    assert rest.due_at <= timezone.now()  # given back, due at once
    monkeypatch.setattr(ClerkClient, "log_click", original)
    assert deliver().upserted == 1
    assert len(clerk_api.logged("log/click")) == 3 and not pending(CLICK)


def test_a_call_never_waits_longer_than_a_quarter_of_the_claim(
    clerk_store: Any, settings: Any
) -> None:
    from django_clerk.sync import one_call_each

    settings.CLERK = {**settings.CLERK, "SYNC_LEASE_SECONDS": 4, "SYNC_TIMEOUT": 30}
    seen: list[float] = []
    real = ClerkClient.for_store

    def for_store(store: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["timeout"])
        return real(store, **kwargs)

    track_sale(example_shop().order)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(one_call_each.ClerkClient, "for_store", for_store)
        deliver()
    assert seen == [1.0]


def test_a_sale_recorded_again_after_delivery_is_not_sent_again(
    shop: Any, clerk_api: Any, make_request: Any
) -> None:
    assert track_sale(shop.order, make_request())
    assert deliver().upserted == 1
    (row,) = pending(SALE)
    assert row.state == PendingChange.State.SENT and row.payload is None and not waiting()
    track_sale(shop.order, make_request())  # e.g. the shop's own call after a framework's
    assert deliver().upserted == 0
    assert len(clerk_api.logged("log/sale")) == 1
    assert [r.state for r in pending(SALE)] == [PendingChange.State.SENT]


def test_a_sale_clerk_js_logged_is_not_recorded_again(
    clerk_store: Any, clerk_api: Any, client: Any, settings: Any, make_request: Any
) -> None:
    sales_mode(settings, "both", grace=60)
    order = example_shop().order
    track_sale(order, make_request())
    answer = client.post(sale_url(render_sale(order, make_request())))
    assert answer.json() == {"status": "ok", "dropped": 1}
    track_sale(order, make_request())
    make_due()  # ``retry_now`` makes pending and failed rows due: a sent one stays sent
    assert deliver().upserted == 0 and clerk_api.logged("log/sale") == []
    assert [r.state for r in pending(SALE)] == [PendingChange.State.SENT]


def test_remembered_sales_are_forgotten_after_the_memory_days(
    clerk_store: Any, clerk_api: Any, settings: Any, make_request: Any, monkeypatch: Any
) -> None:
    from django_clerk.sync import events

    monkeypatch.setattr(events, "_tidied", {})
    settings.CLERK = {**settings.CLERK, "TRACKING_SALE_MEMORY_DAYS": 30}
    with_orders = [example_shop().order]
    track_sale(with_orders[0], make_request())
    deliver()  # the process's first delivery of sales also looks for old ones
    old = timezone.now() - timedelta(days=31)
    PendingChange.objects.filter(entity=SALE).update(due_at=old)
    track_sale(with_orders[0], make_request())  # still remembered: nothing recorded

    def another_sale(object_id: str) -> None:
        PendingChange.objects.create(
            store=clerk_store,
            entity=SALE,
            object_id=object_id,
            payload={"order": ["auth.user", "0"]},
        )

    assert not waiting()
    another_sale("x")
    deliver()  # the last look was less than HOUSEKEEPING_SECONDS ago: none now
    assert PendingChange.objects.filter(due_at=old).exists()
    monkeypatch.setattr(events, "HOUSEKEEPING_SECONDS", 0.0)
    another_sale("y")
    deliver()  # time for another look: the old sale is forgotten
    assert not PendingChange.objects.filter(due_at=old).exists()
    track_sale(with_orders[0], make_request())
    assert deliver().upserted == 1 and len(clerk_api.logged("log/sale")) == 2


def test_no_housekeeping_while_paused_and_none_put_off_by_it(
    clerk_store: Any, clerk_api: Any, settings: Any, make_request: Any, monkeypatch: Any
) -> None:
    from django_clerk.sync import events
    from django_clerk.sync.delivery import rehearsal

    monkeypatch.setattr(events, "_tidied", {})
    settings.CLERK = {**settings.CLERK, "TRACKING_SALE_MEMORY_DAYS": 30}
    order = example_shop().order
    track_sale(order, make_request())
    with events.housekeeping_paused():
        deliver()
    old = timezone.now() - timedelta(days=31)
    PendingChange.objects.filter(entity=SALE).update(due_at=old)

    def another_sale(object_id: str) -> None:
        PendingChange.objects.create(
            store=clerk_store, entity=SALE, object_id=object_id,
            payload={"order": ["auth.user", "0"]},
        )  # fmt: skip

    another_sale("x")
    with rehearsal():  # as the tracking validator's rolled-back delivery
        deliver()
    assert PendingChange.objects.filter(due_at=old).exists() and events._tidied == {}
    another_sale("y")
    deliver()  # the first look of the process: not put off by the paused deliveries
    assert not PendingChange.objects.filter(due_at=old).exists()
