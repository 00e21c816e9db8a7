"""The HTTP side of :class:`~django_clerk.testing.fake_api.FakeClerkAPI`: Clerk's API under
``/v2/``, the inspection routes under ``/_fake/`` (see :mod:`django_clerk.testing.inspection`)
and the sandbox Clerk.js at ``/_fake/clerk.js``.

Every answer allows any origin (``Access-Control-Allow-Origin: *``), as Clerk's API does, so
a storefront's script on another port can call the fake.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from django_clerk.testing import _endpoints as endpoints
from django_clerk.testing import inspection
from django_clerk.testing.recording import RecordedRequest

if TYPE_CHECKING:
    from django_clerk.testing.fake_api import FakeClerkAPI

PREFIX = "/v2/"
SANDBOX_JS_PATH = "/_fake/clerk.js"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, DELETE, PUT, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, X-Clerk-Authorization",
    "Access-Control-Max-Age": "600",
}


def sandbox_js() -> bytes:
    """The sandbox stand-in for Clerk.js shipped with the fake."""
    return resources.files("django_clerk.testing").joinpath("sandbox_clerk.js").read_bytes()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeClerkAPI


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "FakeClerkAPI/1.0"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_OPTIONS(self) -> None:
        """A CORS preflight: allowed, nothing recorded."""
        self._send(204, b"", "text/plain")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        query = {k: _decode(v) for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if parts.path == SANDBOX_JS_PATH:
            self._send(200, sandbox_js(), "text/javascript; charset=utf-8")
            return
        if parts.path.startswith(inspection.PREFIX):
            status, payload = inspection.answer(self.server.fake, self.command, parts.path, query)
            self._send(status, json.dumps(payload).encode(), "application/json")
            return
        path = parts.path[len(PREFIX) :] if parts.path.startswith(PREFIX) else parts.path
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
        self._send(answer.status, content, ctype, answer.headers)

    def _send(
        self, status: int, content: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(content)))
            for name, value in {**CORS_HEADERS, **(headers or {})}.items():
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
