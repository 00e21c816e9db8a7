"""Paging of the feeds: ``page``/``limit`` (legacy) and ``limit``/``offset`` (Feed V2).

Clerk's importer reads a feed sequentially. ``LIMIT n OFFSET m`` makes the database walk past
``m`` rows, so the late pages of a big catalogue get ever slower. The paginators remember, in
the cache, the last primary key of each page served (per store, entity and filters); when the
next page of the same crawl is asked for, it is read with ``pk > last`` instead, which costs
the same at the end of the catalogue as at its start. Without a remembered key (another
process, an expired cache, a page asked out of order) the plain offset is used: same result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from django_clerk.conf import clerk_settings
from django_clerk.feeds.errors import BadParameter

MAX_OFFSET = 2**53  # past any catalogue, short of the databases' integer limits
ALL = "all"


@dataclass(frozen=True)
class Window:
    """The slice of the feed asked for; ``limit`` is ``None`` for the whole feed (a stream)."""

    offset: int
    limit: int | None


def integer(params: Mapping[str, Any], name: str, default: int, *, low: int, high: int) -> int:
    """The integer parameter ``name``, or a 400 naming it."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise BadParameter(name, "must be an integer.") from None
    if value < low:
        raise BadParameter(name, f"must be at least {low}.")
    if value > high:
        raise BadParameter(name, f"must be at most {high}.")
    return value


class KeysetPagination(BasePagination):
    """Base of the feed paginators: a :class:`Window` from the parameters, keyset reads."""

    #: How long the last key of a page is remembered, in seconds.
    cursor_seconds = 600

    def get_window(self, params: Mapping[str, Any]) -> Window:
        raise NotImplementedError

    def limits(self) -> tuple[int, int]:
        return clerk_settings.FEED_DEFAULT_LIMIT, clerk_settings.FEED_MAX_LIMIT

    def paginate_queryset(self, queryset: QuerySet, request: Any, view: Any = None) -> list[Any]:
        """The items of ``view.window`` from ``queryset`` (ordered by primary key)."""
        window: Window = view.window
        scope: str = view.cursor_scope
        limit = window.limit or 0
        last = cache.get(cursor_key(scope, window.offset)) if window.offset else None
        if last is not None:
            items = list(queryset.filter(pk__gt=last)[:limit])
        else:
            items = list(queryset[window.offset : window.offset + limit])
        if len(items) == limit:
            cache.set(
                cursor_key(scope, window.offset + limit), pk_of(items[-1]), self.cursor_seconds
            )
        return items

    def chunks(self, queryset: QuerySet, size: int, offset: int = 0) -> Iterator[list[Any]]:
        """The feed from ``offset`` on, in keyset chunks of ``size``: flat memory on any size."""
        last = None
        while True:
            if last is None:
                items = list(queryset[offset : offset + size])
            else:
                items = list(queryset.filter(pk__gt=last)[:size])
            if not items:
                return
            yield items
            if len(items) < size:
                return
            last = pk_of(items[-1])

    def get_paginated_response(self, data: list[dict[str, Any]]) -> Response:
        return Response(data)


class PagePagination(KeysetPagination):
    """Legacy endpoints: ``page`` (1-based; 0 is served as 1) and ``limit``."""

    def get_window(self, params: Mapping[str, Any]) -> Window:
        default, maximum = self.limits()
        limit = integer(params, "limit", default, low=1, high=maximum)
        page = integer(params, "page", 1, low=0, high=MAX_OFFSET // maximum)
        return Window(offset=(max(page, 1) - 1) * limit, limit=limit)


class OffsetPagination(KeysetPagination):
    """Feed V2: ``limit`` (default 25, at most 1000) and ``offset``; ``limit=all`` streams."""

    def get_window(self, params: Mapping[str, Any]) -> Window:
        default, maximum = self.limits()
        offset = integer(params, "offset", 0, low=0, high=MAX_OFFSET)
        if str(params.get("limit", "")).strip().lower() == ALL:
            return Window(offset=offset, limit=None)
        return Window(offset=offset, limit=integer(params, "limit", default, low=1, high=maximum))


def pk_of(item: Any) -> Any:
    return item["pk"] if isinstance(item, dict) else item.pk


def cursor_key(scope: str, offset: int) -> str:
    return f"django_clerk:feed-cursor:{scope}:{offset}"


def digest(values: Mapping[str, Any]) -> str:
    """A short, stable fingerprint of the parameters that select a feed's objects."""
    text = "&".join(f"{key}={values[key]}" for key in sorted(values))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
