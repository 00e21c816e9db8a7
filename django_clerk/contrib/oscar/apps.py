from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


class OscarPresetConfig(AppConfig):
    """Maps django-oscar's products, categories, orders, customers and flatpages to
    Clerk.io, follows Oscar's stock, price, product and category changes in real time, and
    feeds Oscar's basket and checkout into the storefront's tracking."""

    name = "django_clerk.contrib.oscar"
    label = "django_clerk_oscar"
    verbose_name = "Clerk.io for django-oscar"

    def ready(self) -> None:
        from django_clerk.contrib.oscar import checks  # registers the system checks

        if checks.missing_oscar_apps():
            return  # nothing to map: check django_clerk.E061 says what is missing
        from django_clerk.contrib.oscar import live_updates, storefront_signals

        apply_preset()
        live_updates.connect()
        storefront_signals.connect()
        setting_changed.connect(on_setting_changed, dispatch_uid="django_clerk.contrib.oscar")


def apply_preset() -> None:
    """The preset's serializers into ``CLERK``, and the real-time receivers for them."""
    from django_clerk.contrib.oscar.defaults import install
    from django_clerk.sync import signals

    if install():
        signals.connect()


def on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    """A ``CLERK`` replaced (``override_settings``) keeps the preset's serializers for the
    entities it does not map."""
    if setting == "CLERK":
        apply_preset()
