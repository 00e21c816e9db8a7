"""``{% load clerk_email %}``: Clerk recommendations rendered into the shop's own e-mails.

.. code-block:: django

    {% clerk_email_recommendations "complementary" products=product_ids limit=4 %}

One Clerk call per tag (``recommendations/<logic>`` with the product attributes the e-mail
shows), one attempt, waiting less than ``CLERK["EMAIL_RECOMMENDATIONS_TIMEOUT"]`` seconds in
all: when Clerk is slow, down or wrong the tag renders nothing, so an e-mail is never held up
nor broken by Clerk.
Links carry ``CLERK["EMAIL_LINK_PARAMETERS"]`` (UTM parameters by default) and
``utm_content=<logic>``; the call carries ``labels`` for Clerk's own statistics (``label``,
by default ``"E-mail <logic>"``) and, when the e-mail is rendered in a request, the visitor
id of that request (:func:`~django_clerk.client.visitor.get_visitor_id`).
Model instances in ``params`` become their Clerk ids (:func:`~django_clerk.mapping.registry.
parameter_clerk_ids`).
The markup is ``django_clerk/consent/email_recommendations.html`` (override it in a theme).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.conf import clerk_settings
from django_clerk.mapping.registry import parameter_clerk_ids
from django_clerk.models import Store
from django_clerk.stores import store_for_code, store_for_request

register = template.Library()
logger = logging.getLogger("django_clerk.storefront")
NOTHING = SafeString("")
ATTRIBUTES = ["id", "name", "url", "image", "price"]
TEMPLATE = "django_clerk/consent/email_recommendations.html"
MARGIN = 0.05
"""Seconds of the timeout kept for what is not the HTTP wait (sockets, parsing)."""


@register.simple_tag(takes_context=True)
def clerk_email_recommendations(
    context: template.Context,
    logic: str,
    *,
    limit: int = 4,
    store: Any = None,
    heading: str = "",
    label: str = "",
    **params: Any,
) -> SafeString:
    """Recommendations of ``logic`` (``"popular"``, ``"complementary"``, ``"customer/history"``
    ...) for an e-mail; ``params`` go to Clerk (``products``, ``category``, ``email``)."""
    found = _store(context, store)
    if found is None or not found.public_key_in_force:
        return NOTHING
    # A public call: the public key alone (the private key is not even loaded).
    client = ClerkClient(found.public_key_in_force, timeout=http_timeout(), retries=0)
    request = context.get("request")
    try:
        bound = client.with_visitor(request) if request is not None else client
        answer = bound.recommendations(
            logic,
            limit=int(limit),
            attributes=ATTRIBUTES,
            labels=[label or f"E-mail {logic}"],
            **parameter_clerk_ids(params),
        )
    except (ClerkError, ValueError, TypeError) as exc:
        logger.warning("Clerk.io e-mail recommendations (%s) left out: %s", logic, exc)
        return NOTHING
    finally:
        client.close()
    products = [
        {**item, "url": tracked(item["url"], logic)}
        for item in answer.product_data or []
        if isinstance(item, dict) and isinstance(item.get("url"), str) and item.get("name")
    ]
    if not products:
        return NOTHING
    return render_to_string(TEMPLATE, {"products": products, "heading": heading, "logic": logic})


def http_timeout() -> float:
    """The HTTP timeout that keeps the whole wait for Clerk (connection set-up and reading
    the answer included) under ``EMAIL_RECOMMENDATIONS_TIMEOUT``: :data:`MARGIN` less."""
    budget = float(clerk_settings.EMAIL_RECOMMENDATIONS_TIMEOUT)
    return max(budget - MARGIN, budget / 2)


def tracked(url: str, logic: str) -> str:
    """``url`` with ``EMAIL_LINK_PARAMETERS`` and ``utm_content=<logic>`` added (parameters
    the URL already has win)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    extra = {**dict(clerk_settings.EMAIL_LINK_PARAMETERS or {}), "utm_content": logic}
    merged = {**extra, **query}
    return urlunsplit(parts._replace(query=urlencode(merged)))


def _store(context: template.Context, store: Any) -> Store | None:
    if isinstance(store, Store):
        return store
    if isinstance(store, str) and store:
        return store_for_code(store)
    return store_for_request(context.get("request"))
