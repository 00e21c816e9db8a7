"""System checks of the Wagtail pages source.

========================  ==============================================================
``django_clerk.E070``     a Wagtail page source is mapped but ``django_clerk.contrib.wagtail``
                          is not in ``INSTALLED_APPS`` (publishing would not reach Clerk)
``django_clerk.E071``     a source's ``page_types`` names something that is not a Wagtail
                          page model
``django_clerk.W070``     with ``WAGTAIL_I18N_ENABLED``, an active store's language has no
                          Wagtail locale: its pages feed is empty
========================  ==============================================================

The checks are registered when this module is imported: by the app's ``ready()``, and by the
serializers module (so E070 is reported even when the app is missing). W070 reads the stores
and locales; without a database (or before ``migrate``) it says nothing.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, Warning, register

from django_clerk.contrib.wagtail.locales import i18n_enabled, store_content_language
from django_clerk.contrib.wagtail.sources import APP, wagtail_sources


@register("django_clerk")
def check_wagtail_sources(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    sources = wagtail_sources()
    messages: list[CheckMessage] = []
    if sources and not apps.is_installed(APP):
        messages.append(
            Error(
                f"{sources[0].__qualname__} serves Wagtail pages, but {APP!r} is not in "
                "INSTALLED_APPS: published, unpublished and moved pages would not reach "
                "Clerk.io.",
                hint=f"Add {APP!r} to INSTALLED_APPS.",
                id="django_clerk.E070",
            )
        )
    for source in sources:
        for page_type in source.page_types:
            if not _is_page_model(page_type):
                messages.append(
                    Error(
                        f"{source.__qualname__}.page_types: {page_type!r} is not a Wagtail "
                        "page model.",
                        hint='Name page models as "app_label.ModelName" or as classes.',
                        id="django_clerk.E071",
                    )
                )
    if sources and i18n_enabled():
        messages += _stores_without_locale()
    return messages


def _is_page_model(page_type: Any) -> bool:
    from wagtail.models import Page

    if isinstance(page_type, str):
        try:
            page_type = apps.get_model(page_type)
        except (LookupError, ValueError):
            return False
    return isinstance(page_type, type) and issubclass(page_type, Page)


def _stores_without_locale() -> list[CheckMessage]:
    from wagtail.models import Locale

    from django_clerk.models import Store

    try:
        stores = list(Store.objects.filter(is_active=True).order_by("code"))
        locales = set(Locale.objects.values_list("language_code", flat=True))
    except Exception:  # no database, no table yet (before migrate), no access (tests)
        return []
    # A language Wagtail does not know (NO_LOCALE) is in no locale either.
    missing = [store for store in stores if store_content_language(store) not in locales]
    if not missing:
        return []
    names = ", ".join(f"{store.code} ({store.get_language()})" for store in missing)
    return [
        Warning(
            f"Wagtail has no locale for the language of Clerk store(s) {names}: their pages "
            "feed is empty.",
            hint="Add the language to WAGTAIL_CONTENT_LANGUAGES and create its Locale, or "
            "set the store's language to one of them.",
            id="django_clerk.W070",
        )
    ]
