"""System checks of the feeds.

========================  ==============================================================
``django_clerk.E020``     ``rest_framework`` or ``django_filters`` is not installed
``django_clerk.E021``     ``CLERK["FEED_DEFAULT_LIMIT"]`` is above ``FEED_MAX_LIMIT``
``django_clerk.W020``     ``CLERK["FEED_ALLOW_HTTP"]`` is on while ``DEBUG`` is off
``django_clerk.W022``     the wipe guard refuses a feed (per store and entity): accept the
                          new size in the admin or ``clerk_sync --release-feed-guard``
``django_clerk.W023``     ``JSONErrorsMiddleware`` is missing from ``MIDDLEWARE`` or comes
                          after ``CommonMiddleware``: a request refused by middleware (a
                          disallowed ``Host``) gets Django's HTML page, which Clerk's
                          importer cannot read
========================  ==============================================================

W022 reads the feed crawls when the databases are named (``manage.py check --database
default``, ``migrate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from django_clerk.conf import clerk_settings


@register("django_clerk")
def check_feeds(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # reported as E001
    messages: list[CheckMessage] = []
    for app in ("rest_framework", "django_filters"):
        if not apps.is_installed(app):
            messages.append(
                Error(
                    f"The Clerk feeds need {app!r} in INSTALLED_APPS.",
                    id="django_clerk.E020",
                )
            )
    default, maximum = clerk_settings.FEED_DEFAULT_LIMIT, clerk_settings.FEED_MAX_LIMIT
    if isinstance(default, int) and isinstance(maximum, int) and default > maximum:
        messages.append(
            Error(
                f"CLERK['FEED_DEFAULT_LIMIT'] ({default}) is above "
                f"CLERK['FEED_MAX_LIMIT'] ({maximum}).",
                id="django_clerk.E021",
            )
        )
    messages.extend(check_errors_middleware(list(getattr(settings, "MIDDLEWARE", None) or [])))
    if clerk_settings.FEED_ALLOW_HTTP and not settings.DEBUG:
        messages.append(
            Warning(
                "CLERK['FEED_ALLOW_HTTP'] is on outside DEBUG: Feed V2 accepts importer tokens "
                "over plain http.",
                hint="Serve the feeds over HTTPS (and set SECURE_PROXY_SSL_HEADER behind a "
                "TLS-terminating proxy).",
                id="django_clerk.W020",
            )
        )
    return messages


@register(Tags.database)
def check_refused_feeds(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """W022: feeds the wipe guard refuses until an admin accepts their new size. A check of
    the database's state: it runs when the databases are named (``manage.py check
    --database default``, ``migrate``)."""
    from django_clerk.models import FeedCrawl

    refused: list[tuple[Any, ...]] = []
    for alias in databases or ():
        try:
            refused += (
                FeedCrawl.objects.using(alias)
                .filter(refused=True, released_at=None)
                .order_by("store__code", "entity", "protocol")
                .values_list("store__code", "entity", "protocol", "items", "baseline")
            )
        except Exception:  # no table yet (before migrate), no access
            continue
    if not refused:
        return []
    feeds = ", ".join(
        f"{code}/{entity} ({protocol}): {items} of {baseline}"
        for code, entity, protocol, items, baseline in refused
    )
    return [
        Warning(
            f"The wipe guard refuses {len(refused)} feed(s) to Clerk.io's importer, which "
            f"held far fewer objects than at their last complete crawl ({feeds}).",
            hint="If the catalogue really shrank, accept the new size in the admin (Feed "
            "crawls, 'Accept the new size') or with manage.py clerk_sync --release-feed-guard; "
            "otherwise fix what emptied the feed.",
            id="django_clerk.W022",
        )
    ]


ERRORS_MIDDLEWARE = "django_clerk.middleware.JSONErrorsMiddleware"
COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"


def check_errors_middleware(middleware: list[str]) -> list[CheckMessage]:
    """W023: the JSON errors middleware is missing, or after ``CommonMiddleware`` (whose
    ``Host`` check would then answer in HTML)."""
    if ERRORS_MIDDLEWARE in middleware and (
        COMMON_MIDDLEWARE not in middleware
        or middleware.index(ERRORS_MIDDLEWARE) < middleware.index(COMMON_MIDDLEWARE)
    ):
        return []
    return [
        Warning(
            f"{ERRORS_MIDDLEWARE!r} is not in MIDDLEWARE before {COMMON_MIDDLEWARE!r}: a "
            "request to the feeds that middleware refuses (a Host not in ALLOWED_HOSTS) is "
            "answered with Django's HTML error page, which Clerk's importer cannot read.",
            hint=f"Put {ERRORS_MIDDLEWARE!r} first in MIDDLEWARE.",
            id="django_clerk.W023",
        )
    ]
