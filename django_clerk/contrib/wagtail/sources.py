"""The Wagtail page sources among the mapped sources of Clerk's ``pages`` entity."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from django_clerk.mapping import get_serializers

APP = "django_clerk.contrib.wagtail"
MARKER = "wagtail_page_source"
"""The class attribute (``True``) that marks a serializer as a Wagtail page source."""


def wagtail_sources() -> list[Any]:
    """The serializers of ``CLERK["SERIALIZERS"]["pages"]`` that serve Wagtail pages; ``[]``
    when the mapping cannot be loaded (the system checks report why)."""
    try:
        serializers = get_serializers("pages")
    except ImproperlyConfigured:
        return []
    return [serializer for serializer in serializers if getattr(serializer, MARKER, False)]
