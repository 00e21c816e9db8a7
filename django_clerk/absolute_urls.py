"""Absolute URLs: joining a path to a store's base URL, and reversing a URL pattern once per
page. A leaf module: it imports nothing of this project, so models and mapping both use it.

- :func:`join_url` is ``urljoin(base, path)`` for relative paths; absolute and
  protocol-relative URLs pass unchanged.
- :func:`joiner` is the same function bound to one base URL, taking ``origin + path`` for the
  usual absolute paths (no dot segments, empty segments, parameters, query or fragment).
- :class:`UrlTemplate` reverses ``view_name`` once with a placeholder and puts each object's
  value in its place when the value is URL-safe (``[A-Za-z0-9_-]``, or a non-negative int);
  any other value is reversed for real. Taken only when the route uses Django's own
  ``slug``/``str``/``path`` (or ``int``) converter and every probe gives the same URL shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

SIMPLE_PATH = re.compile(r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_\-~%!$&'()*+,=:@.]+)*/?")
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_-]+")
STR_PROBES = ("clerkurlprobe", "9876543210", "clerk-url_probe-9")
INT_PROBES = (987654321, 123456789)
STR_CONVERTERS = {"slug", "str", "path", None}
PLACEHOLDER = "\0"


def join_url(base: str, path_or_url: str) -> str:
    """``path_or_url`` joined to ``base`` (a URL ending in ``/``, or ``""`` for none);
    absolute and protocol-relative URLs pass unchanged."""
    if not base or not path_or_url or "://" in path_or_url or path_or_url.startswith("//"):
        return path_or_url
    return urljoin(base, path_or_url)


def joiner(base: str) -> Callable[[str], str]:
    """A function equal to ``join_url(base, path)`` for the base URL ``base``."""
    parts = urlsplit(base) if base else None
    origin = f"{parts.scheme}://{parts.netloc}" if parts is not None and parts.netloc else ""
    fast = bool(origin) and parts is not None and parts.scheme in ("http", "https")

    def join(path: str) -> str:
        if fast and path and path[0] == "/" and SIMPLE_PATH.fullmatch(path):
            return origin + path
        return join_url(base, path)

    return join


class UrlTemplate:
    """``reverse(view_name, kwargs={kwarg: value})`` by substitution, bound to the active
    language and URLconf (build one per page, inside the store's ``translation.override``)."""

    def __init__(self, view_name: str, kwarg: str) -> None:
        self.view_name, self.kwarg = view_name, kwarg
        self.templates: dict[bool, str | None] = {}

    def _template(self, is_int: bool) -> str | None:
        probes: tuple[Any, ...] = INT_PROBES if is_int else STR_PROBES
        shapes = set()
        url = ""
        try:
            for probe in probes:
                url = reverse(self.view_name, kwargs={self.kwarg: probe})
                if url.count(str(probe)) != 1:
                    return None
                shapes.add(url.replace(str(probe), PLACEHOLDER))
            match = resolve(url[len(get_script_prefix()) - 1 :])
        except (NoReverseMatch, Resolver404):
            return None
        route = re.search(rf"<(?:(\w+):)?{re.escape(self.kwarg)}>", match.route or "")
        allowed = {"int"} if is_int else STR_CONVERTERS
        if len(shapes) != 1 or route is None or route.group(1) not in allowed:
            return None
        return shapes.pop()

    def template(self, is_int: bool) -> str | None:
        if is_int not in self.templates:
            self.templates[is_int] = self._template(is_int)
        return self.templates[is_int]

    def absolute(self, join: Callable[[str], str]) -> Callable[[Any], str]:
        """A function equal to ``join(self(value))``, the template joined once."""
        joined: dict[bool, str | None] = {}
        for is_int in (True, False):
            template = self.template(is_int)
            url = join(template) if template is not None else None
            joined[is_int] = url if url is not None and url.count(PLACEHOLDER) == 1 else None
        by_int, by_str = joined[True], joined[False]
        plain = PLAIN_VALUE.fullmatch

        def absolute(value: Any) -> str:
            cls = value.__class__
            if cls is str:
                if by_str is not None and plain(value):
                    return by_str.replace(PLACEHOLDER, value)
            elif cls is int and by_int is not None and value >= 0:
                return by_int.replace(PLACEHOLDER, str(value))
            return join(reverse(self.view_name, kwargs={self.kwarg: value}))

        return absolute

    def __call__(self, value: Any) -> str:
        cls = value.__class__
        if cls is int and value >= 0:
            template = self.template(True)
            if template is not None:
                return template.replace(PLACEHOLDER, str(value))
        elif cls is str and PLAIN_VALUE.fullmatch(value):
            template = self.template(False)
            if template is not None:
                return template.replace(PLACEHOLDER, value)
        return reverse(self.view_name, kwargs={self.kwarg: value})
