"""Values made safe for the place they land in: JSON inside ``<script>``, HTML attributes.

HTML attribute values are escaped by the templates' autoescaping; this module turns Python
values into the JSON text Clerk.js reads, and makes JSON safe inside a ``<script>`` element,
where HTML escaping does not apply: ``<``, ``>``, ``&`` and U+2028/U+2029 become ``\\uXXXX``
escapes (as Django's ``json_script`` does), so a product named
``</script><script>alert(1)</script>`` cannot close the element.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, KeysView, Mapping, ValuesView
from typing import Any

from django.db import models
from django.utils.safestring import SafeString, mark_safe

from django_clerk.mapping.registry import instance_clerk_id
from django_clerk.mapping.values import clerk_value

_SEQUENCES = (list, tuple, set, frozenset, models.QuerySet, Iterator, KeysView, ValuesView)
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def plain(value: Any) -> Any:
    """``value`` as Clerk data, which ``json.dumps`` always accepts: model instances become
    their Clerk id (their primary key, with the prefix of their source: ``"blog-7"``; a
    UUID key its text, ``"7f1c…"``), UUID its text, Decimal a float,
    date and datetime a UNIX int, lazy strings str (see
    :func:`~django_clerk.mapping.values.clerk_value`); lists, sets, querysets and iterators
    become lists, dicts dicts, with ``None`` left out."""
    if isinstance(value, models.Model):
        return instance_clerk_id(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, _SEQUENCES):
        return [plain(item) for item in value if item is not None]
    return clerk_value(value)


def to_json(value: Any) -> str:
    """Compact JSON of :func:`plain` ``value`` (for an HTML attribute: autoescape it)."""
    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)


def script_json(value: Any) -> SafeString:
    """JSON that is safe to put inside a ``<script>`` element."""
    return mark_safe(json.dumps(plain(value), separators=(",", ":")).translate(_SCRIPT_ESCAPES))


def clerk_call(*args: Any) -> SafeString:
    """A ``Clerk(...)`` call with every argument as script-safe JSON."""
    return mark_safe("Clerk(" + ", ".join(script_json(arg) for arg in args) + ");")


def data_value(value: Any) -> str:
    """The text of a ``data-*`` attribute: strings and numbers as they are, lists, dicts and
    booleans as JSON (``data-products="[42]"``, ``data-exit-intent="true"``)."""
    value = plain(value)
    if isinstance(value, str):
        return value
    return to_json(value)
