"""Renderers of the feeds: a JSON array (pretty with ``debug``) and NDJSON, one object a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_pretty = json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=False).encode


def _wants_pretty(renderer_context: dict[str, Any] | None) -> bool:
    view = (renderer_context or {}).get("view")
    return bool(getattr(view, "pretty", False))


class JSONRenderer(BaseRenderer):
    """A compact JSON document, UTF-8; indented when the view asks for it (``debug``)."""

    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition: no charset parameter

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if data is None:
            return b""
        encode = _pretty if _wants_pretty(renderer_context) else _compact
        return encode(data).encode()

    def stream(
        self, items: Iterable[list[dict[str, Any]]], pretty: bool = False
    ) -> Iterator[bytes]:
        """A JSON array written chunk by chunk, for whole-feed exports."""
        encode = _pretty if pretty else _compact
        first = True
        yield b"["
        for chunk in items:
            for item in chunk:
                yield (b"" if first else b",") + encode(item).encode()
                first = False
        yield b"]"


class NDJSONRenderer(BaseRenderer):
    """Newline-delimited JSON (``application/x-ndjson``): one object per line."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict):  # an error body
            return (_compact(data) + "\n").encode()
        return "".join(_compact(item) + "\n" for item in data).encode()

    def stream(
        self, items: Iterable[list[dict[str, Any]]], pretty: bool = False
    ) -> Iterator[bytes]:
        for chunk in items:
            yield "".join(_compact(item) + "\n" for item in chunk).encode()


class FeedContentNegotiation(BaseContentNegotiation):
    """NDJSON when the ``Accept`` header names ``application/x-ndjson``, JSON otherwise.

    Importers send all kinds of ``Accept`` headers; an unknown one is not worth a 406.
    """

    def select_parser(self, request, parsers):
        content_type = request.content_type.split(";")[0].strip().lower()
        for parser in parsers:
            if parser.media_type == content_type:
                return parser
        return parsers[0] if parsers else None  # a body without a known type: try JSON

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "").lower()
        for renderer in renderers:
            if renderer.media_type != "application/json" and renderer.media_type in accept:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type
