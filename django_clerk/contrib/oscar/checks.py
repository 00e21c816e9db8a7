"""System checks of the django-oscar preset.

=============================  =========================================================
``django_clerk.E060``          ``django_clerk`` is not in ``INSTALLED_APPS``
``django_clerk.E061``          an Oscar app the preset maps (catalogue, partner, order) is
                               not installed
``django_clerk.W060``          Oscar's ``BasketMiddleware`` is not in ``MIDDLEWARE``: the
                               storefront cannot tell Clerk what is in the basket
=============================  =========================================================
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

REQUIRED_OSCAR_APPS = ("catalogue", "partner", "order")
BASKET_MIDDLEWARE = "oscar.apps.basket.middleware.BasketMiddleware"


def missing_oscar_apps() -> list[str]:
    """The labels of the Oscar apps the preset maps that are not installed."""
    labels = {config.label for config in apps.get_app_configs()}
    return [label for label in REQUIRED_OSCAR_APPS if label not in labels]


@register()
def check_oscar_preset(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not apps.is_installed("django_clerk"):
        messages.append(
            Error(
                "django_clerk.contrib.oscar needs 'django_clerk' in INSTALLED_APPS.",
                id="django_clerk.E060",
            )
        )
    missing = missing_oscar_apps()
    if missing:
        messages.append(
            Error(
                f"django_clerk.contrib.oscar maps Oscar's {', '.join(missing)} app(s), "
                "which are not installed.",
                hint="Add Oscar's apps to INSTALLED_APPS as Oscar's documentation says.",
                id="django_clerk.E061",
            )
        )
    if BASKET_MIDDLEWARE not in getattr(settings, "MIDDLEWARE", []):
        messages.append(
            Warning(
                f"{BASKET_MIDDLEWARE} is not in MIDDLEWARE: the storefront cannot tell "
                "Clerk.js what is in the basket.",
                id="django_clerk.W060",
            )
        )
    return messages
