"""System check of where the app's URLs are included.

========================  ==============================================================
``django_clerk.W021``     ``django_clerk.urls`` is included without a prefix, before other
                          patterns: its catch-all (a JSON 404 for any unknown path under
                          the prefix) would answer for every one of them
========================  ==============================================================
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.urls import URLResolver, get_resolver

APP_URLCONF = "django_clerk.urls"


@register(Tags.urls)
def check_app_urls_prefix(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        patterns = get_resolver().url_patterns
    except Exception:  # a broken URLconf is reported by Django's own URL checks
        return []
    return [
        Warning(
            f"{APP_URLCONF} is included with an empty prefix before other URL patterns: "
            "its catch-all answers a JSON 404 for every path, and the patterns after it are "
            "never reached.",
            hint=f'Include it under a prefix of its own, e.g. path("clerk/", '
            f'include("{APP_URLCONF}")), or last.',
            id="django_clerk.W021",
        )
        for _ in shadowing_includes(patterns)
    ]


def shadowing_includes(patterns: list[Any]) -> list[URLResolver]:
    """The includes of the app, at any depth, with an empty prefix and patterns after them."""
    found = []
    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, URLResolver):
            continue
        if is_app_urlconf(pattern):
            if str(pattern.pattern) in ("", "^") and index < len(patterns) - 1:
                found.append(pattern)
            continue
        try:
            found += shadowing_includes(pattern.url_patterns)
        except Exception:  # an include that cannot be imported: Django reports it
            continue
    return found


def is_app_urlconf(resolver: URLResolver) -> bool:
    module = resolver.urlconf_name
    name = module if isinstance(module, str) else getattr(module, "__name__", "")
    return name == APP_URLCONF
