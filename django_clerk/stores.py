"""Finding the store a request or a key belongs to.

Two readings of the active stores, for two kinds of traffic:

* :func:`active_stores` reads them from the database on every call. Feed authentication uses
  it, so a rotated, removed or deactivated key stops working, and a new key works, on the
  very next request in every process. It is one small indexed query per feed request.
* :func:`storefront_stores` is what shop pages use: a list kept in Django's cache for
  ``CLERK["STORE_CACHE_SECONDS"]``, cleared when a store is saved or deleted. Its stores are
  loaded without their private key (a deferred field), so no cache, per-process or shared,
  ever holds one; code that reads it anyway loads it from the database at that moment.

Keys set in settings are read live in both cases (``Store.credentials()``).
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlparse

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation
from django.views.decorators.debug import sensitive_variables

from django_clerk.conf import clerk_settings
from django_clerk.models import Store
from django_clerk.models.store import DEFAULT_STORE_CODE

STOREFRONT_CACHE_KEY = "django_clerk:storefront-stores:v2"
#: The fields the storefront's cached stores leave out.
SECRET_FIELDS = ("private_key",)


def active_stores() -> list[Store]:
    """The active stores, read from the database now (never cached)."""
    return list(Store.objects.active())


def storefront_stores() -> list[Store]:
    """The active stores without their private keys, cached for ``STORE_CACHE_SECONDS``.

    Every shop page needs them; caching keeps pages free of store queries. Saving or
    deleting a store clears the cache (in a per-process cache, of the process that saved;
    the others follow within ``STORE_CACHE_SECONDS``). Feed authentication never uses it.
    """
    stores: list[Store] | None = cache.get(STOREFRONT_CACHE_KEY)
    if stores is None:
        stores = list(Store.objects.active().defer(*SECRET_FIELDS))
        seconds = clerk_settings.STORE_CACHE_SECONDS
        if seconds:
            cache.set(STOREFRONT_CACHE_KEY, stores, seconds)
    return stores


@receiver([post_save, post_delete], sender=Store, dispatch_uid="django_clerk.stores.forget")
def forget_active_stores(**kwargs: Any) -> None:
    """Clear the storefront's cached stores (connected to saving and deleting a store)."""
    cache.delete(STOREFRONT_CACHE_KEY)


def store_for_code(code: str) -> Store | None:
    """The active store whose code is ``code``, from :func:`storefront_stores` (no query
    while they are cached; its private key is not loaded); ``None`` when none has it."""
    return next((store for store in storefront_stores() if code and store.code == code), None)


def store_for_public_key(public_key: str, stores: list[Store] | None = None) -> Store | None:
    """The active store whose public key (settings or database) is ``public_key``.

    ``stores`` defaults to :func:`active_stores`, read now. Every store's key is compared,
    in constant time, so timing says nothing about which keys exist; an empty key never
    matches (no "store 0 when no key was sent").
    """
    if not public_key:
        return None
    found = None
    wanted = public_key.encode()
    for store in active_stores() if stores is None else stores:
        candidate = store.public_key_in_force
        if candidate and hmac.compare_digest(candidate.encode(), wanted) and found is None:
            found = store
    return found


@sensitive_variables("expected", "private_key")
def private_key_matches(store: Store, private_key: str) -> bool:
    """Constant-time check of a private key; an unset key never matches."""
    expected = store.credentials().private_key
    if not expected or not private_key:
        return False
    return hmac.compare_digest(expected.encode(), private_key.encode())


def store_for_request(request: HttpRequest | None) -> Store | None:
    """The store a storefront request is shown in, among the active stores:

    1. the stores whose base URL's host is the request's host, if any (one domain per market);
       among them, the one in the active language (one domain with several languages);
    2. with no store on the request's host, the store in the active language;
    3. then the store whose code is ``"default"``, then the first store.

    A language matches exactly (``de-at`` and ``de-at``) before it matches by its primary
    subtag (``de`` and ``de-at``). It comes from :func:`storefront_stores`: its private key is
    not loaded.
    """
    remembered: Store | None = getattr(request, "_clerk_store", None)
    if remembered is not None:
        return remembered
    stores = storefront_stores()
    if not stores:
        return None
    host = request.get_host().split(":")[0].lower() if request is not None else ""
    language = (translation.get_language() or "").lower()

    def score(store: Store) -> tuple[bool, int, bool, int]:
        store_host = (urlparse(store.base_url).hostname or "") if store.base_url else ""
        return (
            bool(host) and store_host == host,
            language_match(store.get_language(), language),
            store.code == DEFAULT_STORE_CODE,
            -store.pk,
        )

    best = max(stores, key=score)
    if request is not None:
        request._clerk_store = best  # type: ignore[attr-defined]  # the request's own memo
    return best


def language_match(store_language: str, active_language: str) -> int:
    """2 when the languages are the same, 1 when only their primary subtags are (``de`` and
    ``de-at``), 0 otherwise (and when no language is active)."""
    store_language, active_language = store_language.lower(), active_language.lower()
    if not active_language or not store_language:
        return 0
    if store_language == active_language:
        return 2
    return int(store_language.split("-")[0] == active_language.split("-")[0])
