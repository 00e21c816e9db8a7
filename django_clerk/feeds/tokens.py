"""Verification of the importer's ``X-Clerk-Authorization: Bearer TOKEN`` with Clerk.

A crawl is thousands of requests: a token Clerk vouched for is trusted for
``CLERK["TOKEN_CACHE_SECONDS"]`` (Django's cache, keyed by a hash of store key and token, so
the cache never holds a usable token). A rejected token is never cached, so it cannot be let
through later; when Clerk cannot be reached, the feed answers 503 and the importer retries.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache

from django_clerk.client import ClerkClient, ClerkTransientError
from django_clerk.conf import clerk_settings
from django_clerk.feeds.errors import ClerkUnreachable

logger = logging.getLogger("django_clerk.feeds")


def cache_key(public_key: str, token: str) -> str:
    digest = hashlib.sha256(f"{public_key}\0{token}".encode()).hexdigest()
    return f"django_clerk:feed-token:{digest}"


def verify(public_key: str, token: str) -> bool:
    """Whether Clerk vouches for ``token`` as an importer of the store ``public_key``.

    :raises ClerkUnreachable: Clerk could not be asked (HTTP 503).
    """
    if not public_key or not token:
        return False
    key = cache_key(public_key, token)
    if cache.get(key):
        return True
    try:
        with ClerkClient(public_key) as client:
            valid = client.verify_token(token)
    except ClerkTransientError as exc:
        logger.warning("Clerk.io could not verify a feed token: %s", type(exc).__name__)
        raise ClerkUnreachable() from None
    seconds = clerk_settings.TOKEN_CACHE_SECONDS
    if valid and seconds:
        cache.set(key, True, seconds)
    return valid
