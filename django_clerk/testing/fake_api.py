"""A fake of Clerk.io's REST API, served over real HTTP on 127.0.0.1 for tests and demos.

>>> with FakeClerkAPI() as fake:
...     settings.CLERK = {**settings.CLERK, "API_URL": fake.url}
...     ...  # code under test talks HTTP to the fake
...     assert fake.received("products")[0]["id"] == 1

Stores: the fake always knows the store ``("test-public-key", "test-private-key")``
(:data:`DEFAULT_PUBLIC_KEY`, :data:`DEFAULT_PRIVATE_KEY`); :meth:`FakeClerkAPI.add_store` adds
more. Each store (public key) keeps data of its own, and recommendations and searches are
answered from it (:mod:`django_clerk.testing.answers`); what each received is inspected with
:meth:`FakeClerkAPI.received`, :meth:`FakeClerkAPI.store_data` and friends, or over HTTP
under ``/_fake/`` (:mod:`django_clerk.testing.inspection`).

With ``strict_keys=True`` (the default) an unknown public key is refused and a wrong
private key on a data call gets Clerk's ``AuthenticationError`` (HTTP 403). With
``strict_keys=False`` unknown public keys are accepted with any non-empty private key; known
stores are still checked. :meth:`FakeClerkAPI.reset` returns to the state right after
construction (default store only, no data, no injected faults).

Parameters are read from the query string (JSON-looking values decoded) and the JSON body,
the body winning, as Clerk does. Every request is recorded, including refused and failed ones;
only successful data calls change the stores' data.
"""

from __future__ import annotations

import copy
import hmac
import secrets
import threading
from collections.abc import Iterable, Mapping
from http.server import ThreadingHTTPServer
from typing import Any

from django_clerk import ENTITIES
from django_clerk.testing import _endpoints as endpoints
from django_clerk.testing._http import PREFIX, SANDBOX_JS_PATH, Handler, Server
from django_clerk.testing.faults import FaultInjection, _Rule
from django_clerk.testing.recording import RecordedRequest

__all__ = [
    "DEFAULT_CONTENT_IDS",
    "DEFAULT_PRIVATE_KEY",
    "DEFAULT_PUBLIC_KEY",
    "FakeClerkAPI",
    "RecordedRequest",
]

DEFAULT_PUBLIC_KEY = "test-public-key"
DEFAULT_PRIVATE_KEY = "test-private-key"
DEFAULT_CONTENT_IDS: tuple[str, ...] = (
    "product-page-alternatives",
    "product-page-others-also-bought",
    "category-page-popular",
    "cart-others-also-bought",
    "power-step-others-also-bought",
    "power-step-visitor-complementary",
    "power-step-popular",
    "exit-intent",
    "search-page",
    "live-search",
)


