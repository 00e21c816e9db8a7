"""System checks of markets and prices: E050-E054."""

from __future__ import annotations

from typing import Any

import pytest

from django_clerk.mapping.currency_checks import check_currencies, check_stored_currencies


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def test_a_configured_shop_passes(make_store: Any) -> None:
    make_store(code="eu", currency="EUR")
    assert check_currencies() == []
    assert check_stored_currencies(databases=["default"]) == []


@pytest.mark.django_db
def test_a_stored_currency_without_a_rate(make_store: Any) -> None:
    make_store(code="no", currency="NOK")
    found = check_stored_currencies(databases=["default"])
    assert set(ids(found)) == {"django_clerk.E050"}
    names = {message.msg.split(": ")[1].split(" ")[0] for message in found}
    # Every price field that would convert; PricesField's own NOK column needs no rate,
    # but its list price (a DKK column) does.
    assert names == {
        "ProductSerializer.prices",
        "ProductSerializer.variants",
        "ProductSerializer.group_prices",
        "ProductSerializer.tiers",
        "OrderSerializer.products",
    }
    assert "store 'no'" in found[0].msg
    assert check_currencies() == []  # the settings' check never reads stored stores
    assert check_stored_currencies() == []  # nor the database's without databases named


def test_a_currency_in_settings_without_a_rate(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "STORES": {"se": {"CURRENCY": "NOK"}}}
    assert "django_clerk.E050" in ids(check_currencies())


def test_a_native_column_needs_no_rate(settings: Any) -> None:
    settings.CLERK = {
        **settings.CLERK,
        "STORES": {"no": {"CURRENCY": "NOK"}},
        "SERIALIZERS": {"products": "tests.markets.test_feeds.NativeNokSerializer"},
    }
    assert check_currencies() == []


def test_no_base_currency(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "BASE_CURRENCY": "", "STORES": {"eu": {"CURRENCY": "EUR"}}}
    assert ids(check_currencies()) == ["django_clerk.E051"]


@pytest.mark.parametrize("code", ["eur", "EURO", "E1R"])
def test_bad_codes(settings: Any, code: str) -> None:
    settings.CLERK = {**settings.CLERK, "STORES": {"eu": {"CURRENCY": code}}}
    assert ids(check_currencies()) == ["django_clerk.E052"]
    settings.CLERK = {**settings.CLERK, "STORES": {}, "BASE_CURRENCY": code}
    assert ids(check_currencies()) == ["django_clerk.E052"]


@pytest.mark.parametrize(
    "rates", [["EUR"], "tests.markets.nowhere.rates", {"EUR": "x"}, {"EUR": 0}, {"EUR": -1}]
)
def test_unreadable_rates(settings: Any, rates: Any) -> None:
    settings.CLERK = {**settings.CLERK, "CURRENCY_RATES": rates}
    assert ids(check_currencies()) == ["django_clerk.E053"]


def test_rates_from_a_callable(settings: Any) -> None:
    settings.CLERK = {
        **settings.CLERK,
        "CURRENCY_RATES": "tests.markets.clerk.counted_rates",
        "STORES": {"eu": {"CURRENCY": "EUR"}},
    }
    assert check_currencies() == []


@pytest.mark.parametrize("name", ["CUSTOMER_GROUP", "INDIVIDUAL_PRICES"])
def test_hooks_must_be_callables(settings: Any, name: str) -> None:
    settings.CLERK = {**settings.CLERK, name: "tests.markets.nowhere.hook"}
    assert ids(check_currencies()) == ["django_clerk.E054"]
    settings.CLERK = {**settings.CLERK, name: "tests.markets.clerk.RATES"}
    assert ids(check_currencies()) == ["django_clerk.E054"]
    settings.CLERK = {**settings.CLERK, name: "tests.markets.hooks.customer_group"}
    assert check_currencies() == []


def test_store_keys_may_hold_a_currency(settings: Any) -> None:
    from django_clerk.checks import _check_stores

    assert _check_stores({"eu": {"PUBLIC_KEY": "p", "CURRENCY": "EUR"}}) == []
    assert _check_stores({"eu": {"CURRENCY": "EUR", "RATE": 1}})[0].id == "django_clerk.E010"
