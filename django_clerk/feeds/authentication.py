"""DRF authentication of Clerk's importer, in the three generations met in the field.

1. :class:`QueryKeyAuthentication`: ``?key=PUBLIC&private_key=PRIVATE`` (seed 000).
2. :class:`BodyKeyAuthentication`: a POST whose JSON body holds both keys; only for stores
   that allow legacy authentication (``Store.legacy_auth``).
3. :class:`TokenAuthentication`: ``X-Clerk-Authorization: Bearer TOKEN`` plus the public
   ``key`` (JSON body or query string), the token verified with Clerk;
   :class:`FeedV2Authentication` is the same for Feed V2, where ``key`` may be left out when
   only one store is active.

Each class returns ``None`` when its credentials are absent (the next one is tried; with
none, the view answers 401) and raises :class:`~django_clerk.feeds.errors.BadCredentials`
(403) when they are wrong. On success ``request.auth`` is the store the feed is rendered for.
Keys are compared in constant time; an empty public key never selects a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.authentication import BaseAuthentication

from django_clerk.feeds import tokens
from django_clerk.feeds.errors import BadCredentials, BadParameter
from django_clerk.models import Store
from django_clerk.stores import active_stores, private_key_matches, store_for_public_key

TOKEN_HEADER = "HTTP_X_CLERK_AUTHORIZATION"
WWW_AUTHENTICATE = 'Bearer realm="clerk"'


class Importer:
    """``request.user`` of an authenticated importer: it stands for the store, not a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, store: Store) -> None:
        self.store = store

    def __str__(self) -> str:
        return f"Clerk.io importer of {self.store}"


def text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return value if isinstance(value, str) else ""


def body_of(request: Any) -> Mapping[str, Any]:
    """The parsed body of a POST when it is an object, else ``{}``."""
    if request.method != "POST":
        return {}
    data = request.data
    return data if isinstance(data, Mapping) else {}


def authenticated(store: Store | None, proof: bool) -> tuple[Importer, Store]:
    if store is None or not proof:
        raise BadCredentials()
    return Importer(store), store


class QueryKeyAuthentication(BaseAuthentication):
    """Generation 1: ``key`` and ``private_key`` in the query string."""

    def authenticate(self, request: Any) -> tuple[Importer, Store] | None:
        params = request.query_params
        private_key = text(params, "private_key")
        if not private_key:
            return None
        store = store_for_public_key(text(params, "key"), active_stores())
        return authenticated(store, store is not None and private_key_matches(store, private_key))


class BodyKeyAuthentication(BaseAuthentication):
    """Generation 2: a POST with ``{"key": PUBLIC, "private_key": PRIVATE}`` in its body."""

    def authenticate(self, request: Any) -> tuple[Importer, Store] | None:
        body = body_of(request)
        private_key = text(body, "private_key")
        if not private_key:
            return None
        store = store_for_public_key(text(body, "key"), active_stores())
        user, store = authenticated(
            store, store is not None and private_key_matches(store, private_key)
        )
        if not store.legacy_auth:
            raise BadCredentials("Legacy authentication (keys in the body) is off for this store.")
        return user, store


class TokenAuthentication(BaseAuthentication):
    """Generation 3: the public ``key`` and ``X-Clerk-Authorization: Bearer TOKEN``."""

    def authenticate(self, request: Any) -> tuple[Importer, Store] | None:
        header = request.META.get(TOKEN_HEADER)
        if header is None:
            return None
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise BadCredentials("X-Clerk-Authorization must be 'Bearer <token>'.")
        store = self.get_store(request)
        if store is None:
            raise BadCredentials()
        return authenticated(store, tokens.verify(store.credentials().public_key, token))

    def get_store(self, request: Any) -> Store | None:
        """The store named by ``key`` (JSON body first, then the query string)."""
        key = text(body_of(request), "key") or text(request.query_params, "key")
        return store_for_public_key(key, active_stores())

    def authenticate_header(self, request: Any) -> str:
        return WWW_AUTHENTICATE


class FeedV2Authentication(TokenAuthentication):
    """Feed V2: the bearer token; the store is ``?key=`` or else the only active store."""

    def get_store(self, request: Any) -> Store | None:
        key = text(request.query_params, "key")
        stores = active_stores()
        if key:
            return store_for_public_key(key, stores)
        if len(stores) > 1:
            raise BadParameter("key", "is required: several stores are active.")
        return stores[0] if stores else None
