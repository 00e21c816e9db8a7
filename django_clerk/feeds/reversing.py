"""Fast absolute URLs for feeds: joining to the store's base URL, and ``get_absolute_url()``.

Both are exact shortcuts, taken only where the result provably equals the slow path's:

- :func:`joiner` gives ``urljoin(base, path)`` as ``origin + path`` for the usual absolute
  paths (no dot segments, empty segments, parameters, query or fragment), else ``urljoin``.
- :class:`UrlTemplate` handles the Django idiom
  ``def get_absolute_url(self): return reverse("name", kwargs={"slug": self.slug})``: the URL
  is reversed once per page with probe values, and a value made only of ``[A-Za-z0-9_-]``
  characters (or a non-negative int) is put in place of the probe. This is taken only when
  the URL pattern reached uses Django's own ``slug``/``str``/``path`` (or ``int``) converter and
  three different probes reverse to the same URL shape; any other value is reversed for real.
  Reversing costs tens of microseconds per object, which is more than the rest of the feed.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.db.models.query_utils import DeferredAttribute
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

from django_clerk.mapping.values import join_url

SIMPLE_PATH = re.compile(r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_\-~%!$&'()*+,=:@.]+)*/?")
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_-]+")
STR_PROBES = ("clerkurlprobe", "9876543210", "clerk-url_probe-9")
INT_PROBES = (987654321, 123456789)
STR_CONVERTERS = {"slug", "str", "path", None}


def joiner(base: str) -> Callable[[str], str]:
    """A function equal to ``ClerkField.absolute`` for the base URL ``base``."""
    parts = urlsplit(base) if base else None
    origin = f"{parts.scheme}://{parts.netloc}" if parts and parts.netloc else ""
    fast = origin and parts.scheme in ("http", "https")

    def join(path: str) -> str:
        if fast and path and path[0] == "/" and SIMPLE_PATH.fullmatch(path):
            return origin + path
        return join_url(base, path)

    return join


def plain_column(model: Any, name: str) -> Any:
    """The concrete field ``name`` of ``model`` when reading it is a plain attribute read."""
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname) and not field.is_relation:
            descriptor = inspect.getattr_static(model, field.attname, None)
            if type(descriptor) is DeferredAttribute:
                return field
    return None


def reverse_call(model: Any) -> tuple[str, str, str] | None:
    """``(view name, kwarg, attribute)`` when ``model.get_absolute_url`` is exactly
    ``return reverse("<name>", kwargs={"<kwarg>": self.<attribute>})``."""
    function = inspect.getattr_static(model, "get_absolute_url", None)
    if not inspect.isfunction(function) or function.__globals__.get("reverse") is not reverse:
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    definition = tree.body[0]
    body = [
        s
        for s in definition.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    args = definition.args.args
    if len(body) != 1 or not isinstance(body[0], ast.Return) or len(args) != 1:
        return None
    call = body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "reverse"
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
        and len(call.keywords) == 1
        and call.keywords[0].arg == "kwargs"
        and isinstance(call.keywords[0].value, ast.Dict)
        and len(call.keywords[0].value.keys) == 1
    ):
        return None
    key, value = call.keywords[0].value.keys[0], call.keywords[0].value.values[0]
    if not (
        isinstance(key, ast.Constant)
        and isinstance(key.value, str)
        and isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id == args[0].arg
        and plain_column(model, value.attr) is not None
    ):
        return None
    return call.args[0].value, key.value, plain_column(model, value.attr).attname


class UrlTemplate:
    """``reverse(view_name, kwargs={kwarg: value})`` by substitution, bound to the current
    language and URLconf (build one per page, inside the store's ``translation.override``)."""

    def __init__(self, view_name: str, kwarg: str, is_int: bool) -> None:
        self.view_name, self.kwarg, self.is_int = view_name, kwarg, is_int
        self.template, self.probe = self._template()

    def _template(self) -> tuple[str | None, str]:
        probes = INT_PROBES if self.is_int else STR_PROBES
        shapes = set()
        try:
            for probe in probes:
                url = reverse(self.view_name, kwargs={self.kwarg: probe})
                if url.count(str(probe)) != 1:
                    return None, ""
                shapes.add(url.replace(str(probe), "\0"))
            match = resolve(url[len(get_script_prefix()) - 1 :])
        except (NoReverseMatch, Resolver404):
            return None, ""
        route = re.search(rf"<(?:(\w+):)?{re.escape(self.kwarg)}>", match.route or "")
        allowed = {"int"} if self.is_int else STR_CONVERTERS
        if len(shapes) != 1 or route is None or route.group(1) not in allowed:
            return None, ""
        return shapes.pop(), "\0"

    def __call__(self, value: Any) -> str:
        template = self.template
        if template is not None:
            if self.is_int:
                if value.__class__ is int and value >= 0:
                    return template.replace("\0", str(value))
            elif value.__class__ is str and PLAIN_VALUE.fullmatch(value):
                return template.replace("\0", value)
        return reverse(self.view_name, kwargs={self.kwarg: value})
