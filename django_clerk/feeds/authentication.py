"""DRF authentication of Clerk's importer, in the three generations met in the field.

1. :class:`QueryKeyAuthentication`: ``?key=PUBLIC&private_key=PRIVATE`` (seed 000).
2. :class:`BodyKeyAuthentication`: a POST whose JSON body holds both keys.
3. :class:`TokenAuthentication`: ``X-Clerk-Authorization: Bearer TOKEN`` plus the public
   ``key`` (JSON body or query string), the token verified with Clerk;
   :class:`FeedV2Authentication` is the same for Feed V2, where ``key`` may be left out when
   only one store is active.

One rule a merchant can read in the admin: the private key is accepted in a request (query
string or body alike) only by stores whose key-based authentication toggle
(``Store.legacy_auth``) is on; the bearer token is always accepted.

Each class returns ``None`` when its credentials are absent (the next one is tried; with
none, the view answers 401) and raises :class:`~django_clerk.feeds.errors.BadCredentials`
(403) when they are wrong. On success ``request.auth`` is the store the feed is rendered for.
The stores are read from the database on every request (:func:`request_stores`), so a key
that was rotated, removed or deactivated fails at once in every process. Keys are compared
in constant time; an empty public key never selects a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.views.decorators.debug import sensitive_variables
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


def request_stores(request: Any) -> list[Store]:
    """The active stores, read from the database now: by the view's ``read_stores()`` when
    it has one (a feed page reads its crawl's cursor in the same query), else
    :func:`~django_clerk.stores.active_stores`."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    read = getattr(view, "read_stores", None)
    stores: list[Store] = read() if callable(read) else active_stores()
    return stores


KEYS_OFF = (
    "Authentication with the private key is off for this store; use the bearer token, "
    "or turn on key-based authentication for the store."
)


def authenticated(store: Store | None, proof: bool) -> tuple[Importer, Store]:
    if store is None or not proof:
        raise BadCredentials()
    return Importer(store), store


@sensitive_variables("private_key", "params")
def by_private_key(request: Any, params: Mapping[str, Any]) -> tuple[Importer, Store] | None:
    """Generations 1 and 2: ``key`` and ``private_key`` in ``params``; ``None`` without a
    private key. Refused (403) when the store's key-based authentication is off, whatever
    the key (so the answer never tells a right key from a wrong one), or when they are
    wrong."""
    private_key = text(params, "private_key")
    if not private_key:
        return None
    store = store_for_public_key(text(params, "key"), request_stores(request))
    if store is not None and not store.legacy_auth:
        raise BadCredentials(KEYS_OFF)
    return authenticated(store, store is not None and private_key_matches(store, private_key))


class QueryKeyAuthentication(BaseAuthentication):
    """Generation 1: ``key`` and ``private_key`` in the query string."""

    def authenticate(self, request: Any) -> tuple[Importer, Store] | None:
        return by_private_key(request, request.query_params)


class BodyKeyAuthentication(BaseAuthentication):
    """Generation 2: a POST with ``{"key": PUBLIC, "private_key": PRIVATE}`` in its body."""

    def authenticate(self, request: Any) -> tuple[Importer, Store] | None:
        return by_private_key(request, body_of(request))


class TokenAuthentication(BaseAuthentication):
    """Generation 3: the public ``key`` and ``X-Clerk-Authorization: Bearer TOKEN``."""

    @sensitive_variables("header", "token")
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
        return authenticated(store, tokens.verify(store.public_key_in_force, token))

    def get_store(self, request: Any) -> Store | None:
        """The store named by ``key`` (JSON body first, then the query string)."""
        key = text(body_of(request), "key") or text(request.query_params, "key")
        return store_for_public_key(key, request_stores(request))

    def authenticate_header(self, request: Any) -> str:
        return WWW_AUTHENTICATE


class FeedV2Authentication(TokenAuthentication):
    """Feed V2: the bearer token; the store is ``?key=`` or else the only active store."""

    def get_store(self, request: Any) -> Store | None:
        key = text(request.query_params, "key")
        stores = request_stores(request)
        if key:
            return store_for_public_key(key, stores)
        if len(stores) > 1:
            raise BadParameter("key", "is required: several stores are active.")
        return stores[0] if stores else None
