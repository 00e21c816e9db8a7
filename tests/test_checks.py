"""Every way the configuration or a mapping can be wrong has a check with a stable id."""

import pytest
from django.core import checks
from django.test import override_settings

from tests.othershop.clerk import SERIALIZERS


def check_ids() -> list[str]:
    return [m.id for m in checks.run_checks(tags=["django_clerk"]) if m.level >= checks.WARNING]


def clerk(**values):
    return override_settings(CLERK={"SERIALIZERS": SERIALIZERS, **values})


def test_valid_configuration_passes():
    with clerk():
        assert check_ids() == []


def test_example_project_configuration_passes():
    assert check_ids() == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"API_URLL": "x"}, ["django_clerk.E002"]),
        ({"SERIALIZERS": {"product": "x.Y"}}, ["django_clerk.E003"]),
        ({"SERIALIZERS": ["x"]}, ["django_clerk.E003"]),
        ({"SERIALIZERS": {"products": "tests.othershop.clerk.Nope"}}, ["django_clerk.E004"]),
        (
            {"SERIALIZERS": {"products": "tests.othershop.clerk.MemberSerializer"}},
            ["django_clerk.E005"],
        ),
        ({"SERIALIZERS": {"products": "tests.test_checks.NoModel"}}, ["django_clerk.E006"]),
        (
            {"SERIALIZERS": {"products": "tests.test_checks.MissingFields"}},
            ["django_clerk.E007"] * 8,
        ),
        ({"API_URL": "api.clerk.io/v2"}, ["django_clerk.E008"]),
        ({"FEED_MAX_LIMIT": 5000}, ["django_clerk.E009"]),
        ({"API_TIMEOUT": "10"}, ["django_clerk.E009"]),
        ({"FEED_WIPE_GUARD_SHARE": 1.5}, ["django_clerk.E009"]),
        ({"FEED_WIPE_GUARD_SHARE": -0.1}, ["django_clerk.E009"]),
        ({"FEED_WIPE_GUARD_SHARE": "half"}, ["django_clerk.E009"]),
        ({"FEED_WIPE_GUARD_MIN_ITEMS": -1}, ["django_clerk.E009"]),
        ({"STORES": {"da": {"PUBLIC": "x"}}}, ["django_clerk.E010"]),
        ({"STORES": []}, ["django_clerk.E010"]),
        (
            {"SERIALIZERS": {"products": "tests.test_checks.BadModifiedField"}},
            ["django_clerk.E011"],
        ),
        ({"SERIALIZERS": {"products": "tests.test_checks.BadStockFilter"}}, ["django_clerk.E012"]),
        ({"SERIALIZERS": {"products": "tests.test_checks.BadHiddenFilter"}}, ["django_clerk.E012"]),
        ({"BASE_URL": "/shop"}, ["django_clerk.E013"]),
    ],
)
def test_each_mistake_has_its_id(values, expected):
    with override_settings(CLERK=values):
        assert check_ids() == expected


def test_clerk_must_be_a_dict():
    with override_settings(CLERK=["x"]):
        assert check_ids() == ["django_clerk.E001"]


# Broken serializers referenced above -------------------------------------------------
from rest_framework import serializers  # noqa: E402

from django_clerk import mapping  # noqa: E402
from tests.othershop.clerk import ArticleSerializer  # noqa: E402
from tests.othershop.models import Article  # noqa: E402


class NoModel(mapping.ProductSerializer):
    name = serializers.CharField()


class MissingFields(mapping.ProductSerializer):
    class Meta:
        model = Article
        fields = ["ean", "title"]


class BadModifiedField(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        modified_field = "updated_at"


class BadStockFilter(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        in_stock_filter = {"stock__gt": 0}


class BadHiddenFilter(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        hidden_filter = {"is_hidden": True}


@pytest.mark.parametrize("share", [None, 0, 0.25, 1])
def test_wipe_guard_share_may_be_off(share):
    with override_settings(CLERK={"FEED_WIPE_GUARD_SHARE": share}):
        assert check_ids() == []


def test_a_lock_directory_that_is_not_a_path_is_e019(settings):
    from django_clerk.checks import check_settings

    settings.CLERK = {**settings.CLERK, "TOKEN_VERIFY_LOCK_DIR": 3}
    assert [e.id for e in check_settings()] == ["django_clerk.E019"]
    settings.CLERK = {**settings.CLERK, "TOKEN_VERIFY_LOCK_DIR": "/tmp/clerk-locks"}
    assert check_settings() == []
