"""Renderers of the feeds: a JSON array (pretty with ``debug``) and NDJSON, one object a line.

JSON is written as UTF-8 text, except U+2028 and U+2029 (LINE/PARAGRAPH SEPARATOR) and
U+0085 (NEXT LINE), which are escaped (``\\u2028``, ``\\u2029``, ``\\u0085``): a consumer
splitting NDJSON on Unicode line breaks (Python's ``str.splitlines``, JavaScript before
ES2019 for the first two) would cut an object in two. A string that cannot be UTF-8 (a lone
surrogate) is escaped too, never a failed response.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_pretty = json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=False).encode
_ascii_compact = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_ascii_pretty = json.JSONEncoder(indent=2, allow_nan=False).encode
#: Line breaks of ``str.splitlines`` (and of JavaScript, for U+2028/U+2029) that JSON does
#: not escape: U+0085 NEXT LINE, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR. Looked
#: for in the text, not in its UTF-8: a text of Latin-1 characters only cannot hold the last
#: two, which Python then answers without reading it.
_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _escape_line_breaks(text: str) -> str:
    """JSON text with :data:`_LINE_BREAKS` escaped: they can only be inside its strings,
    where the escape means the same character."""
    for raw, escaped in _LINE_BREAKS:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def _utf8(text: str, data: Any, pretty: bool) -> bytes:
    """JSON ``text`` of ``data`` as UTF-8, line breaks escaped; ASCII-only JSON if ``text``
    holds a lone surrogate."""
    try:
        return _escape_line_breaks(text).encode()
    except UnicodeEncodeError:
        return (_ascii_pretty if pretty else _ascii_compact)(data).encode()


def _wants_pretty(renderer_context: Mapping[str, Any] | None) -> bool:
    view = (renderer_context or {}).get("view")
    return bool(getattr(view, "pretty", False))


class StreamingRenderer(BaseRenderer):
    """A renderer that also writes a whole feed, chunk by chunk (``limit=all``)."""

    def stream(
        self, items: Iterable[list[dict[str, Any]]], pretty: bool = False
    ) -> Iterator[bytes]:
        raise NotImplementedError


class JSONRenderer(StreamingRenderer):
    """A compact JSON document, UTF-8; indented when the view asks for it (``debug``)."""

    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition: no charset parameter

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        pretty = _wants_pretty(renderer_context)
        return _utf8((_pretty if pretty else _compact)(data), data, pretty)

    def stream(
        self, items: Iterable[list[dict[str, Any]]], pretty: bool = False
    ) -> Iterator[bytes]:
        """A JSON array written chunk by chunk, for whole-feed exports."""
        encode = _pretty if pretty else _compact
        first = True
        yield b"["
        for chunk in items:
            for item in chunk:
                yield (b"" if first else b",") + _utf8(encode(item), item, pretty)
                first = False
        yield b"]"


class NDJSONRenderer(StreamingRenderer):
    """Newline-delimited JSON (``application/x-ndjson``): one object per line."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if isinstance(data, dict):  # an error body
            return _utf8(_compact(data), data, False) + b"\n"
        return _lines(data)

    def stream(
        self, items: Iterable[list[dict[str, Any]]], pretty: bool = False
    ) -> Iterator[bytes]:
        for chunk in items:
            yield _lines(chunk)


def _lines(items: list[dict[str, Any]]) -> bytes:
    """One JSON object a line, ``\\n``-terminated; no other line break in the output."""
    text = "".join(_compact(item) + "\n" for item in items)
    try:
        return _escape_line_breaks(text).encode()
    except UnicodeEncodeError:  # a lone surrogate somewhere: ASCII-only where needed
        return b"".join(_utf8(_compact(item), item, False) + b"\n" for item in items)


class FeedContentNegotiation(BaseContentNegotiation):
    """NDJSON when the ``Accept`` header names ``application/x-ndjson``, JSON otherwise.

    Importers send all kinds of ``Accept`` headers; an unknown one is not worth a 406.
    """

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        content_type = request.content_type.split(";")[0].strip().lower()
        parsers = list(parsers)
        for parser in parsers:
            if parser.media_type == content_type:
                return parser
        return parsers[0] if parsers else None  # a body without a known type: try JSON

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        accept = request.META.get("HTTP_ACCEPT", "").lower()
        renderers = list(renderers)
        for renderer in renderers:
            if renderer.media_type != "application/json" and renderer.media_type in accept:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type
