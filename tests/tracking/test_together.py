"""``events_together()``: the events of a block written in one statement when it ends."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from django_clerk.models.sync import BASKET, SALE
from django_clerk.tracking import events_together, track_basket, track_sale
from tests.tracking.conftest import deliver, pending, waiting

pytestmark = pytest.mark.django_db


def outbox_writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "pendingchange" in q["sql"].lower()]


def test_a_checkouts_sale_and_emptied_basket_are_one_write(
    shop: Any, clerk_api: Any, make_request: Any, ann: Any
) -> None:
    request = make_request(ann)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with events_together():
            assert track_sale(shop.order, request)
            assert track_basket(request, [])
            assert waiting() == []  # nothing is written before the block ends
        written = outbox_writes(queries)
    assert len(written) == 2 and written[0].startswith("SELECT")  # the look inside the block
    assert written[1].startswith("INSERT") and written[1].count("ON CONFLICT") == 1
    (sale,), (basket,) = pending(SALE), pending(BASKET)
    assert sale.object_id == str(shop.clerk_id(shop.order)) and basket.object_id == f"user:{ann.pk}"
    assert deliver().upserted == 2
    (logged,) = clerk_api.logged("log/sale")
    assert str(logged["sale"]) == str(shop.clerk_id(shop.order))
    assert clerk_api.logged("log/basket/set")[0]["products"] == []


def test_the_latest_event_under_one_id_wins_inside_a_block(
    clerk_store: Any, clerk_api: Any, make_request: Any, ann: Any
) -> None:
    request = make_request(ann)
    with events_together():
        track_basket(request, [1, 2])
        track_basket(request, [3])
    (row,) = pending(BASKET)
    assert row.payload["products"] == [3]
    deliver()
    (basket,) = clerk_api.logged("log/basket/set")
    assert basket["products"] == [3]


def test_a_block_left_by_an_exception_records_nothing(
    clerk_store: Any, make_request: Any, ann: Any
) -> None:
    request = make_request(ann)
    with pytest.raises(ZeroDivisionError), events_together():
        track_basket(request, [1])
        1 / 0  # noqa: B018  # the checkout failed after the event
    assert waiting() == []
    track_basket(request, [2])  # outside a block: written at once
    assert [row.payload["products"] for row in pending(BASKET)] == [[2]]


def test_nested_blocks_are_written_by_the_outermost(shop: Any, make_request: Any, ann: Any) -> None:
    request = make_request(ann)
    with events_together():
        with events_together():
            track_sale(shop.order, request)
        assert waiting() == []  # the inner block ended: still held
        track_basket(request, [])
    assert {row.entity for row in waiting()} == {SALE, BASKET}


def test_a_rolled_back_transaction_keeps_none_of_the_blocks_events(
    shop: Any, make_request: Any, ann: Any
) -> None:
    request = make_request(ann)
    with pytest.raises(RuntimeError), transaction.atomic():
        with events_together():
            track_sale(shop.order, request)
            track_basket(request, [])
        raise RuntimeError("payment refused")
    assert waiting() == []
