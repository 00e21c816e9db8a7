"""Customers, consent and e-mail: newsletter consent, signed unsubscribe links, tracking
consent for the visitor id, and (in :mod:`django_clerk.privacy`) the right to be forgotten.

>>> from django_clerk import consent
>>> consent.unsubscribe("ann@example.com")  # every row holding the address; synced to Clerk
>>> consent.unsubscribe_url("ann@example.com", store)  # a signed link, for the shop's e-mails
>>> consent.tracking_allowed(request)  # CLERK["TRACKING_CONSENT"]
"""

from __future__ import annotations

from django_clerk.client.visitor import tracking_allowed
from django_clerk.consent.links import unsubscribe_token, unsubscribe_url
from django_clerk.consent.subscriptions import (
    set_subscription,
    subscribe,
    subscription_sources,
    unsubscribe,
)

__all__ = [
    "set_subscription",
    "subscribe",
    "subscription_sources",
    "tracking_allowed",
    "unsubscribe",
    "unsubscribe_token",
    "unsubscribe_url",
]
