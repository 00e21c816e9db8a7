"""The per-request state of the storefront tags: store, options, config and page counter.

:func:`storefront_for` builds one :class:`Storefront` per request (cached on it), so a page
with many tags finds the store (from the cached active stores, which hold no private key)
and its options (one small query) once.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import locale
from django.http import HttpRequest
from django.template import Context

from django_clerk.conf import clerk_settings
from django_clerk.models import Store, StorefrontSettings
from django_clerk.storefront.cart import add_to_cart_globals
from django_clerk.storefront.clerk_js_build import clerk_js_url
from django_clerk.storefront.prices import price_context, price_globals
from django_clerk.stores import store_for_request

REQUEST_ATTRIBUTE = "_clerk_storefront"
CLERK_LANGUAGES = {"nb": "norwegian", "nn": "norwegian", "no": "norwegian"}
"""Clerk names languages in English words ("danish"); exceptions to Django's LANG_INFO names."""


def clerk_language(code: str) -> str:
    """A Django language code (``"da"``, ``"pt-br"``) as Clerk.js' ``language`` (``"danish"``,
    ``"portuguese"``). Unknown codes pass through lower-cased."""
    code = (code or "").lower()
    base = code.split("-")[0].split("_")[0]
    if base in CLERK_LANGUAGES:
        return CLERK_LANGUAGES[base]
    info = locale.LANG_INFO.get(base) or {}
    name = info.get("name") or code
    return name.split(" ")[0].lower()


class Storefront:
    """What the storefront tags of one request share."""

    def __init__(self, request: HttpRequest | None) -> None:
        self.request = request
        self.store: Store | None = store_for_request(request)
        self.placements_rendered = 0

    @cached_property
    def public_key(self) -> str:
        return self.store.public_key_in_force if self.store is not None else ""

    @property
    def enabled(self) -> bool:
        """Tags render nothing at all without a public key."""
        return bool(self.public_key)

    @cached_property
    def options(self) -> StorefrontSettings:
        assert self.store is not None
        return StorefrontSettings.for_store(self.store)

    # -- Clerk('config', ...) ------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The argument of ``Clerk('config', ...)``."""
        store = self.store
        assert store is not None
        config: dict[str, Any] = {
            "key": self.public_key,
            "language": clerk_language(store.get_language()),
        }
        visitor = self.visitor()
        if visitor:
            config["visitor"] = visitor
        if store.collect_emails:
            config["collect_email"] = True
        config["globals"] = self.globals()
        context = price_context(self.request)
        if context is not None:
            config["price_context"] = context
        return config

    def globals(self) -> dict[str, Any]:
        options = self.options
        values: dict[str, Any] = {
            "currency_symbol": options.currency_symbol or clerk_settings.CURRENCY_SYMBOL,
            "currency_iso": options.currency_iso,
            "customer_logged_in": self.user_is_authenticated(),
        }
        for key, value in price_globals(self.store, self.request).items():
            values[key] = values.get(key) or value  # the storefront settings win
        values["currency_iso"] = values["currency_iso"] or clerk_settings.CURRENCY_ISO
        values.update(self.add_to_cart_globals())
        return {key: value for key, value in values.items() if value != ""}

    def add_to_cart_globals(self) -> dict[str, Any]:
        """``add_to_cart_url`` and where to get a CSRF token, for add-to-cart inside Clerk's
        designs."""
        return add_to_cart_globals(self.request)

    def clerk_js_url(self) -> str:
        """``CLERK["CLERK_JS_URL"]`` for this store (``{slug}``: its custom.clerk.io build)."""
        return clerk_js_url(self.store)

    def visitor(self) -> str:
        """Clerk.js' ``visitor``: "" (Clerk.js' cookieless default) until the visitor consents
        to tracking (``CLERK["TRACKING_CONSENT"]``); then the session's visitor id, shared
        with server-side calls (``JS_VISITOR_FROM_SESSION``), or else ``"persistent"``."""
        from django_clerk.client.visitor import get_visitor_id, tracking_allowed

        if self.request is None or not tracking_allowed(self.request):
            return ""
        session = getattr(self.request, "session", None)
        if clerk_settings.JS_VISITOR_FROM_SESSION and session is not None:
            return get_visitor_id(self.request)
        return "persistent"

    def user_is_authenticated(self) -> bool:
        user = getattr(self.request, "user", None)
        return bool(user is not None and user.is_authenticated)

    def customer_email(self) -> str:
        """The logged-in customer's email, only for stores that collect emails."""
        return customer_email(self.store, self.request)

    # -- "filter duplicates" -------------------------------------------------------------
    def next_placement(self) -> tuple[list[str], str]:
        """The extra classes and ``data-exclude-from`` of the next product placement.

        With filter duplicates on, the placements of a page are numbered ``clerk_0``,
        ``clerk_1``...; each one excludes the products of every placement before it.
        """
        if not self.options.filter_duplicates:
            return [], ""
        number = self.placements_rendered
        self.placements_rendered += 1
        exclude = ",".join(f".clerk_{n}" for n in range(number))
        return [f"clerk_{number}"], exclude


def customer_email(store: Store | None, request: HttpRequest | None) -> str:
    """The e-mail of ``request``'s logged-in customer, only for a ``store`` that collects
    e-mails ("" otherwise): what Clerk.js and server-side basket events may carry."""
    if store is None or not store.collect_emails:
        return ""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return getattr(user, "email", "") or ""


def storefront_for(context: Context) -> Storefront:
    """The :class:`Storefront` of the template's request: one per request or, without a
    request in the context, one per template render."""
    request = context.get("request")
    if request is not None:
        found = getattr(request, REQUEST_ATTRIBUTE, None)
        if found is None:
            found = Storefront(request)
            setattr(request, REQUEST_ATTRIBUTE, found)
        return found
    root: dict[Any, Any] = context.render_context.dicts[0]
    storefront = root.get(REQUEST_ATTRIBUTE)
    if not isinstance(storefront, Storefront):
        storefront = root[REQUEST_ATTRIBUTE] = Storefront(None)
    return storefront


def csp_nonce(context: Context) -> str:
    """The Content-Security-Policy nonce: ``request.<CSP_NONCE_ATTRIBUTE>`` (django-csp),
    then the context variable of that name (Django 6's ``csp`` context processor)."""
    name = clerk_settings.CSP_NONCE_ATTRIBUTE
    if not name:
        return ""
    request = context.get("request")
    nonce = getattr(request, name, None) if request is not None else None
    if not nonce:
        nonce = context.get(name)
    return str(nonce) if nonce else ""
