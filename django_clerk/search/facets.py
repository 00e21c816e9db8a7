"""Facets for server-rendered search: the visitor's choices in the URL, Clerk's filter string,
and Clerk's ``facets`` answer as groups of choices a template can show.

A choice lives in the query string as ``f_<attribute>=<value>``: a unit value (``f_brand=Nike``,
``f_categories=12``) or a range ``<min>..<max>`` (``f_price=50..74.99``). Values of one
attribute are alternatives (``or``); attributes narrow each other (``and``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

PARAM_PREFIX = "f_"
ATTRIBUTE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
NUMBER_RE = re.compile(r"^-?\d{1,15}(\.\d{1,10})?$")
RANGE_SEPARATOR = ".."
MAX_VALUE_LENGTH = 200
MAX_CHOICES = 50


class FacetError(ValueError):
    """A facet choice in the request that cannot be used (the API answers 400)."""


Selection = dict[str, list[str]]
"""Chosen values per attribute, in the order of the query string."""


def selection_from(
    params: Mapping[str, Any], attributes: Iterable[str], *, strict: bool = False
) -> Selection:
    """The facet choices in ``params`` (a ``QueryDict``) for the allowed ``attributes``.

    ``strict``: a choice of another attribute or a malformed value raises :class:`FacetError`
    (the API); otherwise it is left out (pages).
    """
    allowed = set(attributes)
    getlist = getattr(params, "getlist", None)
    selection: Selection = {}
    count = 0
    for name in params:
        if not name.startswith(PARAM_PREFIX):
            continue
        attribute = name[len(PARAM_PREFIX) :]
        if attribute not in allowed or not ATTRIBUTE_RE.match(attribute):
            if strict:
                raise FacetError(f"{name[:64]!r}: not a facet of this search")
            continue
        raw = getlist(name) if getlist is not None else [params[name]]
        for value in raw:
            value = str(value).strip()
            problem = _value_problem(value)
            if problem:
                if strict:
                    raise FacetError(f"{name!r}: {problem}")
                continue
            chosen = selection.setdefault(attribute, [])
            if value not in chosen:
                chosen.append(value)
                count += 1
    if count > MAX_CHOICES:
        raise FacetError(f"at most {MAX_CHOICES} facet choices")
    return selection


def _value_problem(value: str) -> str:
    if not value:
        return "an empty value"
    if len(value) > MAX_VALUE_LENGTH:
        return f"values are at most {MAX_VALUE_LENGTH} characters"
    if any(ord(c) < 32 for c in value):
        return "a value with control characters"
    if RANGE_SEPARATOR in value and not _range(value):
        return f"a range is <number>..<number>, not {value!r}"
    return ""


def _range(value: str) -> tuple[str, str] | None:
    low, _, high = value.partition(RANGE_SEPARATOR)
    if NUMBER_RE.match(low) and NUMBER_RE.match(high):
        return low, high
    return None


def literal(value: str) -> str:
    """A value in Clerk's filter language: a number as is, text as a JSON string
    (``"O'Neil"``, ``"say \\"hi\\""``)."""
    if NUMBER_RE.match(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def filter_string(selection: Selection, base: str = "") -> str:
    """Clerk's ``filter`` for ``selection`` (and ``base``, a filter of the shop's own):
    ``brand in ["Nike", "Puma"] and (price >= 50 and price <= 74.99)``."""
    parts = [f"({base})"] if base else []
    for attribute, values in selection.items():
        units = [literal(v) for v in values if not _range(v)]
        ranges = [r for r in (_range(v) for v in values) if r is not None]
        alternatives = []
        if units:
            alternatives.append(f"{attribute} in [{', '.join(units)}]")
        alternatives.extend(f"({attribute} >= {lo} and {attribute} <= {hi})" for lo, hi in ranges)
        if alternatives:
            joined = " or ".join(alternatives)
            parts.append(f"({joined})" if len(alternatives) > 1 else joined)
    return " and ".join(parts)


@dataclass
class FacetChoice:
    """One value of a facet as Clerk counted it, and the URL that toggles it. ``name`` is
    what to show (Clerk's ``name``, or a ``label`` where an answer gives one)."""

    name: str
    value: str
    count: int | None
    selected: bool
    url: str


@dataclass
class FacetGroup:
    attribute: str
    title: str
    multiselect: bool
    choices: list[FacetChoice] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetChoice]:
        return [c for c in self.choices if c.selected]


def choice_value(item: Mapping[str, Any]) -> str:
    """The value a facet item of Clerk's answer is chosen by: ``value`` for a unit, and
    ``min..max`` for a range."""
    if item.get("type") == "range" or ("min" in item and "max" in item and "value" not in item):
        return f"{_number(item.get('min'))}{RANGE_SEPARATOR}{_number(item.get('max'))}"
    return _number(item.get("value", item.get("name", "")))


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def facet_groups(
    facets: Mapping[str, Any] | None,
    selection: Selection,
    params: Mapping[str, Any],
    *,
    attributes: Iterable[str],
    titles: Mapping[str, str] | None = None,
    multiselect: Iterable[str] = (),
) -> list[FacetGroup]:
    """Clerk's ``facets`` answer as :class:`FacetGroup` s in the order of ``attributes``;
    each choice carries the query string that selects or deselects it (``page`` dropped)."""
    titles = titles or {}
    multi = set(multiselect)
    groups = []
    for attribute in attributes:
        items = (facets or {}).get(attribute)
        if not isinstance(items, list):
            continue
        group = FacetGroup(
            attribute,
            titles.get(attribute) or attribute.replace("_", " ").capitalize(),
            attribute in multi,
        )
        chosen = selection.get(attribute, [])
        for item in items:
            if not isinstance(item, Mapping):
                continue
            value = choice_value(item)
            count = item.get("count")
            toggled = _toggled(selection, attribute, value, attribute in multi)
            group.choices.append(
                FacetChoice(
                    name=str(item.get("label") or item.get("name", value)),
                    value=value,
                    count=count if isinstance(count, int) and not isinstance(count, bool) else None,
                    selected=value in chosen,
                    url="?" + query_string(params, toggled),
                )
            )
        groups.append(group)
    return groups


def _toggled(selection: Selection, attribute: str, value: str, multiselect: bool) -> Selection:
    result = {k: list(v) for k, v in selection.items()}
    chosen = result.get(attribute, [])
    if value in chosen:
        chosen = [v for v in chosen if v != value]
    else:
        chosen = [*chosen, value] if multiselect else [value]
    if chosen:
        result[attribute] = chosen
    else:
        result.pop(attribute, None)
    return result


def query_string(params: Mapping[str, Any], selection: Selection) -> str:
    """``params`` without its facet choices and page, plus ``selection``."""
    getlist = getattr(params, "getlist", None)
    pairs: list[tuple[str, str]] = []
    for name in params:
        if name.startswith(PARAM_PREFIX) or name == "page":
            continue
        values = getlist(name) if getlist is not None else [params[name]]
        pairs.extend((name, str(v)) for v in values)
    for attribute, values in selection.items():
        pairs.extend((PARAM_PREFIX + attribute, v) for v in values)
    return urlencode(pairs)
