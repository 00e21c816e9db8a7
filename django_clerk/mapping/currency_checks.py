"""System checks of markets and prices (ids ``django_clerk.E050``-``E059``/``W050``-``W059``).

========================  ==============================================================
``django_clerk.E050``     a store's currency has no rate in ``CLERK["CURRENCY_RATES"]`` and
                          a price field has no attribute of its own for it
``django_clerk.E051``     a store has a currency but ``CLERK["BASE_CURRENCY"]`` is not set
``django_clerk.E052``     a currency is not a 3-letter upper-case ISO 4217 code
``django_clerk.E053``     ``CLERK["CURRENCY_RATES"]`` cannot be read (not a dict, a path
                          that does not import, a rate that is not a positive number)
``django_clerk.E054``     ``CLERK["CUSTOMER_GROUP"]`` or ``CLERK["INDIVIDUAL_PRICES"]`` is
                          not the dotted path of a callable
========================  ==============================================================

Stores kept in the database are checked when the check runs with databases (``migrate``,
``check --database default``); currencies set in ``CLERK["STORES"]`` always are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from django_clerk import ENTITIES
from django_clerk.conf import clerk_settings, named_callable
from django_clerk.mapping.currency import is_currency_code, read_rates
from django_clerk.mapping.registry import get_serializers

HOOKS = ("CUSTOMER_GROUP", "INDIVIDUAL_PRICES")


@register("django_clerk")
def check_currencies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The settings: hooks, base currency, rates, and the currencies of stores in settings."""
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # E001 says so already
    errors = _check_hooks()
    base = clerk_settings.BASE_CURRENCY
    if base and not is_currency_code(base):
        errors.append(_bad_code("CLERK['BASE_CURRENCY']", base))
        return errors
    rates, problem = _rates()
    if problem is not None:
        errors.append(problem)
    return errors + _currency_errors(_settings_currencies(), base, rates)


@register(Tags.database)
def check_stored_currencies(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The currencies of the stores kept in the database: a check of the database's state,
    run when the databases are named (``migrate``, ``check --database default``)."""
    if not databases or not isinstance(getattr(settings, "CLERK", {}), dict):
        return []
    base = clerk_settings.BASE_CURRENCY
    if base and not is_currency_code(base):
        return []  # reported by check_currencies
    return _currency_errors(_stored_currencies(databases), base, _rates()[0])


def _rates() -> tuple[dict[str, Any] | None, CheckMessage | None]:
    try:
        return read_rates(), None
    except Exception as exc:
        return None, Error(
            f"CLERK['CURRENCY_RATES'] cannot be read: {type(exc).__name__}: {exc}",
            hint="A dict of ISO 4217 code to a positive rate, or the dotted path of a "
            "callable returning one.",
            id="django_clerk.E053",
        )


def _currency_errors(
    currencies: list[tuple[str, str]], base: str, rates: dict[str, Any] | None
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for where, code in currencies:
        if not is_currency_code(code):
            errors.append(_bad_code(where, code))
        elif not base:
            errors.append(
                Error(
                    f"{where} is {code!r} but CLERK['BASE_CURRENCY'] is not set.",
                    hint="Set the ISO 4217 code the shop keeps its prices in.",
                    id="django_clerk.E051",
                )
            )
        elif rates is not None and code != base.upper() and code not in rates:
            errors += _missing_rate(where, code)
    return errors


def _check_hooks() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name in HOOKS:
        path = getattr(clerk_settings, name)
        if not path:
            continue
        try:
            named_callable(path)
        except (ImportError, TypeError):
            errors.append(
                Error(
                    f"CLERK[{name!r}] must be the dotted path of a callable, not {path!r}.",
                    id="django_clerk.E054",
                )
            )
    return errors


def _bad_code(where: str, code: Any) -> CheckMessage:
    return Error(
        f"{where} must be a 3-letter upper-case ISO 4217 code, not {code!r}.",
        id="django_clerk.E052",
    )


def _settings_currencies() -> list[tuple[str, str]]:
    """``(where, code)`` of each store currency set in settings."""
    found: list[tuple[str, str]] = []
    stores = clerk_settings.STORES
    if isinstance(stores, dict):
        for code, keys in stores.items():
            if isinstance(keys, dict) and keys.get("CURRENCY"):
                found.append((f"CLERK['STORES'][{code!r}]['CURRENCY']", keys["CURRENCY"]))
    return found


def _stored_currencies(databases: Iterable[str]) -> list[tuple[str, str]]:
    """``(where, code)`` of each active store's currency kept in the database."""
    from django_clerk.models import Store

    found: list[tuple[str, str]] = []
    for alias in databases:
        try:
            for store in Store.objects.using(alias).active():
                if store.currency:
                    found.append((f"The currency of store {store.code!r}", store.currency))
        except DatabaseError:  # not migrated yet: migrate checks again
            continue
    return found


def _missing_rate(where: str, code: str) -> list[CheckMessage]:
    """E050 for each price field that would convert to ``code``."""
    errors: list[CheckMessage] = []
    for entity in ENTITIES:
        try:
            serializers = get_serializers(entity)
        except Exception:  # reported by E003/E004
            continue
        for serializer in serializers:
            for name, field in serializer().fields.items():
                needs_rate = getattr(field, "needs_rate", None)
                if callable(needs_rate) and needs_rate(code):
                    errors.append(
                        Error(
                            f"{where} is {code!r}, which CLERK['CURRENCY_RATES'] has no rate "
                            f"for: {serializer.__name__}.{name} cannot give {entity} prices "
                            "in it.",
                            hint=f"Add a rate for {code}, or give the field an attribute "
                            f'of its own for it (price={{"{code}": "..."}}).',
                            obj=serializer,
                            id="django_clerk.E050",
                        )
                    )
    return errors
