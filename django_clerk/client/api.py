"""The server-side Clerk.io API client: :class:`ClerkClient`.

Conventions:

* The private key (and an importer's token) never appear in a log record, an exception
  message, ``repr()``, or the frame variables of Django's error reports (every function that
  holds one is marked with ``sensitive_variables``).
* Settings (``CLERK["API_URL"]``, ``API_TIMEOUT``, ``API_RETRIES``, ``API_BACKOFF``) are read at
  call time unless given to the constructor, so ``override_settings`` works.
* Data calls (upsert, delete, account) need the private key; prediction calls (recommendations,
  search, campaigns, log/*) use the public key only and are sent as **POST with a JSON body**
  (Clerk accepts GET and POST alike; a body keeps lists and dicts typed and URLs short).
* Prediction and search calls return a :class:`ClerkResult`; the others return Clerk's answer
  as a dict. Every failure raises a :class:`~django_clerk.client.errors.ClerkError`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from django.views.decorators.debug import sensitive_variables

from django_clerk import ENTITIES
from django_clerk.client.errors import (
    AUTHENTICATION_ERROR,
    ClerkAPIError,
    ClerkAuthenticationError,
    ClerkTransientError,
    Failure,
    classify,
)
from django_clerk.client.labels import as_labels, default_labels, page_name
from django_clerk.client.privacy_calls import PrivacyCalls
from django_clerk.client.tracking_calls import TrackingCalls
from django_clerk.client.transport import Transport
from django_clerk.client.visitor import get_visitor_id
from django_clerk.conf import clerk_settings

MAX_BATCH = 1000
"""Most objects or ids sent in one upsert/delete call; bigger lists are split."""
VERIFY_MAX_RETRIES = 1
"""Token verification runs inside an importer's request: retry at most once."""


@dataclass(frozen=True)
class ClerkResult:
    """The answer of a prediction or search call.

    ``result`` holds the ids Clerk returned, ``count`` the total number of matches (when Clerk
    says), ``product_data`` the product attributes asked for with ``attributes``.
    """

    result: list[Any]
    count: int | None
    facets: dict[str, Any] | None
    product_data: list[dict[str, Any]] | None
    raw: dict[str, Any]

    @classmethod
    def from_response(cls, raw: dict[str, Any]) -> ClerkResult:
        result = raw.get("result")
        count = raw.get("count")
        facets = raw.get("facets")
        product_data = raw.get("product_data")
        return cls(
            result=list(result) if isinstance(result, list) else [],
            count=count if isinstance(count, int) and not isinstance(count, bool) else None,
            facets=facets if isinstance(facets, dict) else None,
            product_data=product_data if isinstance(product_data, list) else None,
            raw=raw,
        )

    def __iter__(self) -> Iterator[Any]:
        return iter(self.result)

    def __len__(self) -> int:
        return len(self.result)


