"""Recording the crawls Clerk's importer makes: one :class:`FeedCrawl` row per crawl.

The first page of a crawl (offset 0) creates the row; later pages add to counters kept in the
cache; the first short page (fewer items than the limit, often ``[]``) writes the totals and
closes the row. So recording costs one write at each end of a crawl and none in between. The
importer pages sequentially; should two crawls of the same feed run at once, or the cache be
lost mid-crawl, their counts merge or stop: the record is operational information, not a log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from django_clerk.models import FeedCrawl, Store

logger = logging.getLogger("django_clerk.feeds")

#: How long an unfinished crawl's counters wait for its next page, in seconds.
IDLE_SECONDS = 3600


@dataclass
class CrawlState:
    record_id: int
    next_offset: int
    pages: int
    items: int
    duration: float


def record_page(
    store: Store,
    entity: str,
    protocol: str,
    scope: str,
    *,
    offset: int,
    limit: int | None,
    items: int,
    duration: float,
    incremental: bool,
) -> None:
    """Count one served page (``limit`` ``None``: a whole-feed export) of a crawl."""
    key = f"django_clerk:feed-crawl:{scope}"
    finished = limit is None or items < limit
    try:
        if offset == 0:
            state = cache.get(key)
            if state is not None and state.pages == 1 and state.next_offset == items:
                return  # page 0, then page 1: an importer counting pages from 0
            state = _start(store, entity, protocol, incremental, finished, items, duration)
        else:
            state = cache.get(key)
            if state is None or state.next_offset != offset:
                return  # not the continuation of a crawl we saw start
            state.pages += 1
            state.items += items
            state.duration += duration
            state.next_offset = offset + items
            if finished:
                _finish(state)
        if finished:
            cache.delete(key)
        else:
            state.next_offset = offset + items
            cache.set(key, state, IDLE_SECONDS)
    except DatabaseError:  # e.g. the table is not migrated yet: never fail the feed for it
        logger.warning("Could not record a crawl of %s", entity, exc_info=True)


def _start(
    store: Store,
    entity: str,
    protocol: str,
    incremental: bool,
    finished: bool,
    items: int,
    duration: float,
) -> CrawlState:
    now = timezone.now()
    record = FeedCrawl.objects.create(
        store=store,
        entity=entity,
        protocol=protocol,
        incremental=incremental,
        started_at=now,
        finished_at=now if finished else None,
        pages=1,
        items=items,
        duration=duration,
    )
    return CrawlState(record.pk, items, 1, items, duration)


def _finish(state: CrawlState) -> None:
    FeedCrawl.objects.filter(pk=state.record_id).update(
        finished_at=timezone.now(),
        pages=state.pages,
        items=state.items,
        duration=state.duration,
    )