class FakeClerkAPI(FaultInjection):
    """Clerk.io's REST API, faked on ``host:port`` (``port=0`` picks a free port)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, strict_keys: bool = True):
        self.host = host
        self.port = port
        self.strict_keys = strict_keys
        self._lock = threading.RLock()
        self._stopped = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._generation = 0
        self.reset()

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeClerkAPI:
        """Serve in a daemon thread; a no-op when already serving."""
        if self._server is not None:
            return self
        self._stopped.clear()
        server = Server((self.host, self.port), Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.name = f"FakeClerkAPI:{server.server_address[1]}"
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hanging requests are woken and dropped. Returns promptly."""
        self._stopped.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> FakeClerkAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The ``API_URL`` to configure: ``http://127.0.0.1:PORT/v2/``."""
        if self._server is None:
            raise RuntimeError("FakeClerkAPI is not started")
        return f"http://{self.host}:{self._server.server_address[1]}{PREFIX}"

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``: where ``/_fake/...`` (inspection, sandbox Clerk.js) live."""
        return self.url[: -len(PREFIX)]

    @property
    def sandbox_js_url(self) -> str:
        """The sandbox stand-in for Clerk.js, to put in ``CLERK["CLERK_JS_URL"]``."""
        return self.origin + SANDBOX_JS_PATH

    # -- state -----------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget requests, data, tokens, stores added and injected faults."""
        with self._lock:
            self._generation += 1
            self.stores: dict[str, str] = {DEFAULT_PUBLIC_KEY: DEFAULT_PRIVATE_KEY}
            self.tokens: dict[str, str] = {}
            self._requests: list[RecordedRequest] = []
            # Per store (public key): entity -> id -> the object last upserted.
            self._data: dict[str, dict[str, dict[Any, dict[str, Any]]]] = {}
            # In arrival order, each with the public key of its store.
            self._received: dict[str, list[tuple[str, dict[str, Any]]]] = {e: [] for e in ENTITIES}
            self._deleted: dict[str, list[tuple[str, Any]]] = {e: [] for e in ENTITIES}
            self._logs: dict[str, list[tuple[str, dict[str, Any]]]] = {}
            self._rules: list[_Rule] = []
            self._refused: dict[str, dict[str, tuple[str, str | None]]] = {}
            self._down: str | None = None
            self.products: list[dict[str, Any]] | None = None
            self.content_ids: list[str] = list(DEFAULT_CONTENT_IDS)

    def add_store(self, public_key: str, private_key: str) -> None:
        """Know the store ``public_key``; its data calls must carry ``private_key``."""
        with self._lock:
            self.stores[public_key] = private_key

    def issue_token(self, public_key: str = DEFAULT_PUBLIC_KEY) -> str:
        """A token that ``token/verify`` accepts for ``public_key`` (until :meth:`reset`)."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = public_key
        return token

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self.tokens.pop(token, None)

    def set_products(self, products: Iterable[Mapping[str, Any]] | None) -> None:
        """Products for prediction/search answers of every store; ``None`` = each store's
        products received."""
        with self._lock:
            self.products = None if products is None else [dict(p) for p in products]

    def set_contents(self, content_ids: Iterable[str]) -> None:
        with self._lock:
            self.content_ids = list(content_ids)

    # -- inspection ------------------------------------------------------------------------
    @property
    def data(self) -> dict[str, dict[Any, dict[str, Any]]]:
        """The objects held, entity -> id -> object, of every store together (a copy; a store
        added later wins on a shared id). :meth:`store_data` gives one store's."""
        with self._lock:
            merged: dict[str, dict[Any, dict[str, Any]]] = {e: {} for e in ENTITIES}
            for held in self._data.values():
                for entity, objects in held.items():
                    merged[entity].update(copy.deepcopy(objects))
            return merged

    def store_data(self, public_key: str) -> dict[str, dict[Any, dict[str, Any]]]:
        """The objects held for the store ``public_key``: entity -> id -> object (a copy)."""
        with self._lock:
            held = self._data.get(public_key) or {e: {} for e in ENTITIES}
            return copy.deepcopy(held)

    def store_keys(self) -> list[str]:
        """Public keys of the stores known or written to, in the order first seen."""
        with self._lock:
            return list(dict.fromkeys([*self.stores, *self._data]))

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def calls(
        self, method: str | None = None, path: str | None = None, *, store: str | None = None
    ) -> list[RecordedRequest]:
        """Recorded requests, optionally of one method, one path (``"products"``) and/or one
        store (the public ``key`` the request named)."""
        wanted = path.strip("/") if path is not None else None
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (wanted in (None, r.path))
            and (store is None or r.store == store)
        ]

    def count(
        self, path: str | None = None, method: str | None = None, *, store: str | None = None
    ) -> int:
        return len(self.calls(method, path, store=store))

    def received(self, entity: str, store: str | None = None) -> list[dict[str, Any]]:
        """Objects of ``entity`` accepted by upserts, in order (duplicates kept); of every
        store, or of the store whose public key is ``store``."""
        with self._lock:
            return [copy.deepcopy(o) for k, o in self._received[entity] if store in (None, k)]

    def deleted(self, entity: str, store: str | None = None) -> list[Any]:
        """Ids of ``entity`` accepted by deletes, in order; of every store or of ``store``."""
        with self._lock:
            return [i for k, i in self._deleted[entity] if store in (None, k)]

    def logged(self, path: str, store: str | None = None) -> list[dict[str, Any]]:
        """Parameters (without keys) of accepted ``log/*`` calls, e.g. ``logged("log/sale")``;
        of every store or of ``store``."""
        with self._lock:
            entries = self._logs.get(path.strip("/"), [])
            return [copy.deepcopy(p) for k, p in entries if store in (None, k)]

    def log_paths(self) -> list[str]:
        with self._lock:
            return list(self._logs)

    # -- request handling (called by the handler thread) -----------------------------------
    def _handle(
        self, record: RecordedRequest, params: dict[str, Any] | None
    ) -> endpoints.Answer | None:
        """The answer to ``record``; ``None`` to drop the connection."""
        with self._lock:
            self._requests.append(record)
            generation, down = self._generation, self._down
            # Faults are decided on arrival: a request left hanging must not take a fault
            # that was meant for a later one.
            hang = fault = None
            if not down:
                hang = self._take_rule(("hang",), record.method, record.path)
                fault = self._take_rule(("fail", "rate_limit", "error"), record.method, record.path)
        if down == "close":
            return None
        if down == "503":
            return endpoints.html(503)
        if hang is not None:
            self._stopped.wait(hang.options["seconds"])
            if self._stopped.is_set():
                return None
        if fault is not None:
            return endpoints.fault_answer(fault)
        with self._lock:
            if generation != self._generation:
                return None
            if params is None:
                return endpoints.Answer(
                    *endpoints.error("ParsingError", "The body is not a JSON object")
                )
            status, payload = endpoints.dispatch(self, record.method, record.path, params)
            return endpoints.Answer(status, payload)

    # Helpers for :mod:`django_clerk.testing._endpoints` (called with the lock held).
    def _check_keys(self, params: Mapping[str, Any], *, private: bool) -> str | None:
        """An error message if the keys are not acceptable, else ``None``."""
        key = params.get("key")
        if not isinstance(key, str) or not key:
            return "Missing the public key: `key`"
        expected = self.stores.get(key)
        if expected is None and self.strict_keys:
            return "Invalid API key"
        if not private:
            return None
        given = params.get("private_key")
        if not isinstance(given, str) or not given:
            return "Missing the private key: `private_key`"
        if expected is not None and not hmac.compare_digest(given.encode(), expected.encode()):
            return "Invalid private key"
        return None

    def _held(self, public_key: str) -> dict[str, dict[Any, dict[str, Any]]]:
        return self._data.setdefault(public_key, {e: {} for e in ENTITIES})

    def _store_objects(self, store: str, entity: str, objects: list[dict[str, Any]]) -> None:
        held = self._held(store)[entity]
        for obj in objects:
            self._received[entity].append((store, copy.deepcopy(obj)))
            held[obj["id"]] = copy.deepcopy(obj)

    def _delete_ids(self, store: str, entity: str, ids: list[Any]) -> None:
        held = self._held(store)[entity]
        for obj_id in ids:
            self._deleted[entity].append((store, obj_id))
            held.pop(obj_id, None)

    def _log(self, store: str, path: str, params: Mapping[str, Any]) -> None:
        clean = {k: v for k, v in params.items() if k not in ("key", "private_key")}
        self._logs.setdefault(path, []).append((store, copy.deepcopy(clean)))

    def _catalogue(self, store: str) -> list[dict[str, Any]]:
        """The products answers are made of: :meth:`set_products`'s, else the store's."""
        if self.products is not None:
            return [dict(p) for p in self.products]
        return [dict(p) for p in self._held(store)["products"].values()]
