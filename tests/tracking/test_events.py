"""Baskets, product views and returns from the server, with int, str and UUID ids."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from django_clerk.client.visitor import SESSION_KEY
from django_clerk.models import PendingChange
from django_clerk.models.sync import BASKET, PRODUCT_VIEW, RETURN
from django_clerk.tracking import track_basket, track_product_view, track_return
from tests.shops import example_shop
from tests.tracking.conftest import deliver, make_due, pending

pytestmark = pytest.mark.django_db


def test_a_customers_latest_basket_reaches_clerk_with_the_email(
    shop: Any, clerk_api: Any, make_request: Any, ann: Any
) -> None:
    request = make_request(ann)
    assert track_basket(request, [shop.product])
    assert track_basket(request, [shop.product, shop.other_product.pk])  # the latest wins
    (row,) = pending(BASKET)
    assert row.object_id == f"user:{ann.pk}"
    assert clerk_api.logged("log/basket/set") == []
    assert deliver().upserted == 1
    (basket,) = clerk_api.logged("log/basket/set")
    assert basket["products"] == [shop.clerk_id(shop.product), shop.clerk_id(shop.other_product)]
    assert basket["email"] == "ann@example.com" and len(basket["visitor"]) == 32


def test_no_email_for_a_store_that_does_not_collect_them(
    clerk_store: Any, clerk_api: Any, make_request: Any, ann: Any
) -> None:
    clerk_store.collect_emails = False
    clerk_store.save()
    track_basket(make_request(ann), [7, 8])
    deliver()
    (basket,) = clerk_api.logged("log/basket/set")
    assert basket["products"] == [7, 8] and "email" not in basket


def test_anonymous_baskets_need_consent(
    clerk_store: Any, clerk_api: Any, make_request: Any, settings: Any
) -> None:
    anonymous = make_request()
    assert track_basket(anonymous, [1]) is False  # no visitor id that lasts: nothing
    assert dict(anonymous.session) == {}
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": True}
    consented = make_request()
    assert track_basket(consented, [1, 2])
    visitor = consented.session[SESSION_KEY]
    assert [r.object_id for r in pending(BASKET)] == [f"visitor:{visitor}"]
    deliver()
    (basket,) = clerk_api.logged("log/basket/set")
    assert basket == {"products": [1, 2], "visitor": visitor}


def test_browser_baskets_record_nothing_and_server_baskets_hide_the_cart_call(
    clerk_store: Any, make_request: Any, ann: Any, settings: Any
) -> None:
    from django.template import Context, Template

    cart = Template("{% load clerk %}{% clerk_cart ids %}")
    settings.CLERK = {**settings.CLERK, "TRACKING": {"baskets": "browser"}}
    assert track_basket(make_request(ann), [1]) is False and not PendingChange.objects.exists()
    assert 'Clerk("cart", "set", [1])' in cart.render(Context({"ids": [1]}))
    settings.CLERK = {**settings.CLERK, "TRACKING": {"baskets": "server"}}
    assert cart.render(Context({"ids": [1]})) == ""


def test_product_views_are_sent_each_with_the_visitor(
    shop: Any, clerk_api: Any, make_request: Any, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": True}
    request = make_request()
    assert track_product_view(request, shop.product)
    assert track_product_view(request, shop.other_product.pk)
    assert len(pending(PRODUCT_VIEW)) == 2  # each view counts
    deliver()
    views = clerk_api.logged("log/product")
    visitor = request.session[SESSION_KEY]
    assert views == [
        {"product": shop.clerk_id(shop.product), "visitor": visitor},
        {"product": shop.clerk_id(shop.other_product), "visitor": visitor},
    ]


def test_product_views_stay_in_the_browser_by_default(
    clerk_store: Any, make_request: Any, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {}}
    assert track_product_view(make_request(), 1) is False
    assert not PendingChange.objects.exists()


def test_clerk_down_loses_no_basket_or_view(
    clerk_store: Any, clerk_api: Any, make_request: Any, ann: Any
) -> None:
    request = make_request(ann)
    track_basket(request, [1])
    track_product_view(request, "sku-1")
    clerk_api.fail_next(10, 503)
    report = deliver()
    assert report.upserted == 0 and report.retrying == 2
    clerk_api.clear_faults()  # Clerk is back
    make_due()
    assert deliver().upserted == 2
    assert clerk_api.logged("log/basket/set")[0]["products"] == [1]
    assert clerk_api.logged("log/product")[0]["product"] == "sku-1"


def test_no_store_key_no_event(make_store: Any, make_request: Any, ann: Any) -> None:
    make_store(code="default", public_key="")
    assert track_basket(make_request(ann), [1]) is False
    assert not PendingChange.objects.exists()


@pytest.fixture
def refunds(settings: Any) -> None:
    """The example shop's order lines stand for a refund model: order, product, quantity."""
    settings.CLERK = {
        **settings.CLERK,
        "RETURN_MODELS": {"shop.OrderLine": {"order": "order", "product": "product"}},
    }


