"""The validator on the example shop with the test client: its journey passes; seeded
tracking bugs are named."""

from __future__ import annotations

from typing import Any

import pytest
from shop.models import Order

from django_clerk.models import PendingChange
from django_clerk.models.sync import SALE
from django_clerk.testing import DEFAULT_CONTENT_IDS
from django_clerk.testing.validator import Journey, load_journey, validate_tracking
from django_clerk.tracking.modes import BOTH, tracking_mode
from tests.validator.seeded import (
    TEMPLATES_DIR,
    UNCONFIRMED_DIR,
    UNKNOWN_PRODUCT,
    with_templates,
)

pytestmark = pytest.mark.django_db
STEPS = ["product", "category", "search", "add to cart", "cart", "checkout"]


def test_the_example_shop_passes(client: Any, clerk_api: Any, example_shop: Any) -> None:
    report = validate_tracking(None, client, fake=clerk_api)
    report.assert_ok()
    assert report.mode == "test client"
    assert [page.step for page in report.pages] == STEPS
    order = Order.objects.get()
    assert [page.url for page in report.pages][-1] == f"/order/{order.pk}/"
    assert all(page.status == 200 for page in report.pages)
    assert all(page.clerk_elements >= 3 for page in report.pages[:-1])
    assert report.pages[-1].clerk_elements >= 2  # and the sale: a Clerk("call", ...) script
    assert "No tracking problems found." in report.text()


def test_the_rolled_back_delivery_after_the_journey_sends_no_signal(
    client: Any, clerk_api: Any, example_shop: Any, settings: Any
) -> None:
    from django_clerk.signals import changes_delivered, delivery_failed
    from django_clerk.sync.delivery import deliver_due

    heard: list[str] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs["entity"])

    changes_delivered.connect(receiver, weak=False)
    delivery_failed.connect(receiver, weak=False)
    try:
        settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "server"}}
        report = validate_tracking(None, client, fake=clerk_api)
        assert clerk_api.received("products")  # the outbox was delivered to the fake...
        assert heard == []  # ...and rolled back: no receiver heard of it
        deliver_due()  # the shop's own delivery, of the changes the journey left pending
        assert "products" in heard  # is announced
    finally:
        changes_delivered.disconnect(receiver)
        delivery_failed.disconnect(receiver)
    assert report.pages


def test_the_page_logged_the_sale_and_the_server_dropped_its_copy(
    client: Any, clerk_api: Any, example_shop: Any
) -> None:
    """Sales from the browser and the server (the default): the page's ``log/sale`` call
    succeeds, as a browser's Clerk.js does, and its beacon drops the server's waiting copy;
    what the outbox holds at the end is delivered, waiting or not, and holds no sale."""
    assert tracking_mode("sales") == BOTH
    report = validate_tracking(None, client, fake=clerk_api)
    report.assert_ok()
    order = Order.objects.get()
    assert not PendingChange.objects.filter(
        entity=SALE, object_id=str(order.pk), state=PendingChange.State.PENDING
    ).exists()
    assert clerk_api.logged("log/sale") == []


def test_a_sale_call_without_its_beacon_is_logged_twice(
    client: Any, clerk_api: Any, example_shop: Any, settings: Any
) -> None:
    """The page's call never tells the server: its copy, waiting, is sent as well."""
    with_templates(settings, UNCONFIRMED_DIR)
    report = validate_tracking(None, client, fake=clerk_api)
    order = Order.objects.get()
    (problem,) = report.problems
    assert problem.code == "event-fired-twice"
    page = f"checkout (/order/{order.pk}/)"
    assert problem.element == (
        f"browser (the page's tag) on {page}; server on after the journey ((the outbox delivered))"
    )
    assert [sale["sale"] for sale in clerk_api.logged("log/sale")] == [order.pk]
    assert PendingChange.objects.filter(
        entity=SALE, object_id=str(order.pk), state=PendingChange.State.PENDING
    ).exists()


def test_seeded_bugs_are_named(
    client: Any, clerk_api: Any, example_shop: Any, settings: Any
) -> None:
    with_templates(settings, TEMPLATES_DIR)
    report = validate_tracking(None, client, fake=clerk_api)
    order = Order.objects.get()
    assert report.codes == ["product-id-unknown", "event-fired-twice"]
    unknown, twice = report.problems
    assert unknown.page == "product (/product/cup-1/)"
    assert f"product id {UNKNOWN_PRODUCT} is not in the store's product feed" == unknown.message
    assert 'data-template="@product-page-alternatives"' in unknown.element
    assert twice.message == f"the sale {order.pk} is logged 2 times"
    assert twice.page == f"checkout (/order/{order.pk}/)"
    with pytest.raises(AssertionError, match="2 tracking problem"):
        report.assert_ok()


def test_a_sale_logged_by_the_server_too(
    client: Any, clerk_api: Any, example_shop: Any, settings: Any
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.validator.seeded.ServerSaleMiddleware"]
    report = validate_tracking(None, client, fake=clerk_api)
    order = Order.objects.get()
    (problem,) = report.problems
    assert problem.code == "event-fired-twice"
    page = f"checkout (/order/{order.pk}/)"
    assert problem.element == f"browser (the page's tag) on {page}; server on {page}"
    assert clerk_api.logged("log/sale")[0]["sale"] == order.pk  # the server's call was seen


def test_contents_the_account_lacks(client: Any, clerk_api: Any, example_shop: Any) -> None:
    steps = load_journey().steps[:1]
    contents = [c for c in DEFAULT_CONTENT_IDS if c != "product-page-others-also-bought"]
    report = validate_tracking(Journey(steps, contents=contents), client, fake=clerk_api)
    (problem,) = report.problems
    assert problem.code == "content-id-unknown"
    assert "'product-page-others-also-bought'" in problem.message
    assert clerk_api.content_ids == contents


def test_its_own_fake_stands_in_for_clerk(client: Any, example_shop: Any, settings: Any) -> None:
    """Without a fake given, the validator starts one and points the API at it for the run:
    the server's own log/sale reaches it (the test settings' API_URL has nothing listening,
    where the call would fail the page)."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.validator.seeded.ServerSaleMiddleware"]
    before = settings.CLERK["API_URL"]
    report = validate_tracking(None, client)
    assert report.codes == ["event-fired-twice"]
    assert "; server on checkout" in report.problems[0].element
    assert settings.CLERK["API_URL"] == before
