"""Which Wagtail locale a Clerk store serves."""

from __future__ import annotations

import pytest
from django.test import override_settings

from django_clerk.contrib.wagtail.locales import (
    ALL_LOCALES,
    NO_LOCALE,
    store_content_language,
)
from django_clerk.models import Store


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "en"), ("da", "da"), ("da-dk", "da"), ("", "en"), ("de", NO_LOCALE)],
)
def test_the_store_language_finds_its_content_language(language, expected):
    assert store_content_language(Store(code="x", language=language)) == expected


@override_settings(WAGTAIL_I18N_ENABLED=False)
def test_without_i18n_a_store_serves_every_locale():
    assert store_content_language(Store(code="x", language="da")) is ALL_LOCALES
