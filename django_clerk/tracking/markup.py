"""What the tracking template tags render: the confirmation page's sale call, and the click
attribute, link and script of products the shop renders itself."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from django_clerk.mapping.registry import clerk_ids
from django_clerk.storefront.context import Storefront
from django_clerk.storefront.escaping import plain, script_json
from django_clerk.storefront.placements import Placement
from django_clerk.storefront.tracking import sale_params, sale_placement
from django_clerk.tracking.api import sale_id
from django_clerk.tracking.modes import BOTH, BROWSER, from_server, tracking_mode
from django_clerk.tracking.tokens import click_token, sale_token

NOTHING = SafeString("")
SALE_URL_NAME = "django_clerk:tracking-sale-logged"
CLICK_URL_NAME = "django_clerk:tracking-click"


def app_url(name: str) -> str:
    """The path of one of the app's URLs; "" when the shop did not include them."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def sale_tracking(storefront: Storefront, order: Any, nonce: str) -> SafeString | Placement:
    """The confirmation page's ``log/sale``: nothing when ``"sales"`` is ``"server"`` or
    ``"off"``; the ``data-api="log/sale"`` placement for ``"browser"``; for ``"both"``
    ``Clerk("call", "log/sale", ...)`` whose success tells this app to drop the server's
    pending copy, at the URL also named by the script's ``data-clerk-sale-confirm`` (the
    placement when the app's URLs are not included)."""
    mode = tracking_mode("sales")
    store = storefront.store
    if mode not in (BROWSER, BOTH) or store is None:
        return NOTHING
    url = app_url(SALE_URL_NAME) if mode == BOTH else ""
    if not url:
        return sale_placement(order, store) or NOTHING
    params = sale_params(order, store)
    if params is None:
        return NOTHING
    url += "?" + urlencode({"t": sale_token(store.pk, sale_id(order))})
    return render_to_string(
        "django_clerk/tracking/sale_call.html",
        {
            "sale_json": script_json(params),
            "url": url,
            "url_json": script_json(url),
            "nonce": nonce,
        },
    )


def click_attribute(storefront: Storefront, product: Any, api: str, label: str) -> SafeString:
    """``data-clerk-click="<token>"`` for a product link, when clicks are sent from the
    server (the click script beacons it)."""
    token = _click_token(storefront, product, api, label, url="")
    return mark_safe(f'data-clerk-click="{escape(token)}"') if token else NOTHING


def click_url(
    storefront: Storefront, product: Any, api: str, label: str, url: str | None = None
) -> str:
    """A link to ``product`` (``url``, else its ``get_absolute_url()``) that records the
    click on the way, without JavaScript; the product's own URL when clicks are not sent
    from the server."""
    target = url if url is not None else product_url(product)
    base = app_url(CLICK_URL_NAME)
    token = _click_token(storefront, product, api, label, url=target) if base else ""
    return f"{base}?{urlencode({'t': token})}" if token and target else target


def click_script(storefront: Storefront, nonce: str) -> SafeString:
    """The script that beacons ``data-clerk-click`` tokens on click."""
    url = app_url(CLICK_URL_NAME)
    if not url or not from_server("clicks") or storefront.store is None:
        return NOTHING
    return render_to_string(
        "django_clerk/tracking/click_script.html", {"url_json": script_json(url), "nonce": nonce}
    )


def _click_token(storefront: Storefront, product: Any, api: str, label: str, url: str) -> str:
    store = storefront.store
    if store is None or product in (None, "") or not from_server("clicks"):
        return ""
    labels = [str(label)] if label else []
    return click_token(store.pk, plain(clerk_ids(product, "products")), str(api), labels, url)


def product_url(product: Any) -> str:
    get_url = getattr(product, "get_absolute_url", None)
    return str(get_url()) if callable(get_url) else ""
