"""System checks of the consent settings: django_clerk.E100-E103 and W100."""

from __future__ import annotations

import pytest
from django.test import override_settings

from django_clerk.consent.checks import check_consent, check_customers_synced

BASE = {"SERIALIZERS": {"customers": "shop.clerk.CustomerSerializer"}}


def ids(**values):
    with override_settings(CLERK={**BASE, **values}):
        return [message.id for message in check_consent()]


def test_the_example_settings_pass():
    assert [message.id for message in check_consent()] == []


@pytest.mark.django_db
def test_consent_without_a_store_syncing_customers_is_a_warning(
    make_store, django_assert_num_queries
):
    store = make_store(code="default")
    with django_assert_num_queries(0):
        assert check_customers_synced() == []  # only when the databases are named
    found = check_customers_synced(databases=["default"])
    assert [message.id for message in found] == ["django_clerk.W101"]
    store.sync_customers = True
    store.save()
    assert check_customers_synced(databases=["default"]) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"TRACKING_CONSENT": True}, []),
        ({"TRACKING_CONSENT": "shop.consent.tracking_allowed"}, []),
        ({"TRACKING_CONSENT": "shop.consent.nope"}, ["django_clerk.E100"]),
        ({"TRACKING_CONSENT": 3}, ["django_clerk.E100"]),
        ({"TRACKING_CONSENT": "shop.consent.CONSENT_COOKIE"}, ["django_clerk.E100"]),
        ({"SUBSCRIPTION_HOOK": True}, ["django_clerk.E100"]),
        ({"SUBSCRIPTION_MODELS": []}, ["django_clerk.E101"]),
        ({"SUBSCRIPTION_MODELS": {"shop.Nope": {}}}, ["django_clerk.E101"]),
        ({"SUBSCRIPTION_MODELS": {"shop.Customer": {"email": "mail"}}}, ["django_clerk.E101"]),
        ({"SUBSCRIPTION_MODELS": {"shop.Customer": {"typo": "x"}}}, ["django_clerk.E101"]),
        ({"SUBSCRIPTION_MODELS": {"shop.Customer": {}}}, []),
        ({"SUBSCRIPTION_MODELS": {"shop.NewsletterSubscriber": {}}}, ["django_clerk.W100"]),
        ({"UNSUBSCRIBE_LINK_DAYS": 0}, ["django_clerk.E102"]),
        ({"EMAIL_RECOMMENDATIONS_TIMEOUT": "2"}, ["django_clerk.E102"]),
        ({"FORGET_ON_USER_DELETE": "yes"}, ["django_clerk.E103"]),
        ({"EMAIL_LINK_PARAMETERS": {"utm_source": 1}}, ["django_clerk.E103"]),
    ],
)
def test_each_mistake_has_its_id(values, expected):
    assert ids(**values) == expected
