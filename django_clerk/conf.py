"""The ``CLERK`` settings dict, read live through :data:`clerk_settings`.

Every value is looked up in ``settings.CLERK`` on each access, so ``override_settings``
works in tests and nothing is cached at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    # -- Clerk's REST API -------------------------------------------------------
    "API_URL": "https://api.clerk.io/v2/",
    "API_TIMEOUT": 10.0,  # seconds, per HTTP call of the API client
    "API_RETRIES": 3,  # retries of transient failures (network, 5xx, 429) per call
    "API_BACKOFF": 0.5,  # first backoff in seconds, doubled on each retry
    # -- Credentials from settings (they win over the keys stored in the database) --
    "PUBLIC_KEY": "",  # keys of the store whose code is "default"
    "PRIVATE_KEY": "",
    "STORES": {},  # {"store-code": {"PUBLIC_KEY": "...", "PRIVATE_KEY": "..."}}
    # -- Mapping ----------------------------------------------------------------
    "SERIALIZERS": {},  # {"products": "shop.clerk.ProductSerializer", ...}
    "BASE_URL": "",  # absolute base for url/image when a store has no base URL
    "VALIDATE": True,  # check mandatory fields and types of every serialized object
    # -- Feeds ------------------------------------------------------------------
    "FEED_ALLOW_HTTP": False,  # serve Feed V2 over plain http (development only)
    "FEED_DEFAULT_LIMIT": 25,
    "FEED_MAX_LIMIT": 1000,
    "TOKEN_CACHE_SECONDS": 60,  # how long a verified importer token is trusted
    "TOKEN_REJECT_CACHE_SECONDS": 60,  # how long a token Clerk refused is refused unasked
    "TOKEN_VERIFY_TIMEOUT": 3.0,  # seconds of the one attempt of a token verify call
    "TOKEN_VERIFY_CONCURRENCY": 2,  # verify calls at once, per process and per host; beyond: 503
    "TOKEN_VERIFY_LOCK_DIR": "",  # the host's slot lock files ("": in the temporary directory)
    "TOKEN_VERIFY_COOLDOWN": 10.0,  # seconds of 503 without asking after Clerk was unreachable
    "STORE_CACHE_SECONDS": 30,  # how long the storefront caches the active stores (0: never)
    "FEED_CURSOR_IDLE_SECONDS": 3600,  # a crawl's cursor is dropped after this long unused
    # -- Wipe guard: a full feed crawl or full sync that would lose more than this share of
    # what the last complete one held is refused (0 or None: never refused) ------------------
    "FEED_WIPE_GUARD_SHARE": 0.5,
    "FEED_WIPE_GUARD_MIN_ITEMS": 50,  # a last complete one smaller than this is not guarded
    # -- Real-time sync -----------------------------------------------------------
    "REALTIME_SYNC": True,
    "SYNC_BATCH_SIZE": 1000,
    "SYNC_MAX_ATTEMPTS": 12,  # ignored (kept for old settings): transient failures retry forever
    "SYNC_DELIVERY": "thread",  # "thread" | "task" | "manual": who delivers pending changes
    "SYNC_TIMEOUT": 5.0,  # seconds per real-time push call (one attempt; the outbox retries)
    "SYNC_RETRY_BACKOFF": 5.0,  # first retry delay in seconds, doubled on each attempt
    "SYNC_RETRY_MAX_BACKOFF": 3600.0,  # longest retry delay in seconds
    "SYNC_LEASE_SECONDS": 300,  # a claimed change is claimable again after this (crash recovery)
    "SYNC_BREAKER_THRESHOLD": 3,  # consecutive failed pushes that pause the delivery thread
    "SYNC_BREAKER_COOLDOWN": 30.0,  # seconds the delivery thread waits before trying again
    # -- Status (the admin's health page, ``clerk_status``) ------------------------
    "STATUS_KEYS_CACHE_SECONDS": 60,  # how long Clerk's answer on a store's keys is reused
    "STATUS_STALE_SECONDS": 300,  # due changes waiting longer than this: no delivery runs
    # -- Storefront ---------------------------------------------------------------
    "CLERK_JS_URL": "https://cdn.clerk.io/clerk.js",
    "CURRENCY_SYMBOL": "",  # Clerk.js globals.currency_symbol (a store's own setting wins)
    "CURRENCY_ISO": "",  # Clerk.js globals.currency_iso, e.g. "DKK"
    "CSP_NONCE_ATTRIBUTE": "csp_nonce",  # request attribute / context variable with the nonce
    "JS_VISITOR_FROM_SESSION": True,  # Clerk.js uses the session's visitor id (server calls do)
    "DEFAULT_LABELS": True,  # server-side results calls without labels get "<page> - <endpoint>"
    # -- Customers, consent and e-mail ------------------------------------------------
    "TRACKING_CONSENT": None,  # dotted path of request -> bool; True: always; None: never
    "SUBSCRIPTION_MODELS": {},  # {"shop.Customer": {"email": "email", "subscribed": "subscribed"}}
    "SUBSCRIPTION_HOOK": "",  # dotted path (email, subscribed) -> None, for consent kept elsewhere
    "UNSUBSCRIBE_LINK_DAYS": 365,  # how long a signed unsubscribe link works
    "FORGET_ON_USER_DELETE": False,  # deleting a user asks Clerk to forget their e-mail
    "EMAIL_RECOMMENDATIONS_TIMEOUT": 2.0,  # seconds an e-mail waits for Clerk at most
    "EMAIL_LINK_PARAMETERS": {"utm_source": "clerk", "utm_medium": "email"},  # on e-mail links
    # -- Server-side tracking (README "Tracking") -------------------------------------
    "TRACKING": {},  # {"sales": "both", ...}: "browser" | "server" | "both" | "off" per kind
    "TRACKING_SALE_GRACE_SECONDS": 60.0,  # with "both": how long the server waits for Clerk.js
    "TRACKING_SALE_MEMORY_DAYS": 30,  # a sale sent (or logged by Clerk.js) is not sent again
    "RETURN_MODELS": {},  # {"shop.Refund": {"order": "order", "product": "product", ...}}
    # -- Markets and prices (docs/markets.md) ---------------------------------------
    "BASE_CURRENCY": "",  # ISO 4217 code the shop's prices are kept in ("": stores don't convert)
    "CURRENCY_RATES": {},  # {"EUR": "0.134"} per unit of BASE_CURRENCY, or a dotted path to one
    "CUSTOMER_GROUP": "",  # dotted path: request -> the visitor's customer group id or None
    "INDIVIDUAL_PRICES": "",  # dotted path: (user, ids, store) -> {id: price}, store's currency
    "INDIVIDUAL_PRICES_MAX_IDS": 100,  # ids one request to the prices endpoint may ask for
    "INDIVIDUAL_PRICES_CACHE_SECONDS": 60,  # how long a customer's answered prices are kept
    # -- Search and storefront parity (django_clerk.search) ------------------------
    "SEARCH": {},  # search page, live search and server-side search options (docs/search.md)
    "ADD_TO_CART_URL": "",  # a path (may hold "{id}") or URL name Clerk designs add to cart with
    "POWERSTEP_URL": "",  # a path or URL name: where add-to-cart leads when the powerstep is on
    # -- Tracking validator (manage.py clerk_validate_tracking) ---------------------------
    "TRACKING_JOURNEY": "",  # dotted path of a callable returning the pages to walk (a Journey)
}


class ClerkSettings:
    """Attribute access to ``settings.CLERK`` with :data:`DEFAULTS` filled in."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown CLERK setting: {name!r}")
        user = getattr(settings, "CLERK", None)
        if not isinstance(user, dict):  # a malformed CLERK is reported by check E001
            return DEFAULTS[name]
        return user.get(name, DEFAULTS[name])

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DEFAULTS}


clerk_settings = ClerkSettings()


def named_callable(value: Any) -> Callable[..., Any] | None:
    """The callable a hook setting names (``CUSTOMER_GROUP``, ``TRACKING_CONSENT``...): its
    dotted path imported, or the callable itself; ``None`` for an empty setting.

    :raises ImportError: the path does not import.
    :raises TypeError: what it names is not callable.
    """
    if not value:
        return None
    found = import_string(value) if isinstance(value, str) else value
    if not callable(found):
        raise TypeError(f"{value!r} is not callable")
    return found  # type: ignore[no-any-return]
