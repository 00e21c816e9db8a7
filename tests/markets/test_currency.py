"""Money: ISO 4217 minor units, rates from a dict or a callable, conversion and rounding."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from django_clerk.mapping.currency import (
    PLAIN_MONEY,
    MissingRate,
    Money,
    as_decimal,
    minor_units,
    read_rates,
)


def test_minor_units() -> None:
    assert [minor_units(c) for c in ("JPY", "DKK", "EUR", "KWD", "CLF", "", "jpy")] == [
        0, 2, 2, 3, 4, 2, 0,
    ]  # fmt: skip


def test_rates(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "BASE_CURRENCY": "DKK", "CURRENCY_RATES": {"eur": 0.134}}
    assert read_rates() == {"EUR": Decimal("0.134"), "DKK": Decimal(1)}
    assert read_rates("tests.markets.clerk.counted_rates")["JPY"] == Decimal("21.37")
    with pytest.raises(ValueError):
        read_rates({"EUR": "0"})
    with pytest.raises(TypeError):
        read_rates(lambda: ["EUR"])


def test_conversion_and_rounding() -> None:
    rates = {"DKK": Decimal(1), "EUR": Decimal("0.134"), "JPY": Decimal("21.37")}
    euro = Money("EUR", "DKK", rates, 2)
    assert euro.amount(Decimal("100.00")) == 13.4
    assert euro.amount(12345, 100) == 16.54  # 16.5423
    assert euro.amount(Decimal("0.5")) == 0.07  # 0.067: half up
    assert euro.amount(1999, 100, "EUR") == 19.99  # already in euros
    assert euro.amount({"EUR": 1500, "DKK": 11000}, 100) == 15.0  # its own price
    assert euro.amount({"EUR": None, "DKK": 11000}, 100) == 14.74  # 110 * 0.134
    yen = Money("JPY", "DKK", rates, 0)
    assert yen.amount(Decimal("99.95")) == 2136.0  # 2135.9315
    assert yen.amount(1999, 100, "EUR") == 3188.0
    with pytest.raises(MissingRate):
        Money("NOK", "DKK", rates, 2).amount(100)
    assert PLAIN_MONEY.amount(Decimal("19.999")) == 20.0
    assert PLAIN_MONEY.amount(1999, 100) == 19.99


def test_as_decimal() -> None:
    assert as_decimal(0.1) == Decimal("0.1") and as_decimal("2") == Decimal(2)
    with pytest.raises(ValueError):
        as_decimal("x")
