"""System checks of the feeds.

========================  ==============================================================
``django_clerk.E020``     ``rest_framework`` or ``django_filters`` is not installed
``django_clerk.E021``     ``CLERK["FEED_DEFAULT_LIMIT"]`` is above ``FEED_MAX_LIMIT``
``django_clerk.W020``     ``CLERK["FEED_ALLOW_HTTP"]`` is on while ``DEBUG`` is off
========================  ==============================================================
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

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
