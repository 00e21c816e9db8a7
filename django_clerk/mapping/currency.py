"""Currencies of the stores: ISO 4217 minor units, the shop's exchange rates, and the
:class:`Money` a price field converts and rounds its amounts with.

A store sends its prices in its currency (:meth:`Store.get_currency
<django_clerk.models.Store.get_currency>`). A price field reads them from the shop's own
column for that currency when it declares one (``PricesField(price={"DKK": "price_dkk",
"EUR": "price_eur"})``), else converts the base-currency amount (``CLERK["BASE_CURRENCY"]``)
with the rate of ``CLERK["CURRENCY_RATES"]``. Either way the amount is rounded to the
currency's minor units (JPY 0, DKK 2, KWD 3). The rates are read once per render (one feed
page, one push batch), never per object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django_clerk.conf import clerk_settings, named_callable

#: ISO 4217 exponents that are not 2 (every other currency has 2 minor units).
EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}
#: ``Decimal("0.01")`` for 2 places, and so on.
EXPONENTS_OF = {places: Decimal(1).scaleb(-places) for places in range(5)}
#: The key under which a render's :class:`Money` is kept in the serializer's context.
CONTEXT_KEY = "_clerk_money"


def minor_units(code: str) -> int:
    """The number of decimal places of ``code`` (2 when unknown or empty)."""
    return EXPONENTS.get(code.upper(), 2) if code else 2


def is_currency_code(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 3 and value.isalpha() and value.isupper()


def read_rates(setting: Any = None) -> dict[str, Decimal]:
    """``CLERK["CURRENCY_RATES"]`` (or ``setting``): a dict of ISO code to the amount of that
    currency one unit of the base currency buys, or the dotted path of a callable returning
    one (called each time: read it once per page). Codes are upper-cased; the base currency
    is ``1`` whether listed or not."""
    value = clerk_settings.CURRENCY_RATES if setting is None else setting
    if isinstance(value, str):
        value = named_callable(value) or {}
    if callable(value):
        value = value()
    if not isinstance(value, Mapping):
        raise TypeError(f"CLERK['CURRENCY_RATES'] must give a dict, not {type(value).__name__}")
    rates = {str(code).upper(): as_decimal(rate) for code, rate in value.items()}
    base = clerk_settings.BASE_CURRENCY
    if base:
        rates[str(base).upper()] = Decimal(1)
    for code, rate in rates.items():
        if not rate > 0:
            raise ValueError(f"CLERK['CURRENCY_RATES'][{code!r}] must be positive, not {rate}")
    return rates


def as_decimal(value: Any) -> Decimal:
    """``value`` as an exact Decimal (a float by its shortest text: ``0.1`` is ``0.1``)."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(repr(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"not an amount: {value!r}") from None


class MissingRate(ValueError):
    """A price must be converted to a currency the rates do not hold (system check E050)."""


@dataclass(frozen=True)
class Money:
    """How one render's amounts become the store's: its ``code``, the shop's ``base``
    currency, ``rates`` (``None``: never read, nothing to convert) and ``places``."""

    code: str = ""
    base: str = ""
    rates: Mapping[str, Decimal] | None = None
    places: int = 2
    #: Conversion factors by source currency, worked out once per render.
    _factors: dict[tuple[str, int], Decimal] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def converts(self) -> bool:
        """Whether base-currency amounts are converted (the store's currency is another)."""
        return bool(self.code and self.base and self.code != self.base)

    def rate(self, code: str) -> Decimal:
        if code == self.base or not code:
            return Decimal(1)
        found = (self.rates or {}).get(code)
        if found is None:
            raise MissingRate(f"no rate for {code} in CLERK['CURRENCY_RATES']")
        return found

    def round(self, value: float) -> float:
        return round(value, self.places)

    def amount(self, raw: Any, minor: int = 1, currency: str | None = None) -> float:
        """A stored amount (``minor=100``: integer cents) in the store's currency, rounded to
        its minor units. ``raw`` is in the base currency, or in ``currency`` when given (an
        order's own currency); a dict ``{code: amount}`` gives the store's own amount as it
        is, else the base currency's converted."""
        if raw.__class__ is dict:
            own = raw.get(self.code) if self.code else None
            if own is not None:
                return self._exact(own, minor, Decimal(1))
            raw = raw.get(self.base) if self.base else None
            if raw is None:
                raise MissingRate(f"no {self.code or 'base'} price and no {self.base} price")
            currency = self.base
        source = currency.upper() if currency else self.base
        target = self.code or self.base
        if source == target or not source or not target:
            if minor == 1:
                return round(float(raw), self.places)
            if raw.__class__ is int:  # int / int is the nearest float to the exact quotient
                return round(raw / minor, self.places)
            return round(float(Decimal(raw) / minor), self.places)
        key = (source, minor)
        factor = self._factors.get(key)
        if factor is None:  # the minor units folded in: one multiplication per amount
            factor = self._factors[key] = self.rate(target) / self.rate(source) / minor
        return self._exact(raw, 1, factor)

    def _exact(self, raw: Any, minor: int, factor: Decimal) -> float:
        value = (Decimal(raw) if raw.__class__ is int else as_decimal(raw)) * factor
        if minor != 1:
            value /= minor
        return float(value.quantize(EXPONENTS_OF[self.places], rounding=ROUND_HALF_UP))


#: What a render without a store (or a store without a currency) uses: 2 places, no rates.
PLAIN_MONEY = Money()


def money_for(store: Any, rates: Mapping[str, Decimal] | None = None) -> Money:
    """The :class:`Money` of ``store``; the rates are read when there are some."""
    code = store.get_currency() if store is not None and hasattr(store, "get_currency") else ""
    base = str(clerk_settings.BASE_CURRENCY or "").upper()
    if not code and not base:
        return PLAIN_MONEY
    if rates is None and base and clerk_settings.CURRENCY_RATES:
        rates = read_rates()
    return Money(code, base, rates, minor_units(code or base))


def field_money(field: Any) -> Money:
    """The :class:`Money` of a bound field's render, built on first use and shared by the
    fields of its serializer (kept in the serializer's context): the rates are read once.
    A bound field serves one render: it keeps it too."""
    found = field.__dict__.get(CONTEXT_KEY)
    if found is None:
        context: dict[str, Any] = field.context
        found = context.get(CONTEXT_KEY)
        if found is None:
            found = context[CONTEXT_KEY] = money_for(context.get("store"))
        field.__dict__[CONTEXT_KEY] = found
    assert isinstance(found, Money)
    return found
