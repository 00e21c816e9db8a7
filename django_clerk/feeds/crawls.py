"""The crawls Clerk's importer makes of a feed: told apart, positioned and recorded in the
database, so that every server process sees the same state.

A crawl is one importer reading one feed page after page. Clerk sends no crawl id, so a crawl
is told apart by what its requests carry (:func:`crawl_scope`): the protocol, the entity, the
filters (``modified_after``, ``start_date``, ``end_date``), the client's address, its
``User-Agent`` and the credentials it sends (which name the store). Two importers crawling
the same feed at once differ in at least one of these, so each has its own
:class:`~django_clerk.models.FeedCursor`. A cursor belongs to its store and is used only
while the store is unchanged since its last page (``store_updated_at``): a changed store may
change the feed, so its crawls go on by offset from there.

A page costs one query here, the cursor's move past its last key (one ``UPDATE``, which also
counts the page): the cursor is read with the stores the request is authenticated against,
in the same ``SELECT`` (:mod:`django_clerk.feeds.store_cursors`). The first page of a
crawl creates its :class:`~django_clerk.models.FeedCrawl` and its cursor; the first short
page (fewer items than the limit) finishes the crawl: its counters are written to the record.
The cursor stays for the page after it, which Feed V2 importers ask for (they read until a
page is empty) and which is read by key too; an empty page deletes it. When a crawl starts,
cursors are deleted that finished a minute ago (importers that stop at the short page) or
were left idle for ``CLERK["FEED_CURSOR_IDLE_SECONDS"]`` by an abandoned crawl (its counters
are written to its record first), so their number stays bounded.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import logging
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Field, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables

from django_clerk.conf import clerk_settings
from django_clerk.feeds.authentication import TOKEN_HEADER
from django_clerk.feeds.store_cursors import Unread, cursor_of
from django_clerk.models import FeedCrawl, FeedCursor, Store
from django_clerk.signals import feed_crawled, send_safely

logger = logging.getLogger("django_clerk.feeds")

SCOPE_SALT = "django_clerk.feeds.crawls.scope"
COUNTERS = ("pages", "items", "duration")
IDLE_BATCH = 500  # idle cursors deleted at most per crawl start
FINISHED_SECONDS = 60  # how long the cursor of a finished crawl waits for the empty page
UPDATED_FIELDS = (
    "crawl",
    "offset",
    "after",
    "previous_offset",
    "previous_after",
    *COUNTERS,
    "finished",
    "store",
    "store_updated_at",
    "updated_at",
)


class Step(enum.Enum):
    """How a page request relates to the crawl its scope names."""

    START = "start"  # offset 0: a new crawl
    NEXT = "next"  # the page after the last one served
    AGAIN = "again"  # the last page served, asked again (or page 0, then page 1)
    ELSEWHERE = "elsewhere"  # any other offset: no cursor for it


def client_address(meta: Mapping[str, Any]) -> str:
    """The importer's address: the first of ``X-Forwarded-For`` when a proxy set it (the
    proxy's own address may differ from one request to the next), else ``REMOTE_ADDR``."""
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")[0].strip()
    return forwarded or str(meta.get("REMOTE_ADDR") or "")


