"""The part of Clerk's ``filter`` language the fake honours.

``brand = "Nike" and (price < 100 or on_sale = true) and categories in [3, 4]``: comparisons
``=``/``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` and ``in [...]`` / ``not in [...]`` joined
by ``and``/``or`` (``and`` binds tighter) with parentheses. Values are JSON: numbers,
``"text"`` (or ``'text'``), ``true``/``false`` and lists. On a list attribute
(``categories``), ``=`` and ``in`` mean "holds one of". Anything else is a
:class:`FilterError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[Mapping[str, Any]], bool]

TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'[^']*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>==|!=|<=|>=|=|<|>)
      | (?P<punct>[()\[\],])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


class FilterError(ValueError):
    pass


def parse(text: str) -> Predicate:
    """A predicate on one object for the filter ``text`` (blank: everything passes)."""
    tokens = _tokenize(text)
    if not tokens:
        return lambda obj: True
    parser = _Parser(tokens)
    predicate = parser.expression()
    if parser.position != len(tokens):
        raise FilterError(f"Unexpected {tokens[parser.position][1]!r} in filter")
    return predicate


def _tokenize(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN_RE.match(text, position)
        if match is None or match.end() == position:
            raise FilterError(f"Cannot read the filter at {text[position:]!r}")
        kind = match.lastgroup or ""
        value: Any = match.group(kind)
        if kind == "string":
            value = json.loads(value) if value.startswith('"') else value[1:-1]
        elif kind == "number":
            value = float(value) if "." in value else int(value)
        elif kind == "word" and value.lower() in ("true", "false"):
            kind, value = "bool", value.lower() == "true"
        tokens.append((kind, value))
        position = match.end()
    return tokens


def _matches(held: Any, op: str, wanted: Any) -> bool:
    values = held if isinstance(held, list) else [held]
    if op in ("in", "not in"):
        hit = any(_same(v, w) for v in values for w in wanted)
        return hit if op == "in" else not hit
    if op in ("=", "=="):
        return any(_same(v, wanted) for v in values)
    if op == "!=":
        return not any(_same(v, wanted) for v in values)
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    compare: dict[str, Callable[[Any], bool]] = {
        "<": lambda v: v < wanted,
        "<=": lambda v: v <= wanted,
        ">": lambda v: v > wanted,
        ">=": lambda v: v >= wanted,
    }
    if not isinstance(wanted, (int, float)):
        raise FilterError(f"{op} needs a number")
    return any(compare[op](v) for v in numbers)


def _same(value: Any, wanted: Any) -> bool:
    """Equality as a shop means it: ``3 == "3"``, text compared without case."""
    if isinstance(value, str) and isinstance(wanted, str):
        return value.casefold() == wanted.casefold()
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted
    if isinstance(value, (int, float)) and isinstance(wanted, (int, float)):
        return value == wanted  # 199.0 == 199
    return str(value) == str(wanted)


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        if token is None:
            raise FilterError("The filter ends too early")
        self.position += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and str(token[1]).lower() == word:
            self.position += 1
            return True
        return False

    def expression(self) -> Predicate:
        parts = [self.conjunction()]
        while self.keyword("or"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else lambda obj: any(p(obj) for p in parts)

    def conjunction(self) -> Predicate:
        parts = [self.clause()]
        while self.keyword("and"):
            parts.append(self.clause())
        return parts[0] if len(parts) == 1 else lambda obj: all(p(obj) for p in parts)

    def clause(self) -> Predicate:
        if self.peek() == ("punct", "("):
            self.take()
            inner = self.expression()
            if self.take() != ("punct", ")"):
                raise FilterError("Missing ) in filter")
            return inner
        kind, name = self.take()
        if kind != "word":
            raise FilterError(f"Expected an attribute name, not {name!r}")
        if self.keyword("not"):
            if not self.keyword("in"):
                raise FilterError("Expected `in` after `not`")
            op = "not in"
        elif self.keyword("in"):
            op = "in"
        else:
            kind, op = self.take()
            if kind != "op":
                raise FilterError(f"Expected an operator after {name!r}")
        wanted = self.value()
        if op.endswith("in") and not isinstance(wanted, list):
            raise FilterError(f"`{op}` needs a list")
        return lambda obj: name in obj and _matches(obj[name], op, wanted)

    def value(self) -> Any:
        kind, value = self.take()
        if kind in ("string", "number", "bool"):
            return value
        if (kind, value) != ("punct", "["):
            raise FilterError(f"Expected a value, not {value!r}")
        items: list[Any] = []
        while self.peek() != ("punct", "]"):
            items.append(self.value())
            if self.peek() == ("punct", ","):
                self.take()
        self.take()
        return items
