"""System checks of the Wagtail pages source: E070, E071, W070."""

from __future__ import annotations

import pytest
from django.test import modify_settings

from django_clerk.contrib.wagtail.checks import check_wagtail_sources

pytestmark = pytest.mark.django_db


def ids(messages):
    return [message.id for message in messages]


def test_a_sound_setup_has_no_message(tree, stores):
    assert check_wagtail_sources() == []


def test_e070_the_app_is_missing(tree, stores):
    with modify_settings(INSTALLED_APPS={"remove": "django_clerk.contrib.wagtail"}):
        messages = check_wagtail_sources()
    assert ids(messages) == ["django_clerk.E070"]
    assert "INSTALLED_APPS" in messages[0].msg


def test_e071_page_types_that_are_not_page_models(settings, tree, stores):
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {"pages": ["tests.wagtailshop.clerk.MistypedSerializer"]},
    }
    messages = check_wagtail_sources()
    assert ids(messages) == ["django_clerk.E071", "django_clerk.E071"]
    assert "'shop.Product'" in messages[0].msg
    assert "'wagtailshop.Nope'" in messages[1].msg


def test_w070_a_store_language_without_a_locale(make_store, tree, stores):
    make_store(code="de", language="de")
    messages = check_wagtail_sources()
    assert ids(messages) == ["django_clerk.W070"]
    assert "de (de)" in messages[0].msg


def test_no_wagtail_source_no_message(settings, make_store, tree):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {}}
    make_store(code="de", language="de")
    assert check_wagtail_sources() == []


def test_the_checks_run_with_manage_py_check(tree, stores):
    from django.core import checks

    messages = checks.run_checks(tags=["django_clerk"], include_deployment_checks=False)
    assert not [m for m in messages if m.id.startswith("django_clerk.") and m.is_serious()]
