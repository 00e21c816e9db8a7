"""What a page's HTML tells Clerk: its ``.clerk`` elements and the ``Clerk(...)`` calls of its
scripts, read as Clerk.js reads them.

The calls are found as the template tags write them (``Clerk("cart", "set", [42]);``, every
argument JSON, the last one possibly a callback: ``Clerk("call", "log/sale", {...},
function () {...})``); a call a script computes at run time (``Clerk('cart', 'set', ids)``) is
not readable here and is seen only when the journey runs in a browser.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

CALL_RE = re.compile(r"(?<![\w$.])Clerk\s*\(")
CALLBACK_RE = re.compile(r"function\b|(?:\([\w$\s,]*\)|[\w$]+)\s*=>")
LOADER_MARK = "__clerk_q"
SALE_CONFIRM_ATTRIBUTE = "data-clerk-sale-confirm"
"""On the ``<script>`` of a ``log/sale`` call: the URL its success callback beacons, so the
server drops its own copy of the sale."""
_decoder = json.JSONDecoder()


def attribute_value(text: str) -> Any:
    """A ``data-*`` value as Clerk.js reads it: JSON when it parses (``"42"`` → 42,
    ``"[1, 2]"`` → a list), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass
class ClerkElement:
    """One ``class="clerk"`` element of the page."""

    tag: str
    attributes: dict[str, str]
    line: int

    @property
    def classes(self) -> list[str]:
        return (self.attributes.get("class") or "").split()

    def data(self, name: str) -> str | None:
        return self.attributes.get(f"data-{name}")

    @property
    def template(self) -> str | None:
        return self.data("template")

    @property
    def api(self) -> str | None:
        return self.data("api")

    def describe(self) -> str:
        shown = [f'class="{self.attributes.get("class", "")}"']
        for name in ("id", "data-template", "data-api", "data-sale"):
            if name in self.attributes:
                shown.append(f'{name}="{self.attributes[name]}"')
        return f"<{self.tag} {' '.join(shown)}> (line {self.line})"


@dataclass
class ClerkCall:
    """One ``Clerk(...)`` call written in a script of the page."""

    args: list[Any]
    line: int
    callback: bool = False
    """Whether a function follows the JSON arguments (run by Clerk.js when the call
    succeeded)."""
    sale_confirm_url: str = ""
    """For a ``log/sale`` call with a callback: the URL the callback beacons."""

    @property
    def command(self) -> str:
        return str(self.args[0]) if self.args else ""

    @property
    def endpoint(self) -> str:
        """The API endpoint of a ``Clerk("call", endpoint, ...)``; "" for other calls."""
        if self.command == "call" and len(self.args) > 1 and isinstance(self.args[1], str):
            return self.args[1]
        return ""

    def describe(self) -> str:
        text = json.dumps(self.args)[1:-1]
        if len(text) > 80:
            text = text[:77] + "..."
        if self.callback:
            text += ", function"
        return f"Clerk({text}) (line {self.line})"


@dataclass
class Markup:
    elements: list[ClerkElement] = field(default_factory=list)
    calls: list[ClerkCall] = field(default_factory=list)
    loader: bool = False

    def config(self) -> dict[str, Any] | None:
        """The merged arguments of the page's ``Clerk("config", {...})`` calls."""
        found: dict[str, Any] | None = None
        for call in self.calls:
            if call.command == "config" and len(call.args) > 1 and isinstance(call.args[1], dict):
                found = {**(found or {}), **call.args[1]}
        return found


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.markup = Markup()
        self._script: list[str] | None = None
        self._script_line = 0
        self._sale_confirm_url = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "clerk" in (values.get("class") or "").split():
            self.markup.elements.append(ClerkElement(tag, values, self.getpos()[0]))
        if tag == "script":
            self._script, self._script_line = [], self.getpos()[0]
            self._sale_confirm_url = values.get(SALE_CONFIRM_ATTRIBUTE, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self._read_script("".join(self._script), self._script_line)
            self._script = None

    def _read_script(self, text: str, first_line: int) -> None:
        if LOADER_MARK in text:
            self.markup.loader = True
        for match in CALL_RE.finditer(text):
            found = _arguments(text, match.end())
            if found is None:
                continue
            args, callback = found
            call = ClerkCall(args, first_line + text.count("\n", 0, match.start()), callback)
            if callback and call.endpoint == "log/sale":
                call.sale_confirm_url = self._sale_confirm_url
            self.markup.calls.append(call)


def _arguments(text: str, position: int) -> tuple[list[Any], bool] | None:
    """The JSON arguments of a call whose ``(`` ends at ``position``, and whether a callback
    (a function) follows them; ``None`` when an argument is neither JSON nor that last
    callback (a variable)."""
    args: list[Any] = []
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith(")", position) and not args:
            return args, False
        try:
            value, position = _decoder.raw_decode(text, position)
        except ValueError:
            return (args, True) if args and CALLBACK_RE.match(text, position) else None
        args.append(value)
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith(")", position):
            return args, False
        if not text.startswith(",", position):
            return None
        position += 1


def read_markup(html: str) -> Markup:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.markup
