"""Clerk calls of server-rendered pages and the storefront API.

They use the store's **public key only** (a client built without the private key), send the
visitor id and a label naming the call site, make a single attempt of ``SEARCH["TIMEOUT"]``
seconds, and keep Clerk's answers in Django's cache for ``SEARCH["CACHE_SECONDS"]`` under a
key that is a hash of the store, the endpoint and the parameters (never a key, nor the
visitor: visitors share cached answers for that long).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.core.cache import cache

from django_clerk.client import ClerkClient, ClerkError, ClerkResult, get_visitor_id
from django_clerk.client.visitor import is_valid_visitor_id
from django_clerk.models import StorefrontSettings
from django_clerk.search.options import SearchOptions, search_options

logger = logging.getLogger("django_clerk.storefront")
CACHE_PREFIX = "django_clerk:search:v1:"

LABEL_SEARCH_PAGE = "Search page (server)"
LABEL_CATEGORY_PAGE = "Category page (server)"
LABEL_API_SEARCH = "Search (API)"
LABEL_API_LIVE_SEARCH = "Live search (API)"
LABEL_API_CATEGORY = "Category page (API)"
LABEL_API_RECOMMENDATIONS = "Recommendations (API)"


#: Endpoints whose answer depends on the visitor: cached per visitor, never shared.
PERSONAL_ENDPOINTS = ("recommendations/visitor/", "recommendations/customer/")


class SearchUnavailable(Exception):
    """Clerk could not answer (down, slow, refusing, or no public key for the store)."""


class ClerkCalls:
    """The calls of one request to one store's Clerk."""

    def __init__(self, store: Any, request: Any = None, *, visitor: str | None = None) -> None:
        self.store = store
        self.request = request
        self._visitor = visitor
        self.options: SearchOptions = search_options(store)

    @property
    def public_key(self) -> str:
        return str(getattr(self.store, "public_key_in_force", "") or "")

    def facet_attributes(self) -> list[str]:
        """The attributes to ask facets of: ``SEARCH["FACET_ATTRIBUTES"]`` when set, else the
        store's own (its storefront settings); none without a store."""
        if self.options.facet_attributes is not None:
            return list(self.options.facet_attributes)
        if self.store is None:
            return []
        return StorefrontSettings.for_store(self.store).facet_attributes

    def visitor(self) -> str | None:
        """The visitor id given, else the session's (``None`` without a request)."""
        if self._visitor is not None:
            return self._visitor
        if self.request is None:
            return None
        visitor = get_visitor_id(self.request)
        return visitor if is_valid_visitor_id(visitor) else None

    def call(self, endpoint: str, label: str, **params: Any) -> ClerkResult:
        """``endpoint`` (``"search/search"``, ``"recommendations/category/popular"``...)
        with ``params``; :raises SearchUnavailable: when Clerk does not answer in time."""
        if not self.public_key:
            raise SearchUnavailable("no public key is configured for this store")
        params = {k: v for k, v in params.items() if v is not None}
        params["labels"] = [label]
        visitor = self.visitor()
        # An answer about one visitor (their history, what they may like) is theirs alone.
        personal = visitor if endpoint.startswith(PERSONAL_ENDPOINTS) else None
        key = self.cache_key(endpoint, params, personal)
        seconds = self.options.cache_seconds
        cached = _cache_get(key) if seconds else None
        if isinstance(cached, dict):
            return ClerkResult.from_response(cached)
        client = ClerkClient(self.public_key, timeout=self.options.timeout, retries=0)
        try:
            with client:
                if visitor:
                    client = client.with_visitor(visitor)
                result = _dispatch(client, endpoint, dict(params))
        except ClerkError as exc:
            logger.warning("Clerk %s failed for store %s: %s", endpoint, self.store, exc)
            raise SearchUnavailable(str(exc)) from None
        if seconds:
            _cache_set(key, result.raw, seconds)
        return result

    def cache_key(self, endpoint: str, params: dict[str, Any], visitor: str | None = None) -> str:
        """The cache key of a call: the store, the endpoint and its parameters, and for an
        answer about one visitor (:data:`PERSONAL_ENDPOINTS`), that visitor."""
        material = json.dumps(
            {
                "store": getattr(self.store, "code", ""),
                "public": self.public_key,
                "endpoint": endpoint,
                "params": params,
                "visitor": visitor,
            },
            sort_keys=True,
            default=str,
        )
        return CACHE_PREFIX + hashlib.sha256(material.encode()).hexdigest()


def _cache_get(key: str) -> Any:
    """A cached answer; ``None`` when the cache cannot be read (a page never fails for it)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("The cache could not be read; asking Clerk", exc_info=True)
        return None


def _cache_set(key: str, value: Any, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("The cache could not be written", exc_info=True)


def _dispatch(client: ClerkClient, endpoint: str, params: dict[str, Any]) -> ClerkResult:
    if endpoint.startswith("recommendations/"):
        return client.recommendations(endpoint[len("recommendations/") :], **params)
    query = str(params.pop("query", ""))
    if endpoint == "search/search":
        return client.search(query, **params)
    if endpoint == "search/predictive":
        return client.predictive(query, **params)
    if endpoint == "search/categories":
        return client.search_categories(query, **params)
    if endpoint == "search/pages":
        return client.search_pages(query, **params)
    raise ValueError(f"not a storefront endpoint: {endpoint!r}")
