"""Customer prices in headless Chromium: an anonymous visitor, a visitor of a customer group
and a customer with a negotiated price each see their own price in a rendered placement
(Clerk.js replaced by a stub that renders it as a design would and fires ``rendered``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from django_clerk.mapping import get_serializer
from django_clerk.sync import sync_paused
from tests.markets import hooks
from tests.markets.conftest import make_priced_catalogue
from tests.marketshop.models import NegotiatedPrice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STUB = Path(__file__).parent / "static"


@pytest.fixture
def shop(settings: Any, make_store: Any) -> dict[str, Any]:
    cache.clear()
    settings.STATICFILES_DIRS = [*getattr(settings, "STATICFILES_DIRS", []), str(STUB)]
    settings.CLERK = {
        **settings.CLERK,
        "CLERK_JS_URL": "/static/clerk-markets-stub.js",
        "REALTIME_SYNC": False,
        "CUSTOMER_GROUP": "tests.markets.hooks.customer_group",
        "INDIVIDUAL_PRICES": "tests.markets.hooks.individual_prices",
    }
    store = make_store(code="default", base_url="")
    with sync_paused():
        catalogue = make_priced_catalogue(3)
    trade = User.objects.create_user("tina", "tina@example.com", "pw")
    trade.groups.add(Group.objects.create(name="trade"))
    negotiated = User.objects.create_user("bo", "bo@example.com", "pw")
    product = catalogue.products[0]
    NegotiatedPrice.objects.create(user=negotiated, product=product, price_cents=7000)
    hooks.calls.clear()
    return {"store": store, "product": product, "trade": trade, "negotiated": negotiated}


def visit(browser: Any, live_server: Any, user: User | None) -> Any:
    """A page of the placement in a fresh context (only the live server is reachable),
    logged in as ``user``; the page once the stub has rendered."""
    context = browser.new_context(locale="en-US")
    host = urlparse(live_server.url).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlparse(route.request.url).netloc == host else route.abort()
        ),
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/placement/")
    page.wait_for_function("window.__clerk_rendered === true")
    return page


def test_each_visitor_sees_their_own_price(
    browser: Any,
    live_server: Any,
    shop: dict[str, Any],
) -> None:
    product = shop["product"]
    feed = get_serializer("products").serialize([product], shop["store"])[0]  # type: ignore[union-attr]
    price = f'[data-clerk-price="{product.pk}"]'

    anonymous = visit(browser, live_server, None)
    assert anonymous.inner_text(price) == f"{feed['price']:.2f}" == "89.95"
    config = next(c for c in anonymous.evaluate("window.__clerk_calls") if c[0] == "config")[1]
    assert "price_context" not in config and config["globals"]["currency_iso"] == "DKK"
    anonymous.context.close()

    trade = visit(browser, live_server, shop["trade"])
    assert trade.inner_text(price) == f"{feed['customer_group_price_trade']:.2f}" == "80.00"
    config = next(c for c in trade.evaluate("window.__clerk_calls") if c[0] == "config")[1]
    assert config["price_context"] == {"qualifiers": {"customer_group_id": "trade"}}
    assert config["globals"]["customer_group_id"] == "trade"
    trade.wait_for_timeout(300)  # the fetch it makes finds no negotiated price: unchanged
    assert trade.inner_text(price) == "80.00"
    trade.context.close()

    negotiated = visit(browser, live_server, shop["negotiated"])
    negotiated.wait_for_selector(f"{price}[data-clerk-price-filled]")
    assert negotiated.inner_text(price) == "70.00"
    assert negotiated.get_attribute(price, "data-clerk-price-filled") == "DKK"
    shown = negotiated.locator("[data-clerk-price]").count()
    others = negotiated.locator("[data-clerk-price]:not([data-clerk-price-filled])")
    assert shown > 1 and others.count() == shown - 1  # the others keep the design's price
    negotiated.context.close()
    assert [user for user, _ in hooks.calls] == [shop["trade"].pk, shop["negotiated"].pk]