@pytest.mark.usefixtures("refunds")
def test_a_new_return_row_is_sent_once_as_log_returned(clerk_store: Any, clerk_api: Any) -> None:
    from shop.models import OrderLine

    shop = example_shop()
    line = OrderLine.objects.create(
        order=shop.order, product=shop.other_product, quantity=1, unit_price=Decimal("8")
    )
    line.quantity = 2
    line.save()  # saved again: no second event
    first = shop.order.lines.exclude(pk=line.pk).get()  # example_shop() made one too
    rows = [row.object_id for row in pending(RETURN)]
    assert rows == [f"shop.orderline:{first.pk}", f"shop.orderline:{line.pk}"]
    deliver()
    # A GET: its query string carries the values as text.
    assert clerk_api.logged("log/returned")[1] == {
        "order": str(shop.order.pk),
        "product": str(shop.other_product.pk),
        "quantity": "1",
    }


def test_returns_with_str_and_uuid_ids(clerk_store: Any, clerk_api: Any) -> None:
    order_id = "7f1c0e52-3b9d-4a43-9a4e-0c4f5d2b8e11"
    track_return(order_id, "sku-9", 3, key="r1")
    deliver()
    assert clerk_api.logged("log/returned") == [
        {"order": order_id, "product": "sku-9", "quantity": "3"}
    ]


def test_returns_off_record_nothing(clerk_store: Any, settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {"returns": "off"}}
    assert track_return(1, 2, 1, key="r1") is False
    assert not PendingChange.objects.exists()


def test_an_unreadable_event_is_kept_failed(clerk_store: Any, clerk_api: Any) -> None:
    PendingChange.objects.create(
        store=clerk_store, entity=PRODUCT_VIEW, object_id="x", payload={"visitor": "v"}
    )
    report = deliver()
    (row,) = PendingChange.objects.all()
    assert report.failed == 1 and row.state == PendingChange.State.FAILED
    assert "Unreadable view event" in row.last_error and clerk_api.logged("log/product") == []


@pytest.mark.usefixtures("refunds")
def test_loaded_return_rows_are_not_returns(clerk_store: Any) -> None:
    from shop.models import OrderLine

    shop = example_shop()
    PendingChange.objects.filter(entity=RETURN).delete()
    line = OrderLine(
        order=shop.order, product=shop.other_product, quantity=1, unit_price=Decimal("8")
    )
    line.save_base(raw=True)  # as ``loaddata`` saves
    assert OrderLine.objects.filter(pk=line.pk).exists()
    assert pending(RETURN) == []


def test_a_return_that_cannot_be_recorded_never_breaks_the_shops_save(
    clerk_store: Any, settings: Any, caplog: Any
) -> None:
    from django.db import transaction
    from shop.models import Order, OrderLine

    shop = example_shop()
    settings.CLERK = {  # the quantity names the order: no number
        **settings.CLERK,
        "RETURN_MODELS": {"shop.OrderLine": {"quantity": "order"}},
    }
    with transaction.atomic():
        line = OrderLine.objects.create(
            order=shop.order, product=shop.other_product, quantity=1, unit_price=Decimal("8")
        )
        assert Order.objects.filter(pk=shop.order.pk).exists()  # the transaction goes on
    assert OrderLine.objects.filter(pk=line.pk).exists() and pending(RETURN) == []
    assert "could not be recorded" in caplog.text


def test_ids_given_as_uuids_are_named_alike_in_events_and_in_parameters(
    clerk_store: Any, make_request: Any
) -> None:
    import uuid

    from django_clerk.mapping.registry import parameter_clerk_ids

    key = uuid.UUID("7f1c0e52-3b9d-4a43-9a4e-0c4f5d2b8e11")
    assert track_product_view(make_request(), key)
    (row,) = pending(PRODUCT_VIEW)
    assert row.payload["product"] == str(key)
    assert parameter_clerk_ids({"products": [key], "product": key}) == {
        "products": [str(key)],
        "product": str(key),
    }
