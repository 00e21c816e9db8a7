"""A run of the tracking validator: the fake Clerk in place of Clerk.io, the journey walked,
the rules applied."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import router, transaction
from django.test import Client, override_settings
from django.utils import timezone

from django_clerk.testing.fake_api import FakeClerkAPI
from django_clerk.testing.validator.journeys import JourneySource, load_journey
from django_clerk.testing.validator.pages import PageVisit
from django_clerk.testing.validator.problems import PageSummary, Report
from django_clerk.testing.validator.rules import Rules
from django_clerk.testing.validator.walk_browser import BrowserWalker
from django_clerk.testing.validator.walk_client import ClientWalker

AFTER_JOURNEY = "after the journey"


def validate_tracking(
    journey: JourneySource = None,
    driver: Any = None,
    *,
    base_url: str = "",
    fake: FakeClerkAPI | None = None,
) -> Report:
    """Walk ``journey`` (default: ``CLERK["TRACKING_JOURNEY"]``) and report its tracking
    problems.

    ``driver`` is a Django test :class:`~django.test.Client` (the default: a new one), or a
    Playwright ``Browser`` together with ``base_url``, where the shop is served (a live
    server). For the run, ``CLERK["API_URL"]`` and ``CLERK["CLERK_JS_URL"]`` point at ``fake``
    (a :class:`FakeClerkAPI`; by default one started for the run, accepting any store's
    keys), so every call to Clerk, from the pages' Clerk.js or from the shop's server, is
    received and seen there, and nothing reaches Clerk.io.
    """
    found = load_journey(journey)
    with _running(fake) as api, _pointed_at(api):
        if found.contents is not None:
            api.set_contents(found.contents)
        walker = _walker(driver, base_url, api)
        report = Report(walker.mode)
        rules = Rules(report, api.content_ids, browser=walker.browser)
        try:
            for step in found.steps:
                start = len(api.requests)
                visit = walker.walk(step)
                visit.calls = api.requests[start:]
                report.pages.append(_summary(visit))
                rules.check_page(visit)
        finally:
            walker.close()
        rules.check_delivered(_deliver_pending(api))
        rules.check_sales()
    return report


def _walker(driver: Any, base_url: str, api: FakeClerkAPI) -> ClientWalker | BrowserWalker:
    if driver is None or isinstance(driver, Client):
        return ClientWalker(driver or Client())
    if not hasattr(driver, "new_context"):
        raise TypeError(f"Walk with a django.test.Client or a Playwright Browser, not {driver!r}")
    if not base_url:
        raise ValueError("A browser walk needs base_url: where the shop is served")
    return BrowserWalker(driver, base_url, api.origin)


@contextmanager
def _running(fake: FakeClerkAPI | None) -> Iterator[FakeClerkAPI]:
    if fake is not None:
        yield fake.start()
        return
    with FakeClerkAPI(strict_keys=False) as started:
        yield started


@contextmanager
def _pointed_at(api: FakeClerkAPI) -> Iterator[None]:
    # No delivery thread or task is started by the journey's commits: what the outbox holds
    # is delivered to the fake at the end, and rolled back (see _deliver_pending). (The
    # settings are never held in a local: they may hold a private key.)
    with override_settings(
        CLERK={
            **(getattr(settings, "CLERK", None) or {}),
            "API_URL": api.url,
            "CLERK_JS_URL": api.sandbox_js_url,
            "SYNC_DELIVERY": "manual",
        }
    ):
        yield


def _deliver_pending(api: FakeClerkAPI) -> PageVisit:
    """What the shop's outbox holds after the journey, delivered to the fake now, so events
    the server sends after the commit (a sale it logs itself) are seen too. Events waiting
    (a sale the server holds back for the page's Clerk.js to log) are delivered as if their
    wait was over. The delivery is rolled back: every change stays pending for the shop's own
    delivery to Clerk, and the delivery's signals and housekeeping are left out."""
    from django_clerk.models import PendingChange
    from django_clerk.sync.delivery import deliver_due, rehearsal

    start = len(api.requests)
    using = router.db_for_write(PendingChange)
    with transaction.atomic(using=using), rehearsal():  # rolled back: it never happened
        now = timezone.now()
        PendingChange.objects.using(using).filter(
            state=PendingChange.State.PENDING, due_at__gt=now
        ).update(due_at=now)
        deliver_due(max_transient_failures=1, using=using, yield_gil=False)
        transaction.set_rollback(True, using=using)
    return PageVisit(AFTER_JOURNEY, "(the outbox delivered)", 200, calls=api.requests[start:])


def _summary(visit: PageVisit) -> PageSummary:
    return PageSummary(
        visit.step,
        visit.url,
        visit.status,
        len(visit.markup.elements),
        len(visit.tracking_calls),
    )
