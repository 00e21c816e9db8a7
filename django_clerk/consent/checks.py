"""System checks of the consent settings (ids ``django_clerk.E100``-``E109``/``W100``-``W109``).

========================  ==============================================================
``django_clerk.E100``     ``TRACKING_CONSENT`` or ``SUBSCRIPTION_HOOK`` is not a callable,
                          an importable dotted path, or (``TRACKING_CONSENT``) a bool/None
``django_clerk.E101``     ``SUBSCRIPTION_MODELS`` is malformed (a model or field is unknown)
``django_clerk.E102``     ``UNSUBSCRIBE_LINK_DAYS`` or ``EMAIL_RECOMMENDATIONS_TIMEOUT`` is
                          not a positive number
``django_clerk.E103``     ``FORGET_ON_USER_DELETE`` is not a bool, or
                          ``EMAIL_LINK_PARAMETERS`` is not a dict of strings
``django_clerk.W100``     a subscription model is no source of ``customers``: its consent
                          changes do not reach Clerk
``django_clerk.W101``     consent is kept but no active store syncs customers (the store
                          option is off by default): nothing reaches Clerk
========================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from django_clerk.conf import clerk_settings, named_callable
from django_clerk.consent.subscriptions import subscription_sources
from django_clerk.mapping.registry import get_serializers
from django_clerk.models import Store


@register("django_clerk")
def check_consent(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # E001 says so already
    errors: list[CheckMessage] = []
    errors += _hook("TRACKING_CONSENT", allow_bool=True)
    errors += _hook("SUBSCRIPTION_HOOK", allow_bool=False)
    errors += _sources()
    for name in ("UNSUBSCRIBE_LINK_DAYS", "EMAIL_RECOMMENDATIONS_TIMEOUT"):
        value = getattr(clerk_settings, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            errors.append(
                Error(f"CLERK[{name!r}] must be a positive number.", id="django_clerk.E102")
            )
    if not isinstance(clerk_settings.FORGET_ON_USER_DELETE, bool):
        errors.append(
            Error("CLERK['FORGET_ON_USER_DELETE'] must be True or False.", id="django_clerk.E103")
        )
    params = clerk_settings.EMAIL_LINK_PARAMETERS
    if not isinstance(params, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in params.items()
    ):
        errors.append(
            Error(
                "CLERK['EMAIL_LINK_PARAMETERS'] must be a dict of strings.", id="django_clerk.E103"
            )
        )
    return errors


def _hook(name: str, *, allow_bool: bool) -> list[CheckMessage]:
    value = getattr(clerk_settings, name)
    if value is None or value == "" or (allow_bool and isinstance(value, bool)):
        return []
    try:
        if callable(value) or (isinstance(value, str) and named_callable(value)):
            return []
    except ImportError as exc:
        return [Error(f"CLERK[{name!r}] cannot be imported: {exc}", id="django_clerk.E100")]
    except TypeError:
        pass  # what the path names is not callable
    kinds = "a callable, its dotted path" + (", True, False or None" if allow_bool else " or ''")
    return [Error(f"CLERK[{name!r}] must be {kinds}, not {value!r}.", id="django_clerk.E100")]


def _sources() -> list[CheckMessage]:
    try:
        sources = subscription_sources()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="django_clerk.E101")]
    if not sources:
        return []
    try:
        customer_models = {s.Meta.model._meta.concrete_model for s in get_serializers("customers")}
    except Exception:  # a broken mapping: the mapping checks (E003-E006) report it
        return []
    return [
        Warning(
            f"CLERK['SUBSCRIPTION_MODELS'] names {source.model._meta.label}, which is no "
            "source of the customers entity: its consent changes do not reach Clerk.",
            hint="Map it in CLERK['SERIALIZERS']['customers'] (a list may hold several).",
            id="django_clerk.W100",
        )
        for source in sources
        if source.model._meta.concrete_model not in customer_models
    ]


@register(Tags.database)
def check_customers_synced(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """W101: consent is kept, but no active store syncs customers. A check of the database's
    state: it runs when the databases are named (``manage.py check --database default``,
    ``migrate``), as Django's own database checks, so other commands never query for it."""
    if not databases or not isinstance(getattr(settings, "CLERK", {}), dict):
        return []
    try:
        if not subscription_sources():
            return []
    except ImproperlyConfigured:  # E101 says so
        return []
    for alias in databases:
        try:
            active = Store.objects.using(alias).filter(is_active=True)
            if not active.exists() or active.filter(sync_customers=True).exists():
                continue
        except Exception:  # no table yet (before migrate), no access (tests)
            continue
        return [
            Warning(
                "CLERK['SUBSCRIPTION_MODELS'] is set, but no active store syncs customers: "
                "consent changes and unsubscribe links do not reach Clerk.",
                hint="Turn on 'sync customers' for the store in the admin "
                "(Clerk.io > Clerk stores).",
                id="django_clerk.W101",
            )
        ]
    return []
