import pytest
from django.test import override_settings

from django_clerk.conf import DEFAULTS, clerk_settings


def test_defaults_apply_when_nothing_is_set(settings):
    del settings.CLERK
    assert clerk_settings.API_URL == "https://api.clerk.io/v2/"
    assert clerk_settings.as_dict() == DEFAULTS


def test_settings_are_read_live():
    with override_settings(CLERK={"API_URL": "http://127.0.0.1:1/v2/"}):
        assert clerk_settings.API_URL == "http://127.0.0.1:1/v2/"
        assert clerk_settings.FEED_MAX_LIMIT == 1000  # the rest keep their defaults
    assert clerk_settings.API_URL != "http://127.0.0.1:1/v2/"


def test_unknown_setting_is_an_attribute_error():
    with pytest.raises(AttributeError, match="Unknown CLERK setting: 'API_URLS'"):
        clerk_settings.API_URLS  # noqa: B018
