"""``manage.py clerk_deliver``: deliver the real-time sync's pending changes now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from django_clerk import ENTITIES
from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange, Store
from django_clerk.models.sync import BULK
from django_clerk.sync.delivery import deliver_due


class Command(BaseCommand):
    help = (
        "Deliver pending real-time changes to Clerk.io (run it from cron with "
        "SYNC_DELIVERY='manual'). Changes waiting for a retry are left for later unless --now. "
        "A run stops after --max-failures failed pushes in a row (Clerk is down or hangs); "
        "what is left waits for the next run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", action="append", help="Store code (repeatable).")
        parser.add_argument("--entity", action="append", choices=ENTITIES)
        parser.add_argument(
            "--now", action="store_true", help="Also send changes waiting for a retry."
        )
        parser.add_argument(
            "--retry-failed", action="store_true", help="Try failed changes again as well."
        )
        parser.add_argument(
            "--max-failures",
            type=int,
            help="Stop after this many failed pushes in a row (default: "
            "CLERK['SYNC_BREAKER_THRESHOLD']; 0: never stop early).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store_ids = None
        if options["store"]:
            store_ids = list(
                Store.objects.filter(code__in=options["store"]).values_list("pk", flat=True)
            )
            if len(store_ids) != len(set(options["store"])):
                raise CommandError("Unknown store code in --store")
        max_failures = options["max_failures"]
        if max_failures is None:
            max_failures = int(clerk_settings.SYNC_BREAKER_THRESHOLD)
        if max_failures < 0:
            raise CommandError("--max-failures must be 0 or more")
        entities = options["entity"]
        selected = PendingChange.objects.all()
        if store_ids is not None:
            selected = selected.filter(store_id__in=store_ids)
        if entities:
            selected = selected.filter(entity__in=entities)
        if options["retry_failed"]:
            selected.filter(state=PendingChange.State.FAILED).retry_now()
        if options["now"]:
            selected.filter(state=PendingChange.State.PENDING).update(due_at=timezone.now())
        if entities:  # bulk changes name their entity inside: make them rows of it first
            deliver_due(store_ids=store_ids, entities=[BULK])
        report = deliver_due(
            store_ids=store_ids, entities=entities, max_transient_failures=max_failures or None
        )
        pending = selected.filter(state=PendingChange.State.PENDING).count()
        failed = selected.filter(state=PendingChange.State.FAILED).count()
        self.stdout.write(
            f"Delivered {report.upserted} upserts and {report.deleted} deletes in "
            f"{report.calls} calls; {report.retrying} to retry, {report.failed} failed. "
            f"Left: {pending} pending, {failed} failed."
        )
        if report.stopped:
            self.stderr.write(
                f"Stopped after {max_failures} failed pushes in a row: Clerk.io seems down. "
                "The rest waits for the next run."
            )
        if report.retrying or report.failed:
            self.stderr.write("Some changes were not delivered: see pending Clerk changes.")
