"""Signed unsubscribe links: they work once, a forged or expired one changes nothing."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from shop.clerk import CustomerSerializer, SubscriberSerializer
from shop.models import Customer, NewsletterSubscriber

from django_clerk import consent
from django_clerk.consent import links
from django_clerk.mapping import Renderer
from django_clerk.models import PendingChange, UsedUnsubscribeLink
from django_clerk.sync.delivery import deliver_due
from tests.consent.conftest import in_clerk

pytestmark = pytest.mark.django_db


def link_path(email="ann@example.com"):
    return links.unsubscribe_path(email)


def nothing_changed(customer):
    customer.refresh_from_db()
    return customer.subscribed and not PendingChange.objects.exists()


def test_get_asks_post_unsubscribes_locally_and_in_clerk(client, clerk_store, clerk_api, customer):
    deliver_due()
    path = link_path()
    page = client.get(path)
    assert page.status_code == 200 and b"ann@example.com" in page.content
    assert b'<form method="post">' in page.content
    assert nothing_changed(customer)  # a link scanner fetching the link changes nothing

    done = client.post(path)
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    customer.refresh_from_db()
    assert not customer.subscribed
    deliver_due()
    assert in_clerk(clerk_api, str(customer.pk))["subscribed"] is False


def test_a_link_works_once(client, clerk_store, customer):
    path = link_path()
    assert client.post(path).status_code == 200
    Customer.objects.filter(pk=customer.pk).update(subscribed=True)  # e.g. an admin's edit
    PendingChange.objects.all().delete()
    for method in (client.post, client.get):
        replay = method(path)
        assert replay.status_code == 410
        assert b"already used" in replay.content
    assert nothing_changed(customer)
    assert UsedUnsubscribeLink.objects.count() == 1


def test_subscribing_again_makes_the_days_link_work_again(client, clerk_store, customer):
    path = link_path()
    client.post(path)
    consent.subscribe("ann@example.com")
    assert client.post(path).status_code == 200
    customer.refresh_from_db()
    assert not customer.subscribed


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: "e" + token[1:],  # the payload
        lambda token: links.DailySigner().sign_object("bob@example.com")[:-3] + token[-3:],
        lambda token: "nonsense",
    ],
)
def test_a_forged_link_is_refused_and_changes_nothing(client, clerk_store, customer, tamper):
    PendingChange.objects.all().delete()
    token = links.unsubscribe_token("ann@example.com")
    for method in (client.get, client.post):
        response = method(f"/clerk/unsubscribe/{tamper(token)}/")
        assert response.status_code == 400
        assert b"not valid" in response.content and b"ann@example.com" not in response.content
    assert nothing_changed(customer)
    assert not UsedUnsubscribeLink.objects.exists()


def test_a_link_signed_with_another_salt_is_refused(client, clerk_store, customer):
    from django.core import signing

    PendingChange.objects.all().delete()
    token = signing.dumps("ann@example.com", salt="something.else")
    assert client.post(f"/clerk/unsubscribe/{token}/").status_code == 400
    assert nothing_changed(customer)


def test_an_expired_link_is_refused_and_changes_nothing(client, settings, clerk_store, customer):
    settings.CLERK = {**settings.CLERK, "UNSUBSCRIBE_LINK_DAYS": 30}
    PendingChange.objects.all().delete()
    with mock.patch.object(links.time, "time", return_value=time.time() - 31 * 86400):
        path = link_path()
    response = client.post(path)
    assert response.status_code == 410 and b"expired" in response.content
    assert nothing_changed(customer)
    with mock.patch.object(links.time, "time", return_value=time.time() - 29 * 86400):
        fresh = link_path()
    assert client.post(fresh).status_code == 200


def test_other_methods_answer_json(client, clerk_store):
    response = client.put(link_path())
    assert response.status_code == 405 and response.json()["error"]["code"] == 405


def test_an_address_with_a_slash_still_has_a_working_link(client, clerk_store):
    NewsletterSubscriber.objects.create(email="a/b@example.com")
    assert client.post(link_path("a/b@example.com")).status_code == 200
    assert not NewsletterSubscriber.objects.get().subscribed


def test_unsub_url_is_the_same_from_rows_and_instances(clerk_store, customer):
    NewsletterSubscriber.objects.create(email="sub@example.com")
    for serializer in (CustomerSerializer, SubscriberSerializer):
        assert serializer.data_source().rows, serializer.data_source().reason
        queryset = serializer.feed_queryset(clerk_store)
        rendered = [
            Renderer(serializer, clerk_store, source=source, validate=False).render_all(queryset)
            for source in ("rows", "instances")
        ]
        assert rendered[0].items == rendered[1].items
        (item,) = rendered[0].items
        assert item["unsub_url"] == "https://shop.example.com" + links.unsubscribe_path(
            item["email"]
        )


def test_no_email_no_unsub_url(clerk_store):
    customer = Customer.objects.create(email="", first_name="Nobody")
    queryset = CustomerSerializer.feed_queryset(clerk_store).filter(pk=customer.pk)
    (item,) = Renderer(CustomerSerializer, clerk_store, validate=False).render_all(queryset).items
    assert "unsub_url" not in item
