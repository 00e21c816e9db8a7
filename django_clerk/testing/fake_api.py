"""A fake of Clerk.io's REST API, served over real HTTP on 127.0.0.1 for tests and demos.

>>> with FakeClerkAPI() as fake:
...     settings.CLERK = {**settings.CLERK, "API_URL": fake.url}
...     ...  # code under test talks HTTP to the fake
...     assert fake.received("products")[0]["id"] == 1

Keys: the fake always knows the store ``("test-public-key", "test-private-key")``
(:data:`DEFAULT_PUBLIC_KEY`, :data:`DEFAULT_PRIVATE_KEY`); :meth:`FakeClerkAPI.add_store` adds
more. With ``strict_keys=True`` (the default) an unknown public key is refused and a wrong
private key on a data call gets Clerk's ``AuthenticationError`` (HTTP 403). With
``strict_keys=False`` unknown public keys are accepted with any non-empty private key; known
stores are still checked. :meth:`FakeClerkAPI.reset` returns to the state right after
construction (default store only, no data, no injected faults).

Parameters are read from the query string (JSON-looking values decoded) and the JSON body,
the body winning, as Clerk does. Every request is recorded, including refused and failed ones;
only successful data calls change :attr:`FakeClerkAPI.data`.
"""

from __future__ import annotations

import copy
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django_clerk import ENTITIES
from django_clerk.testing import _endpoints as endpoints
from django_clerk.testing.faults import FaultInjection, _Rule

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
PREFIX = "/v2/"


@dataclass
class RecordedRequest:
    """One request the fake received. ``path`` is relative to ``/v2/`` (``"token/verify"``).

    ``status`` is the HTTP status answered, ``None`` when the connection was dropped.
    """

    method: str
    path: str
    query: dict[str, Any]
    json: Any
    headers: dict[str, str]
    time: float
    status: int | None = None

    @property
    def params(self) -> dict[str, Any]:
        """Query and JSON body merged, the body winning (what Clerk reads)."""
        body = self.json if isinstance(self.json, dict) else {}
        return {**self.query, **body}


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
        server = _Server((self.host, self.port), _Handler)
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

    # -- state -----------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget requests, data, tokens, stores added and injected faults."""
        with self._lock:
            self._generation += 1
            self.stores: dict[str, str] = {DEFAULT_PUBLIC_KEY: DEFAULT_PRIVATE_KEY}
            self.tokens: dict[str, str] = {}
            self._requests: list[RecordedRequest] = []
            self.data: dict[str, dict[Any, dict[str, Any]]] = {e: {} for e in ENTITIES}
            self._received: dict[str, list[dict[str, Any]]] = {e: [] for e in ENTITIES}
            self._deleted: dict[str, list[Any]] = {e: [] for e in ENTITIES}
            self._logs: dict[str, list[dict[str, Any]]] = {}
            self._rules: list[_Rule] = []
            self._refused: dict[str, dict[str, tuple[str, str | None]]] = {}
            self._down: str | None = None
            self.products: list[dict[str, Any]] | None = None
            self.content_ids: list[str] = list(DEFAULT_CONTENT_IDS)

    def add_store(self, public_key: str, private_key: str) -> None:
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
        """Products for prediction/search answers; ``None`` = the products received."""
        with self._lock:
            self.products = None if products is None else [dict(p) for p in products]

    def set_contents(self, content_ids: Iterable[str]) -> None:
        with self._lock:
            self.content_ids = list(content_ids)

    # -- inspection ------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Recorded requests, optionally of one method and/or one path (``"products"``)."""
        wanted = path.strip("/") if path is not None else None
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and (wanted in (None, r.path))
        ]

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return len(self.calls(method, path))

    def received(self, entity: str) -> list[dict[str, Any]]:
        """Objects of ``entity`` accepted by upserts, in order (duplicates kept)."""
        with self._lock:
            return copy.deepcopy(self._received[entity])

    def deleted(self, entity: str) -> list[Any]:
        """Ids of ``entity`` accepted by deletes, in order."""
        with self._lock:
            return list(self._deleted[entity])

    def logged(self, path: str) -> list[dict[str, Any]]:
        """Parameters (without keys) of accepted ``log/*`` calls, e.g. ``logged("log/sale")``."""
        with self._lock:
            return copy.deepcopy(self._logs.get(path.strip("/"), []))

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

    def _store_objects(self, entity: str, objects: list[dict[str, Any]]) -> None:
        for obj in objects:
            self._received[entity].append(copy.deepcopy(obj))
            self.data[entity][obj["id"]] = copy.deepcopy(obj)

    def _delete_ids(self, entity: str, ids: list[Any]) -> None:
        for obj_id in ids:
            self._deleted[entity].append(obj_id)
            self.data[entity].pop(obj_id, None)

    def _log(self, path: str, params: Mapping[str, Any]) -> None:
        clean = {k: v for k, v in params.items() if k not in ("key", "private_key")}
        self._logs.setdefault(path, []).append(copy.deepcopy(clean))

    def _catalogue(self) -> list[dict[str, Any]]:
        source = self.products if self.products is not None else self.data["products"].values()
        return [dict(p) for p in source]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeClerkAPI


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeClerkAPI/1.0"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path[len(PREFIX) :] if parts.path.startswith(PREFIX) else parts.path
        query = {k: _decode(v) for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        params: dict[str, Any] | None = dict(query)
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            params = {**query, **body} if isinstance(body, dict) else None
        record = RecordedRequest(
            self.command, path.strip("/"), query, body, dict(self.headers.items()), time.time()
        )
        if not parts.path.startswith(PREFIX):
            answer: endpoints.Answer | None = endpoints.Answer(
                *endpoints.error("LogicalError", "Unknown API", 404)
            )
        else:
            answer = self.server.fake._handle(record, params)
        with self.server.fake._lock:
            record.status = None if answer is None else answer.status
        if answer is None:
            self.close_connection = True
            return
        if isinstance(answer.payload, str):
            content, ctype = answer.payload.encode(), "text/html; charset=utf-8"
        else:
            content, ctype = json.dumps(answer.payload).encode(), "application/json"
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(content)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True


def _decode(value: str) -> Any:
    """A query value as Clerk reads it: JSON lists/objects decoded, the rest kept as text."""
    if value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
