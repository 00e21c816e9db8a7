"""What Clerk.js is told about prices: the store's currency, the visitor's customer group,
the currency formatters' rate, and the individual-prices script for customers only."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.template import engines
from django.test import RequestFactory

from django_clerk.storefront.context import Storefront

pytestmark = pytest.mark.django_db


def request_for(user: Any = None, host: str = "shop.example.com") -> Any:
    request = RequestFactory().get("/", HTTP_HOST=host)
    request.user = user or AnonymousUser()
    return request


def render(source: str, request: Any) -> str:
    template = engines["django"].from_string("{% load clerk clerk_prices %}" + source)
    return template.render({}, request)


def test_the_config_carries_the_stores_currency_and_group(stores: Any, settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "CUSTOMER_GROUP": "tests.markets.hooks.customer_group"}
    stores["eu"].base_url = "https://shop.example.eu/"
    stores["eu"].save()
    config = Storefront(request_for(host="shop.example.eu")).config()
    assert config["globals"]["currency_iso"] == "EUR"
    assert "price_context" not in config and "customer_group_id" not in config["globals"]
    user = User.objects.create_user("tina")
    user.groups.add(Group.objects.create(name="Trade EU"))
    config = Storefront(request_for(user)).config()
    assert config["globals"]["currency_iso"] == "DKK"  # the default store: the base currency
    assert config["price_context"] == {"qualifiers": {"customer_group_id": "trade_eu"}}
    assert config["globals"]["customer_group_id"] == "trade_eu"


def test_the_storefront_settings_currency_wins(stores: Any) -> None:
    from django_clerk.models import StorefrontSettings

    StorefrontSettings.objects.create(store=stores["default"], currency_iso="SEK")
    assert Storefront(request_for()).config()["globals"]["currency_iso"] == "SEK"


def test_currency_formatters(stores: Any) -> None:
    html = render('{% clerk_currency_formatters "EUR" %}', request_for())
    rates = json.loads(re.search(r"var r=(\{.*?\}),f=", html).group(1))  # type: ignore[union-attr]
    assert rates == {"from": "DKK", "to": "EUR", "factor": 0.134, "places": 2}
    assert "convert_currency" in html and "format_currency" in html
    assert render('{% clerk_currency_formatters "NOK" %}', request_for()).strip() == ""


def test_formatters_between_two_foreign_currencies(stores: Any) -> None:
    stores["jp"].base_url = "https://shop.example.jp/"
    stores["jp"].save()
    html = render('{% clerk_currency_formatters "KWD" %}', request_for(host="shop.example.jp"))
    rates = json.loads(re.search(r"var r=(\{.*?\}),f=", html).group(1))  # type: ignore[union-attr]
    assert rates["from"] == "JPY" and rates["places"] == 3
    assert rates["factor"] == pytest.approx(0.0412 / 21.37)


def test_the_individual_prices_script_is_for_customers(stores: Any, settings: Any) -> None:
    settings.CLERK = {
        **settings.CLERK,
        "INDIVIDUAL_PRICES": "tests.markets.hooks.individual_prices",
    }
    assert render("{% clerk_individual_prices %}", request_for()).strip() == ""
    user = User.objects.create_user("bo")
    html = render("{% clerk_individual_prices %}", request_for(user))
    assert 'var url="/clerk/prices/",places=2,limit=100;' in html
    assert 'Clerk("on","rendered"' in html
    settings.CLERK = {**settings.CLERK, "INDIVIDUAL_PRICES": ""}
    assert render("{% clerk_individual_prices %}", request_for(user)).strip() == ""


def test_nothing_without_a_public_key(make_store: Any, settings: Any) -> None:
    settings.CLERK = {
        **settings.CLERK,
        "INDIVIDUAL_PRICES": "tests.markets.hooks.individual_prices",
    }
    make_store(code="default", public_key="")
    user = User.objects.create_user("bo")
    assert render("{% clerk_individual_prices %}", request_for(user)).strip() == ""
    assert render('{% clerk_currency_formatters "EUR" %}', request_for(user)).strip() == ""


@pytest.mark.parametrize("hook", ["tests.markets.hooks.no_such_hook", "tests.nowhere.hook"])
def test_a_broken_customer_group_hook_never_breaks_a_page(
    stores: Any, settings: Any, hook: str
) -> None:
    settings.CLERK = {**settings.CLERK, "CUSTOMER_GROUP": hook}
    config = Storefront(request_for(User.objects.create_user("una"))).config()
    assert "price_context" not in config and config["key"]


def test_a_customer_group_hook_that_raises_shows_the_public_prices(
    stores: Any, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "CUSTOMER_GROUP": "tests.markets.hooks.junk_prices"}
    config = Storefront(request_for(User.objects.create_user("vic"))).config()  # a TypeError
    assert "price_context" not in config and config["key"]