@sensitive_variables()
def credential_digest(meta: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """A digest of the credentials a request carries: bearer token, public and private key."""
    digest = hashlib.sha256()
    for value in (meta.get(TOKEN_HEADER), params.get("key"), params.get("private_key")):
        digest.update(str(value or "").encode() + b"\0")
    return digest.hexdigest()


@sensitive_variables()
def crawl_scope(
    request: Any,
    params: Mapping[str, Any],
    *,
    protocol: str,
    entity: str,
    filters: Mapping[str, Any],
) -> str:
    """What tells one crawl apart from any other, as 64 hex digits (an HMAC keyed with
    ``SECRET_KEY``: no credential can be read back from it). It is known before the store
    is: the credentials name the store, and the cursor is read with it."""
    meta = request.META
    parts = [
        protocol,
        entity,
        "&".join(f"{name}={filters[name]}" for name in sorted(filters)),
        client_address(meta),
        str(meta.get("HTTP_USER_AGENT") or ""),
        credential_digest(meta, params),
    ]
    return salted_hmac(SCOPE_SALT, "\n".join(parts), algorithm="sha256").hexdigest()


class CrawlPage:
    """One page request of a crawl: where it starts (:attr:`after`), then :meth:`record`."""

    def __init__(
        self,
        scope: str,
        store: Store,
        entity: str,
        protocol: str,
        *,
        offset: int,
        incremental: bool,
        positioned: bool = True,
    ) -> None:
        """The crawl's cursor: the one read with the store (:func:`cursor_of`), else
        read now (one query); none when not ``positioned`` (a whole-feed export reads its
        own chunks by key). A cursor of the store before its last change is not used: the
        page is read by offset, and its crawl's counters are written when it is replaced."""
        self.scope, self.store, self.entity, self.protocol = scope, store, entity, protocol
        self.offset, self.incremental = offset, incremental
        cursor: FeedCursor | None = None
        if positioned:
            known = cursor_of(store)
            cursor = find_cursor(scope) if isinstance(known, Unread) else known
        self.replaced: FeedCursor | None = None  # a cursor of the store before its change
        if cursor is not None and cursor.store_updated_at != store.updated_at:
            self.replaced, cursor = cursor, None
        self.cursor = cursor
        self.step = step_of(self.cursor, offset)

    @property
    def after(self) -> str | None:
        """The primary key (as text) after which this page starts; ``None``: read the page
        with ``OFFSET`` (the start of the feed, or no cursor for this offset)."""
        if self.cursor is None:
            return None
        if self.step is Step.NEXT:
            return self.cursor.after
        if self.step is Step.AGAIN:
            return self.cursor.previous_after
        return None

    def record(
        self, *, limit: int | None, items: int, last_key: str | None, duration: float
    ) -> None:
        """Count the page served and move the cursor past it (``limit`` ``None``: a whole
        feed export, a crawl of one page). Never fails the feed for it."""
        finished: int | None = None  # the crawl record this page finished
        try:
            if limit is not None:
                # Starting or finishing writes the record too: one commit for both. A page
                # in between is one UPDATE, its own transaction.
                several = self.step is Step.START or items < limit
                with transaction.atomic(savepoint=False) if several else nullcontext():
                    finished = self.move(limit, items, last_key, duration)
            elif self.step is Step.START:
                forget_idle_cursors()
                finished = self.create_record(True, items, duration).pk
        except DatabaseError:  # e.g. the tables are not migrated yet
            logger.warning("Could not record a crawl of %s", self.entity, exc_info=True)
        if finished is not None:
            announce_crawl(self.store, self.entity, finished)

    def move(self, limit: int, items: int, last_key: str | None, duration: float) -> int | None:
        """Move the cursor; return the id of the crawl record this page finished, if any."""
        cursor, now, short = self.cursor, timezone.now(), items < limit
        done: int | None = None
        if self.replaced is not None and not self.replaced.finished:
            write_counters(self.replaced)  # the crawl it kept ends here
        if self.step is Step.START:
            forget_idle_cursors(now)
            if cursor is not None and cursor.crawl_id is not None and not cursor.finished:
                write_counters(cursor)  # the same importer gave up its last crawl
            crawl_id: int | None = self.create_record(short, items, duration, now).pk
            counters, finished = (1, items, duration), short
            done = crawl_id if short else None
        elif cursor is None:  # a crawl we did not see start: read by key from here on
            crawl_id, counters, finished = None, (0, 0, 0.0), short
        else:
            crawl_id, finished = cursor.crawl_id, cursor.finished
            counters = (cursor.pages, cursor.items, cursor.duration)
            if self.step is Step.NEXT and not finished:
                counters = (counters[0] + 1, counters[1] + items, counters[2] + duration)
            if short and not finished:
                if crawl_id is not None:
                    FeedCrawl.objects.filter(pk=crawl_id).update(
                        **dict(zip(COUNTERS, counters, strict=True)), finished_at=now
                    )
                    done = crawl_id
                finished = True
        if items == 0:  # the end, confirmed: nothing more to read by key
            if cursor is not None:
                FeedCursor.objects.filter(pk=cursor.pk).delete()
            return done
        # The importer asks ``offset + limit`` next, after a short page too (Feed V2 asks
        # until a page is empty): that page is read after the last key served.
        values: dict[str, Any] = {
            "crawl_id": crawl_id,
            "offset": self.offset + limit,
            "after": last_key,
            "previous_offset": self.offset,
            "previous_after": self.after,
            **dict(zip(COUNTERS, counters, strict=True)),
            "finished": finished,
            "store_updated_at": self.store.updated_at,
            "updated_at": now,
        }
        if cursor is not None and self.step is not Step.START:
            move_cursor(cursor.pk, values)
        else:
            save_cursor(
                FeedCursor(scope=self.scope, store_id=self.store.pk, entity=self.entity, **values)
            )
        return done

    def create_record(
        self, finished: bool, items: int, duration: float, now: datetime.datetime | None = None
    ) -> FeedCrawl:
        now = now or timezone.now()
        return FeedCrawl.objects.create(
            store=self.store,
            entity=self.entity,
            protocol=self.protocol,
            incremental=self.incremental,
            started_at=now,
            finished_at=now if finished else None,
            pages=1,
            items=items,
            duration=duration,
        )


def announce_crawl(store: Store, entity: str, crawl_id: int) -> None:
    """Send :data:`~django_clerk.signals.feed_crawled` for a finished crawl (after its commit,
    never failing the feed)."""

    def send() -> None:
        if not feed_crawled.has_listeners(store):
            return  # no receiver: the record is not read
        crawl = FeedCrawl.objects.filter(pk=crawl_id).first()
        if crawl is not None:
            send_safely(feed_crawled, store, entity=entity, crawl=crawl)

    try:
        transaction.on_commit(send, robust=True)
    except DatabaseError:
        logger.warning("Could not announce a crawl of %s", entity, exc_info=True)


def save_cursor(cursor: FeedCursor) -> None:
    """Insert the cursor of its scope, or replace the one there is (one query)."""
    FeedCursor.objects.bulk_create(
        [cursor],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=[*UPDATED_FIELDS],
    )


def move_cursor(pk: int, values: dict[str, Any]) -> None:
    """``FeedCursor.objects.filter(pk=pk).update(**values)`` for plain values, without
    building the query: each value prepared by its field as the ORM's update prepares it."""
    connection = connections[router.db_for_write(FeedCursor)]
    quote = connection.ops.quote_name
    columns, params = [], []
    for name, value in values.items():
        field = FeedCursor._meta.get_field(name)
        assert isinstance(field, Field) and field.column  # a column, not a relation
        columns.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    key = FeedCursor._meta.pk
    assert key is not None and key.column
    sql = f"UPDATE {quote(FeedCursor._meta.db_table)} SET {', '.join(columns)} "
    with connection.cursor() as cursor:
        cursor.execute(f"{sql}WHERE {quote(key.column)} = %s", [*params, pk])


def find_cursor(scope: str) -> FeedCursor | None:
    try:
        return next(iter(FeedCursor.objects.filter(scope=scope)[:1]), None)
    except DatabaseError:  # e.g. the table is not migrated yet: serve with OFFSET
        logger.warning("Could not read a feed cursor", exc_info=True)
        return None


def step_of(cursor: FeedCursor | None, offset: int) -> Step:
    """Offset 0 starts a crawl, unless it repeats the first page of one (an importer that
    counts pages from 0 asks page 0, then page 1: both are offset 0)."""
    if cursor is None or (offset == 0 and cursor.finished):
        return Step.START if offset == 0 else Step.ELSEWHERE
    if offset == cursor.offset:
        return Step.NEXT
    if offset == cursor.previous_offset:
        return Step.AGAIN
    return Step.START if offset == 0 else Step.ELSEWHERE


def write_counters(cursor: FeedCursor, **fields: Any) -> None:
    if cursor.crawl_id is None:  # the crawl's record was deleted meanwhile
        return
    FeedCrawl.objects.filter(pk=cursor.crawl_id).update(
        pages=cursor.pages, items=cursor.items, duration=cursor.duration, **fields
    )


def forget_idle_cursors(now: datetime.datetime | None = None) -> int:
    """Delete the cursors unused for ``CLERK["FEED_CURSOR_IDLE_SECONDS"]`` (at most
    :data:`IDLE_BATCH` at a time), after writing their counters to their crawl records.
    One query when there are none; three when there are."""
    now = now or timezone.now()
    idle_seconds = clerk_settings.FEED_CURSOR_IDLE_SECONDS
    idle = FeedCursor.objects.filter(
        Q(updated_at__lt=now - datetime.timedelta(seconds=idle_seconds))
        | Q(finished=True, updated_at__lt=now - datetime.timedelta(seconds=FINISHED_SECONDS))
    )
    found = list(idle.only("pk", "crawl_id", "finished", *COUNTERS)[:IDLE_BATCH])
    if not found:
        return 0
    records = [
        FeedCrawl(pk=cursor.crawl_id, **{name: getattr(cursor, name) for name in COUNTERS})
        for cursor in found
        if cursor.crawl_id is not None and not cursor.finished
    ]
    if records:
        FeedCrawl.objects.bulk_update(records, COUNTERS)
    deleted, _ = idle.filter(pk__in=[cursor.pk for cursor in found]).delete()
    return deleted
