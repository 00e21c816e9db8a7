"""``manage.py clerk_status``: is the Clerk.io integration healthy? For people and monitoring.

Prints each active store's status (the keys, the last feed crawls, pending and failed changes,
the last delivery error, the delivery mode); ``--json`` prints it as JSON. Exits 1 when a store
is unhealthy, 0 otherwise, so a monitoring check can run it as it is.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_clerk.models import Store
from django_clerk.sync.status import StoreStatus, all_statuses


class Command(BaseCommand):
    help = "Show whether each store's Clerk.io integration is healthy (exit 1 when not)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--store", help="Only this store (its code).")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--no-keys", action="store_true", help="Do not ask Clerk.io whether the keys work."
        )
        parser.add_argument(
            "--data",
            action="store_true",
            help="Also check every object against Clerk's rules (renders every feed: slow).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["store"]
        if code is not None and not Store.objects.filter(code=code).exists():
            raise CommandError(f"No store with the code {code!r}")
        statuses = all_statuses(code, check_keys=not options["no_keys"], check_data=options["data"])
        if options["json"]:
            healthy = all(s.healthy for s in statuses)
            payload = {"healthy": healthy, "stores": [s.as_dict() for s in statuses]}
            self.stdout.write(json.dumps(payload, indent=2))
        else:
            for status in statuses:
                self.print_status(status)
            if not statuses:
                self.stdout.write("No active store.")
        if not all(s.healthy for s in statuses):
            raise SystemExit(1)

    def print_status(self, status: StoreStatus) -> None:
        style = self.style.SUCCESS if status.healthy else self.style.ERROR
        verdict = "healthy" if status.healthy else "UNHEALTHY"
        self.stdout.write(style(f"{status.store} ({status.name}): {verdict}"))
        keys = {True: "accepted", False: "REFUSED", None: "not checked"}[status.keys_ok]
        if status.keys_ok is None and status.keys_detail:
            keys = "Clerk.io unreachable"
        self.stdout.write(
            f"  keys: {keys}{f' ({status.keys_detail})' if status.keys_detail else ''}"
        )
        self.stdout.write(f"  delivery: {status.delivery_mode}")
        self.stdout.write(
            f"  pending: {status.pending} (oldest {_age(status.oldest_pending_seconds)}), "
            f"failed: {status.failed} (oldest {_age(status.oldest_failed_seconds)})"
        )
        if status.waiting_seconds is not None:
            self.stdout.write(f"  due and not picked up for {_age(status.waiting_seconds)}")
        if status.last_error:
            self.stdout.write(f"  last delivery error: {status.last_error[:300]}")
        for crawl in status.crawls:
            end = crawl.finished_at or "unfinished"
            refused = " REFUSED by the wipe guard" if crawl.refused else ""
            self.stdout.write(
                f"  last {crawl.entity} crawl: {crawl.started_at} to {end}, "
                f"{crawl.items} items in {crawl.pages} pages{refused}"
            )
        for summary in status.data or ():
            self.stdout.write(
                f"  data: {summary.entity}: {summary.broken} of {summary.checked} broken"
            )
        for problem in status.problems:
            self.stdout.write(self.style.WARNING(f"  problem: {problem}"))


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
