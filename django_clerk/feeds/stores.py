"""The active stores, as the feed authentication sees them, cached briefly.

Every feed request needs them; reading them from the cache keeps a page of the feed within a
constant, small number of queries. Saving or deleting a store clears the cache at once (see
:mod:`django_clerk.models.feeds`); keys in settings are read live from the cached objects.
"""

from __future__ import annotations

from django.core.cache import cache

from django_clerk.conf import clerk_settings
from django_clerk.models import Store

CACHE_KEY = "django_clerk:feed-stores"


def active_stores() -> list[Store]:
    stores = cache.get(CACHE_KEY)
    if stores is None:
        stores = list(Store.objects.active())
        seconds = clerk_settings.FEED_STORE_CACHE_SECONDS
        if seconds:
            cache.set(CACHE_KEY, stores, seconds)
    return stores


def forget() -> None:
    cache.delete(CACHE_KEY)
