"""``manage.py clerk_validate_tracking``: walk the shop's tracking journey and report broken
Clerk tracking; exits with status 1 when anything is wrong."""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, router, transaction
from django.db.models import Max
from django.test import Client, override_settings

from django_clerk.models import PendingChange
from django_clerk.testing.validator import JourneyError, Report, validate_tracking
from django_clerk.testing.validator.serving import BrowserUnavailable, chromium, served_shop


class Command(BaseCommand):
    help = (
        "Walk the pages of CLERK['TRACKING_JOURNEY'] against a local fake of Clerk.io's API "
        "(nothing is sent to Clerk.io) and report broken tracking: unknown ids, unknown "
        "Contents, missing attributes, events fired twice. Exit status: 1 when a problem is "
        "found, 2 when the journey cannot be walked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--journey", help="dotted path of the journey (default: CLERK['TRACKING_JOURNEY'])"
        )
        parser.add_argument(
            "--browser",
            action="store_true",
            help="walk in headless Chromium (the shop served on 127.0.0.1; what the journey "
            "writes, such as its order, is kept, but nothing it queued for Clerk) instead of "
            "the test client (all rolled back)",
        )
        parser.add_argument("--chromium", help="the Chromium executable (browser mode)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        journey = options["journey"] or None
        try:
            if options["browser"]:
                report = self._in_browser(journey, options["chromium"])
            else:
                report = self._with_test_client(journey)
        except (JourneyError, BrowserUnavailable) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), indent=2))
        else:
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(report.text()))
        if not report.ok:
            raise CommandError(f"{len(report.problems)} tracking problem(s).", returncode=1)

    def _with_test_client(self, journey: str | None) -> Report:
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts), ExitStack() as stack:
            for alias in connections:  # whichever database the journey writes to
                stack.enter_context(transaction.atomic(using=alias))
            report = validate_tracking(journey, Client(raise_request_exception=False))
            for alias in connections:
                transaction.set_rollback(True, using=alias)
        return report

    def _in_browser(self, journey: str | None, executable: str | None) -> Report:
        # A browser's requests commit: what the journey queued for Clerk (its order, its
        # events) is removed afterwards, so the shop's own delivery never sends it.
        using = router.db_for_write(PendingChange)
        before = PendingChange.objects.using(using).aggregate(last=Max("pk"))["last"] or 0
        try:
            with served_shop() as base_url, chromium(executable) as browser:
                return validate_tracking(journey, browser, base_url=base_url)
        finally:
            PendingChange.objects.using(using).filter(pk__gt=before).delete()
