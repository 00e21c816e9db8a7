"""``manage.py clerk_sync``: push the whole catalogue (or what changed since a time) to Clerk."""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_clerk import ENTITIES
from django_clerk.client import ClerkError
from django_clerk.feeds.errors import BadParameter
from django_clerk.feeds.filters import parse_time
from django_clerk.feeds.guard import release
from django_clerk.models import FeedCrawl, Store
from django_clerk.sync.full import FullSync, FullSyncProgress, FullSyncRefused


def parse_since(value: str) -> datetime.datetime:
    """ISO 8601 date or datetime (naive = the current time zone), or a UNIX timestamp: the
    feeds' own time parser (:func:`django_clerk.feeds.filters.parse_time`)."""
    try:
        return parse_time("--since", value)
    except BadParameter as exc:
        raise CommandError(str(exc.detail)) from None


class ProgressBar:
    """A plain one-line progress bar (on stderr), redrawn at most 10 times a second."""

    width = 30

    def __init__(self, write: Callable[[str], Any] | None = None) -> None:
        self.write = write or sys.stderr.write
        self._drawn = 0.0

    def __call__(self, state: FullSyncProgress) -> None:
        now = time.monotonic()
        if not state.finished and state.done and now - self._drawn < 0.1:
            return
        self._drawn = now
        total = max(state.total, 1)
        filled = int(self.width * min(state.done, total) / total)
        bar = "#" * filled + "-" * (self.width - filled)
        percent = 100 * min(state.done, total) // total if state.total else 100
        line = f"\r{state.store.code}/{state.entity} [{bar}] {state.done}/{state.total} {percent}%"
        self.write(line + ("\n" if state.finished else ""))


class Command(BaseCommand):
    help = (
        "Push the feed of every active store (or one) to Clerk.io in batches, for recovery. "
        "An interrupted run resumes where it stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", action="append", help="Store code (repeatable).")
        parser.add_argument(
            "--entity", action="append", choices=ENTITIES, help="Entity (repeatable)."
        )
        parser.add_argument(
            "--since",
            type=parse_since,
            help="Only objects changed after this time (ISO 8601 or UNIX timestamp).",
        )
        parser.add_argument("--batch-size", type=int, help="Objects per call (1-1000).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Serialize and count; send nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Send even when the feed holds far fewer objects than at the last full sync.",
        )
        parser.add_argument(
            "--release-feed-guard",
            action="store_true",
            help=(
                "Accept the new size of feeds the wipe guard refused (of --store/--entity), "
                "so Clerk's next crawl is served; sync nothing."
            ),
        )

    def _write_progress(self, text: str) -> None:
        self.stderr.write(text, ending="")
        self.stderr.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size is not None and not 1 <= batch_size <= 1000:
            raise CommandError("--batch-size must be from 1 to 1000")
        stores = Store.objects.active()
        if options["store"]:
            stores = stores.filter(code__in=options["store"])
            missing = set(options["store"]) - set(stores.values_list("code", flat=True))
            if missing:
                raise CommandError(f"No active store with code {', '.join(sorted(missing))}")
        if options["release_feed_guard"]:
            refused = FeedCrawl.objects.filter(store__in=stores)
            if options["entity"]:
                refused = refused.filter(entity__in=options["entity"])
            released = release(refused)
            self.stdout.write(f"{released} refused feed crawl(s) released.")
            return
        engine = FullSync(
            stores=stores,
            entities=options["entity"],
            since=options["since"],
            batch_size=batch_size,
            dry_run=options["dry_run"],
            progress=None if options["no_progress"] else ProgressBar(self._write_progress),
            force=options["force"],
        )
        try:
            results = engine.run()
        except FullSyncRefused as exc:
            raise CommandError(
                f"{exc} Nothing was sent. If the catalogue really shrank, run again with --force."
            ) from exc
        except ClerkError as exc:
            raise CommandError(f"{exc}. Run the command again to resume.") from exc
        verb = "would send" if options["dry_run"] else "sent"
        for state in results:
            notes = []
            if state.resumed_after is not None:
                notes.append(f"resumed after pk {state.resumed_after}")
            if state.since_ignored:
                notes.append("no Meta.modified_field: --since ignored, all sent")
            if state.failed:
                notes.append(f"{state.failed} failed (see pending Clerk changes in the admin)")
            suffix = f" ({'; '.join(notes)})" if notes else ""
            self.stdout.write(f"{state.store.code}/{state.entity}: {verb} {state.sent}{suffix}")
