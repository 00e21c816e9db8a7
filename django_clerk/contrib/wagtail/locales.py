"""Which Wagtail locale a Clerk store serves.

A Clerk store has one language; with ``WAGTAIL_I18N_ENABLED`` it serves the pages of the
Wagtail ``Locale`` of that language: the store's language (``Store.language``, else
``LANGUAGE_CODE``) matched to ``WAGTAIL_CONTENT_LANGUAGES`` as Wagtail matches a request's
language (``de-at`` finds ``de-at``, else ``de``). Without internationalisation every page
belongs to every store.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

ALL_LOCALES = None
"""What :func:`store_content_language` answers when Wagtail's internationalisation is off."""
NO_LOCALE = ""
"""What it answers for a store whose language is none of Wagtail's content languages."""


def i18n_enabled() -> bool:
    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False))


def content_language(language: str) -> str:
    """The Wagtail content language of a Django language code, ``NO_LOCALE`` when none."""
    from wagtail.coreutils import get_supported_content_language_variant

    try:
        found: str = get_supported_content_language_variant(language)
    except LookupError:
        return NO_LOCALE
    return found


def store_content_language(store: Any) -> str | None:
    """The ``Locale.language_code`` of ``store``'s pages; ``None`` (:data:`ALL_LOCALES`)
    without internationalisation; ``""`` (:data:`NO_LOCALE`) when its language has none."""
    if not i18n_enabled():
        return ALL_LOCALES
    return content_language(store.get_language())
