"""The app of the Wagtail pages source: connects Wagtail's page signals, registers checks."""

from __future__ import annotations

from django.apps import AppConfig


class WagtailPagesConfig(AppConfig):
    name = "django_clerk.contrib.wagtail"
    label = "django_clerk_wagtail"
    verbose_name = "Clerk.io for Wagtail"

    def ready(self) -> None:
        from django_clerk.contrib.wagtail import checks, signals

        del checks  # imported to register the system checks
        signals.connect()
