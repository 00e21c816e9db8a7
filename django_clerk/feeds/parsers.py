"""Parsers of the feed request bodies: JSON and form data, any malformed input a 4xx.

DRF reads a JSON or form body through ``request.body``, so Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` applies (413, see :mod:`django_clerk.feeds.errors`) and
``DATA_UPLOAD_MAX_NUMBER_FIELDS`` limits form fields (400). On top of DRF's parsers: a JSON
body nested deeper than :data:`MAX_DEPTH`, one the decoder cannot take (nesting beyond
Python's recursion limit, an integer of thousands of digits, a lone UTF-16 surrogate such as
``"\\ud800"``) or one that is not text in its charset is a 400 whose message never repeats
the body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict  # the stubs' type of a read-only one
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings
from rest_framework.utils import json as drf_json

from django_clerk.feeds.errors import BadRequest

#: The deepest nesting of arrays and objects a feed request body may have.
MAX_DEPTH = 32
#: ``\uD800``-``\uDFFF`` escapes: the only way a JSON text holds a lone surrogate.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class FeedJSONParser(parsers.JSONParser):
    """DRF's JSON parser; malformed, too deep or not-Unicode bodies are a 400."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        body = stream.read()
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(f"JSON parse error - the body is not {encoding} text.") from None
        constant = drf_json.strict_constant if api_settings.STRICT_JSON else None
        try:
            data = json.loads(text, parse_constant=constant)
        except json.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc.msg} at position {exc.pos}.") from None
        except (ValueError, RecursionError):  # huge integers, nesting past the stack
            raise ParseError("JSON parse error - the body cannot be decoded.") from None
        check_structure(data, surrogates=SURROGATE_ESCAPE.search(body) is not None)
        return data


class FeedFormParser(parsers.FormParser):
    """DRF's form parser; more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` is a 400."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> _ImmutableQueryDict:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return QueryDict(stream.read(), encoding=encoding)
        except TooManyFieldsSent:
            raise BadRequest("The request has too many fields.") from None
        except (ValueError, LookupError):
            raise ParseError("Form parse error - the body cannot be decoded.") from None


def check_structure(data: Any, *, surrogates: bool) -> None:
    """Refuse (400) nesting deeper than :data:`MAX_DEPTH` and, when ``surrogates``, strings
    with a lone surrogate. Iterative: a deep document cannot exhaust the stack here."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            items: Any = value.values()
            if surrogates:
                pending.extend((key, depth) for key in value)
        elif isinstance(value, list):
            items = value
        else:
            if surrogates and isinstance(value, str) and not is_unicode(value):
                raise ParseError("JSON parse error - a string holds a lone surrogate.")
            continue
        if depth >= MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        pending.extend((item, depth + 1) for item in items)


def is_unicode(text: str) -> bool:
    """Whether ``text`` can be encoded (no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
