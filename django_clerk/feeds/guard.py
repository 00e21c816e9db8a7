"""The wipe guard of the feeds (see :mod:`django_clerk.wipe_guard`): at the first page of a
full crawl, a feed that holds far fewer items than the last complete full crawl of the same
store, entity and protocol answers 503 instead of letting Clerk delete what is missing.

The check costs two queries on the first page of a full crawl only (the last complete crawl's
size, then one ``COUNT`` when that is large enough to guard, of no more rows than the guard
needs), none on any other page. A refusal is kept as a
:class:`~django_clerk.models.FeedCrawl` marked ``refused`` (one per store, entity and
protocol until released), shown in the Feed crawls admin, where the action "Accept the new
size" (or ``clerk_sync --release-feed-guard``) releases it: the next crawl is compared with
the size accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import DatabaseError
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework import exceptions, status

from django_clerk import wipe_guard
from django_clerk.models import FeedCrawl, Store

logger = logging.getLogger("django_clerk.feeds")

#: Seconds the importer is told to wait before it tries again.
RETRY_AFTER = 3600


class FeedWipeRefused(exceptions.APIException):
    """The feed would make Clerk delete most of the catalogue: 503, with the reason."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "feed_wipe_guard"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.wait = RETRY_AFTER


def last_complete_size(store: Store, entity: str, protocol: str) -> int | None:
    """The items of the last complete full crawl (or of the last refusal an admin released)."""
    counted = Q(finished_at__isnull=False, refused=False) | Q(
        refused=True, released_at__isnull=False
    )
    return (
        FeedCrawl.objects.filter(store=store, entity=entity, protocol=protocol, incremental=False)
        .filter(counted)
        .order_by("-started_at", "-pk")
        .values_list("items", flat=True)
        .first()
    )


def check_first_page(
    store: Store, entity: str, protocol: str, sources: Sequence[QuerySet[Any]]
) -> None:
    """Raise :class:`FeedWipeRefused` when the feed (the querysets of its ``sources``) would
    wipe the catalogue."""
    if not wipe_guard.guards(entity):
        return
    try:
        previous = last_complete_size(store, entity, protocol)
    except DatabaseError:  # e.g. the tables are not migrated yet: serve
        logger.warning("Could not read the last crawl of %s", entity, exc_info=True)
        return
    if previous is None or not wipe_guard.applies(previous):
        return  # nothing to compare with, or too small to guard: no COUNT
    current = count_up_to(sources, enough(previous))
    if not wipe_guard.would_wipe(previous, current):
        return
    message = wipe_guard.reason(entity, current, previous, "the last complete crawl")
    logger.error("Clerk %s feed of store %s refused: %s", entity, store.code, message)
    record_refusal(store, entity, protocol, current, previous)
    raise FeedWipeRefused(
        f"{message} Accept the new size in the admin (Feed crawls, 'Accept the new size') "
        "or with manage.py clerk_sync --release-feed-guard."
    )


def enough(previous: int) -> int:
    """The fewest items that do not wipe a catalogue of ``previous`` items."""
    needed = max(int((1 - (wipe_guard.guard_share() or 0)) * previous), 0)
    while needed > 0 and not wipe_guard.would_wipe(previous, needed - 1):
        needed -= 1
    while wipe_guard.would_wipe(previous, needed):
        needed += 1
    return needed


def count_up_to(sources: Sequence[QuerySet[Any]], limit: int) -> int:
    """The items of ``sources``, counted up to ``limit`` only (a ``COUNT`` of at most
    ``limit`` rows per source): the exact number when there are fewer, so the first page
    of a big catalogue counts only what the guard needs."""
    counted = 0
    for queryset in sources:
        if counted >= limit:
            break
        counted += queryset[: limit - counted].count()
    return counted


def record_refusal(store: Store, entity: str, protocol: str, current: int, previous: int) -> None:
    """Keep the refusal for the admin: one unreleased record per store, entity and protocol,
    updated on each refusal."""
    try:
        pending = FeedCrawl.objects.filter(
            store=store, entity=entity, protocol=protocol, refused=True, released_at=None
        )
        if not pending.update(items=current, baseline=previous):
            FeedCrawl.objects.create(
                store=store,
                entity=entity,
                protocol=protocol,
                incremental=False,
                started_at=timezone.now(),
                pages=0,
                items=current,
                refused=True,
                baseline=previous,
            )
    except DatabaseError:
        logger.warning("Could not record a refused crawl of %s", entity, exc_info=True)


def release(crawls: QuerySet[FeedCrawl]) -> int:
    """Accept the size of these refused crawls: the next crawl is compared with it."""
    return crawls.filter(refused=True, released_at=None).update(released_at=timezone.now())
