"""Paging of the feeds: ``page``/``limit`` (legacy) and ``limit``/``offset`` (Feed V2).

Clerk's importer reads a feed sequentially, by offset. Read with ``LIMIT n OFFSET m``, a
page is wrong when the feed changed since the page before (a product that left the feed
shifts every later one back: one is skipped; one that entered shifts them on: one is served
twice), and the late pages of a big catalogue get ever slower. So each page of a crawl is
read as the rows after the last primary key of the page before (``pk > last``), which the
crawl's cursor keeps in the database (:mod:`django_clerk.feeds.crawls`) where every server
process sees it. Without a cursor for the offset asked (the first page, a page asked out of
order) the plain offset is used: the same result when nothing changed.

An entity with several sources (``CLERK["SERIALIZERS"]`` lists several serializers) is one
feed: the sources one after the other, in their order, and a page may end one source and
begin the next. The cursor then keeps the source with the key (``"<source index>:<key>"``);
the offset fallback counts the sources before the offset (one ``COUNT`` per source it
passes), and only when there is no cursor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from django_clerk.conf import clerk_settings
from django_clerk.feeds.errors import BadParameter
from django_clerk.mapping.values import pk_of

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

    def get_window(self, params: Mapping[str, Any]) -> Window:
        raise NotImplementedError

    def limits(self) -> tuple[int, int]:
        return clerk_settings.FEED_DEFAULT_LIMIT, clerk_settings.FEED_MAX_LIMIT

    def paginate_sources(
        self, sources: list[QuerySet[Any, Any]], view: Any
    ) -> list[tuple[int, list[Any]]]:
        """The items of ``view.window`` across ``sources`` (each ordered by primary key), as
        ``[(source index, items), ...]``: after the position of the crawl's cursor when it
        has one, else by offset. One query per source the page touches (plus, without a
        cursor, one ``COUNT`` per source before the offset)."""
        window: Window = view.window
        remaining = window.limit or 0
        position = position_from_text(sources, view.crawl.after)
        if position is not None:
            index, after = position
            skip = 0
        else:
            index, after, skip = locate(sources, window.offset)
        found: list[tuple[int, list[Any]]] = []
        while remaining > 0 and index < len(sources):
            queryset = sources[index]
            if after is not None:
                items = list(queryset.filter(pk__gt=after)[:remaining])
            else:
                items = list(queryset[skip : skip + remaining])
            if items:
                found.append((index, items))
                remaining -= len(items)
            index, after, skip = index + 1, None, 0
        return found

    def source_chunks(
        self, sources: list[QuerySet[Any, Any]], size: int, offset: int = 0
    ) -> Iterator[tuple[int, list[Any]]]:
        """The feed of every source, from ``offset`` on, in keyset chunks of ``size``."""
        start, _, skip = locate(sources, offset)
        for index in range(start, len(sources)):
            for items in self.chunks(sources[index], size, skip if index == start else 0):
                yield index, items

    def chunks(
        self, queryset: QuerySet[Any, Any], size: int, offset: int = 0
    ) -> Iterator[list[Any]]:
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


def key_text(item: Any) -> str:
    """The primary key of a row or instance as text, as a cursor keeps it."""
    return str(pk_of(item))


def locate(sources: list[QuerySet[Any, Any]], offset: int) -> tuple[int, None, int]:
    """``(source index, None, offset within it)`` of the feed's ``offset``: the sources
    before it are counted (one ``COUNT`` each); an offset past them all is past the last."""
    for index, queryset in enumerate(sources[:-1]):
        if offset == 0:
            return index, None, 0
        count = queryset.count()
        if offset < count:
            return index, None, offset
        offset -= count
    return len(sources) - 1, None, offset


def position_text(sources: int, index: int, item: Any) -> str:
    """Where a page ended, as the cursor keeps it: the key, with its source's index when
    the entity has several sources (``"1:42"``)."""
    key = key_text(item)
    return key if sources == 1 else f"{index}:{key}"


def position_from_text(
    sources: list[QuerySet[Any, Any]], text: str | None
) -> tuple[int, Any] | None:
    """``(source index, key)`` from a cursor's text; ``None`` when there is none or it no
    longer fits the sources (then the page is read by offset)."""
    if text is None:
        return None
    if len(sources) == 1:
        key = key_from_text(sources[0].model, text)
        return None if key is None else (0, key)
    index_text, colon, key_part = text.partition(":")
    if not colon or not index_text.isdigit() or int(index_text) >= len(sources):
        return None
    index = int(index_text)
    key = key_from_text(sources[index].model, key_part)
    return None if key is None else (index, key)


def key_from_text(model: type[Model], text: str | None) -> Any:
    """A key kept as text, as the model's primary key (int, str, UUID...); ``None`` when
    there is none or it no longer converts (then the page is read by offset)."""
    if text is None:
        return None
    try:
        return model._meta.pk.to_python(text)
    except (ValidationError, ValueError, TypeError):
        return None