class ClerkClient(TrackingCalls, PrivacyCalls):
    """Calls Clerk.io's REST API for one store (one public/private key pair).

    :param public_key: the store's public API key.
    :param private_key: the private key, needed only for data calls. Never logged nor shown.
    :param api_url: base URL (``CLERK["API_URL"]`` when ``None``).
    :param timeout: seconds per HTTP attempt (``CLERK["API_TIMEOUT"]`` when ``None``).
    :param retries: extra attempts on transient failures (``CLERK["API_RETRIES"]``); 0 = once.
    :param backoff: first backoff in seconds, doubled each retry (``CLERK["API_BACKOFF"]``).
    :param session: a ``requests.Session`` to share; by default the client owns one.
    :param sleep: the sleep function between retries (inject one in tests).
    """

    @sensitive_variables("private_key")
    def __init__(
        self,
        public_key: str,
        private_key: str = "",
        *,
        api_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.public_key = public_key
        self._private_key = private_key or ""
        self._api_url = api_url
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._visitor: str | None = None
        self._labels: list[str] | None = None
        self._page = ""
        self.transport = Transport(session, sleep=sleep)

    @classmethod
    @sensitive_variables("credentials")
    def for_store(cls, store: Any, **kwargs: Any) -> ClerkClient:
        """A client for ``store``: anything whose ``credentials()`` has the two keys."""
        credentials = store.credentials()
        return cls(credentials.public_key, credentials.private_key, **kwargs)

    def with_visitor(self, visitor: Any) -> ClerkClient:
        """A copy (sharing the HTTP session) whose prediction and log calls send ``visitor``
        unless told otherwise: an id, or a Django request (:func:`~django_clerk.client.
        visitor.get_visitor_id`), whose URL name is the page of the default labels."""
        bound = copy.copy(self)
        bound._visitor = visitor if isinstance(visitor, str) else get_visitor_id(visitor)
        bound._page = "" if isinstance(visitor, str) else page_name(visitor)
        return bound

    def labelled(self, labels: str | Iterable[str]) -> ClerkClient:
        """A copy whose results calls carry ``labels`` (one or a list) unless told otherwise."""
        bound = copy.copy(self)
        bound._labels = as_labels(labels)
        return bound

    def __repr__(self) -> str:
        return f"<ClerkClient public_key={self.public_key!r} api_url={self.api_url!r}>"

    def close(self) -> None:
        """Close the HTTP session if the client created it."""
        self.transport.close()

    def __enter__(self) -> ClerkClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- configuration, resolved at call time -------------------------------------------
    @property
    def has_private_key(self) -> bool:
        return bool(self._private_key)

    @property
    def api_url(self) -> str:
        url = self._api_url if self._api_url is not None else clerk_settings.API_URL
        return url if url.endswith("/") else url + "/"

    @property
    def timeout(self) -> float:
        return float(self._timeout if self._timeout is not None else clerk_settings.API_TIMEOUT)

    @property
    def retries(self) -> int:
        return int(self._retries if self._retries is not None else clerk_settings.API_RETRIES)

    @property
    def backoff(self) -> float:
        return float(self._backoff if self._backoff is not None else clerk_settings.API_BACKOFF)

    # -- plumbing --------------------------------------------------------------------------
    @sensitive_variables("data", "params")
    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        private: bool = False,
        retries: int | None = None,
    ) -> dict[str, Any]:
        """Send ``params`` plus the key(s): in the query for GET/DELETE, in the body for POST."""
        data: dict[str, Any] = {"key": self.public_key}
        if private:
            if not self._private_key:
                raise ClerkAuthenticationError(
                    f"Clerk.io {path} needs the store's private key, and none is configured",
                    type=AUTHENTICATION_ERROR,
                )
            data["private_key"] = self._private_key
        data.update({k: v for k, v in (params or {}).items() if v is not None})
        in_query = method in ("GET", "DELETE")
        return self.transport.request(
            method,
            self.api_url + path.lstrip("/"),
            params=data if in_query else None,
            json_body=None if method == "GET" else data,
            timeout=self.timeout,
            retries=self.retries if retries is None else retries,
            backoff=self.backoff,
            secrets=(self._private_key,),
        )

    def _predict(self, path: str, params: dict[str, Any]) -> ClerkResult:
        """A results call: with the client's visitor and labels unless ``params`` name them."""
        params = {**params, "visitor": self._with_visitor(params.get("visitor"))}
        params["labels"] = as_labels(params.get("labels")) or self._labels
        if params["labels"] is None:
            params["labels"] = default_labels(path, self._page)
        return ClerkResult.from_response(self._call("POST", path, params))

    def _with_visitor(self, visitor: str | None) -> str | None:
        return visitor if visitor is not None else self._visitor

    # -- data and account ------------------------------------------------------------------
    @sensitive_variables("token")
    def verify_token(self, token: str) -> bool:
        """Whether Clerk vouches for an importer's ``X-Clerk-Authorization`` token.

        ``True`` only for ``{"status": "ok"}``; ``False`` when Clerk rejects it.
        :raises ClerkTransientError: Clerk could not be asked (a feed answers 503).
        """
        if not token or not self.public_key:
            return False
        try:
            self._call(
                "POST",
                "token/verify",
                {"token": token},
                retries=min(self.retries, VERIFY_MAX_RETRIES),
            )
        except ClerkAPIError as exc:
            if classify(exc) is Failure.TRANSIENT:  # Clerk's own trouble says nothing of it
                raise ClerkTransientError(f"token/verify failed: {exc.type or 'error'}") from None
            return False
        return True

    def upsert(self, entity: str, objects: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Create or replace ``objects`` of ``entity`` (``products``, ``orders``...) in Clerk.

        Lists longer than :data:`MAX_BATCH` are sent in several calls; upserts are idempotent,
        so repeating the whole call after a failure is safe. Returns Clerk's last answer.
        """
        _check_entity(entity)
        answer: dict[str, Any] = {"status": "ok"}
        for chunk in _chunks(list(objects)):
            answer = self._call("POST", entity, {entity: chunk}, private=True)
        return answer

    def delete(self, entity: str, ids: Iterable[Any]) -> dict[str, Any]:
        """Delete the ``ids`` of ``entity`` from Clerk.

        Sent as the official extensions do (key, private key and the JSON list of ids in the
        query string) and in a JSON body as well. Split like :meth:`upsert`.
        """
        _check_entity(entity)
        answer: dict[str, Any] = {"status": "ok"}
        for chunk in _chunks(list(ids)):
            answer = self._call("DELETE", entity, {entity: chunk}, private=True)
        return answer

    def account_info(self) -> dict[str, Any]:
        """``client/account/info``: checks both keys and describes the store."""
        return self._call("GET", "client/account/info", private=True)

    def content_list(self) -> dict[str, Any]:
        """``client/account/content/list``: the store's Contents (``{"contents": [...]}``)."""
        return self._call("GET", "client/account/content/list", private=True)

    def content_ids(self) -> list[str]:
        """The ids of the store's Contents, for admin dropdowns."""
        contents = self.content_list().get("contents") or []
        return [str(c["id"]) if isinstance(c, dict) else str(c) for c in contents]

    def log_debug(self, message: str, level: str = "log", **metadata: Any) -> dict[str, Any]:
        """Send a line to Clerk's remote log (``log/debug``); ``level`` is log|warn|error."""
        params = {
            "source": "django-clerk",
            "type": level,
            "message": message,
            "time": int(time.time()),
        }
        if metadata:
            params["metadata"] = metadata
        return self._call("POST", "log/debug", params)

    # -- prediction API (public key only, POST JSON) --------------------------------------
    def recommendations(self, logic: str, **params: Any) -> ClerkResult:
        """``recommendations/{logic}``, e.g. ``"substituting"``, ``"category/popular"``."""
        return self._predict(f"recommendations/{logic.strip('/')}", params)

    def substituting(self, products: Any, **kw: Any) -> ClerkResult:
        """Alternatives to ``products`` (one id or a list)."""
        return self.recommendations("substituting", products=_as_list(products), **kw)

    def complementary(self, products: Any, **kw: Any) -> ClerkResult:
        """Products bought together with ``products``."""
        return self.recommendations("complementary", products=_as_list(products), **kw)

    def bundle(self, products: Any, **kw: Any) -> ClerkResult:
        return self.recommendations("bundle", products=_as_list(products), **kw)

    def popular(self, limit: int = 10, **kw: Any) -> ClerkResult:
        return self.recommendations("popular", limit=limit, **kw)

    def trending(self, limit: int = 10, **kw: Any) -> ClerkResult:
        return self.recommendations("trending", limit=limit, **kw)

    def new(self, limit: int = 10, **kw: Any) -> ClerkResult:
        return self.recommendations("new", limit=limit, **kw)

    def currently_watched(self, limit: int = 10, **kw: Any) -> ClerkResult:
        return self.recommendations("currently_watched", limit=limit, **kw)

    def recently_bought(self, limit: int = 10, **kw: Any) -> ClerkResult:
        return self.recommendations("recently_bought", limit=limit, **kw)

    def category_popular(self, category: Any, **kw: Any) -> ClerkResult:
        return self.recommendations("category/popular", category=category, **kw)

    def visitor_history(self, visitor: str | None = None, **kw: Any) -> ClerkResult:
        return self.recommendations("visitor/history", visitor=self._with_visitor(visitor), **kw)

    def customer_history(self, email: str, **kw: Any) -> ClerkResult:
        return self.recommendations("customer/history", email=email, **kw)

    def keywords(self, keywords: Any, **kw: Any) -> ClerkResult:
        return self.recommendations("keywords", keywords=_as_list(keywords), **kw)

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        filter: str | None = None,
        facets: list[str] | None = None,
        orderby: str | None = None,
        order: str | None = None,
        language: str | None = None,
        attributes: list[str] | None = None,
        visitor: str | None = None,
        labels: list[str] | None = None,
        **extra: Any,
    ) -> ClerkResult:
        """``search/search``: full search with paging, filters, facets and sorting."""
        params = {
            "query": query,
            "limit": limit,
            "offset": offset,
            "filter": filter,
            "facets": facets,
            "orderby": orderby,
            "order": order,
            "language": language,
            "attributes": attributes,
            "visitor": visitor,
            "labels": labels,
            **extra,
        }
        return self._predict("search/search", params)

    def predictive(self, query: str, **kw: Any) -> ClerkResult:
        """``search/predictive``: the live search as the visitor types."""
        return self._predict("search/predictive", {"query": query, **kw})

    def search_categories(self, query: str, **kw: Any) -> ClerkResult:
        return self._predict("search/categories", {"query": query, **kw})

    def search_pages(self, query: str, **kw: Any) -> ClerkResult:
        return self._predict("search/pages", {"query": query, **kw})

    def campaign_customers(self, interest: Any, **kw: Any) -> ClerkResult:
        """``campaigns/customers``: customers likely to buy ``interest`` (product ids)."""
        return self._predict("campaigns/customers", {"interest": _as_list(interest), **kw})


def _check_entity(entity: str) -> None:
    if entity not in ENTITIES:
        raise ValueError(f"Unknown Clerk entity {entity!r}; expected one of {', '.join(ENTITIES)}")


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), MAX_BATCH):
        yield items[start : start + MAX_BATCH]


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]
