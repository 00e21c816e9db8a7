"""Newsletter consent reaches Clerk through the outbox: after the commit, retried when down."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from shop.models import Customer, NewsletterSubscriber

from django_clerk import consent
from django_clerk.models import PendingChange
from django_clerk.sync.delivery import deliver_due
from tests.consent.conftest import in_clerk

pytestmark = pytest.mark.django_db


def test_the_newsletter_form_subscribes_a_new_address_in_clerk(client, clerk_store, clerk_api):
    response = client.post(reverse("shop:newsletter"), {"email": "Bo@Example.com"})
    assert response.status_code == 302
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.email == "bo@example.com" and subscriber.subscribed
    assert clerk_api.count("customers") == 0  # nothing is sent inside the request

    deliver_due()
    sent = in_clerk(clerk_api, f"sub-{subscriber.pk}")
    assert sent["subscribed"] is True and sent["email"] == "bo@example.com"
    assert sent["unsub_url"].startswith("https://shop.example.com/clerk/unsubscribe/")
    assert not PendingChange.objects.exists()


def test_the_newsletter_form_subscribes_a_known_customer_without_a_duplicate(
    client, clerk_store, clerk_api, customer
):
    Customer.objects.filter(pk=customer.pk).update(subscribed=False)
    PendingChange.objects.all().delete()
    client.post(reverse("shop:newsletter"), {"email": "ANN@example.com"})
    assert not NewsletterSubscriber.objects.exists()
    deliver_due()
    assert in_clerk(clerk_api, str(customer.pk))["subscribed"] is True


def test_a_bad_address_is_refused_and_changes_nothing(client, clerk_store):
    response = client.post(reverse("shop:newsletter"), {"email": "not-an-address"})
    assert response.status_code == 400
    assert not NewsletterSubscriber.objects.exists() and not PendingChange.objects.exists()


def test_the_checkout_checkbox_subscribes_the_buyer(client, clerk_store, clerk_api, product):
    client.post(reverse("shop:cart_add", args=[product.pk]), {"quantity": 1})
    data = {"email": "cy@example.com", "first_name": "Cy", "last_name": "D", "zip_code": "1"}
    response = client.post(reverse("shop:checkout"), {**data, "subscribed": "on"})
    assert response.status_code == 302, response.content
    deliver_due()
    buyer = Customer.objects.get(email="cy@example.com")
    assert in_clerk(clerk_api, str(buyer.pk))["subscribed"] is True


def test_a_subscriber_who_buys_becomes_one_customer(client, clerk_store, clerk_api, product):
    client.post(reverse("shop:newsletter"), {"email": "dee@example.com"})
    deliver_due()
    subscriber = NewsletterSubscriber.objects.get()
    client.post(reverse("shop:cart_add", args=[product.pk]), {"quantity": 1})
    data = {"email": "dee@example.com", "first_name": "Dee", "last_name": "E", "zip_code": "1"}
    client.post(reverse("shop:checkout"), data)  # no checkbox: the earlier consent stays
    deliver_due()
    buyer = Customer.objects.get(email="dee@example.com")
    assert buyer.subscribed and not NewsletterSubscriber.objects.exists()
    assert in_clerk(clerk_api, str(buyer.pk))["subscribed"] is True
    assert f"sub-{subscriber.pk}" in clerk_api.deleted("customers")


def test_unsubscribe_changes_every_row_holding_the_address(clerk_store, clerk_api, customer):
    other = NewsletterSubscriber.objects.create(email="ann@example.com")
    deliver_due()
    assert consent.unsubscribe(" Ann@Example.com ") == 2
    customer.refresh_from_db()
    other.refresh_from_db()
    assert not customer.subscribed and not other.subscribed
    deliver_due()
    assert in_clerk(clerk_api, str(customer.pk))["subscribed"] is False
    assert in_clerk(clerk_api, f"sub-{other.pk}")["subscribed"] is False
    assert consent.unsubscribe("nobody@example.com") == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_never_reaches_clerk(clerk_store, clerk_api, customer):
    deliver_due()
    with pytest.raises(RuntimeError), transaction.atomic():
        consent.unsubscribe("ann@example.com")
        raise RuntimeError("the shop's own write failed")
    assert not PendingChange.objects.exists()
    deliver_due()
    assert in_clerk(clerk_api, str(customer.pk))["subscribed"] is True


def test_an_unsubscribe_waits_while_clerk_is_down_and_goes_through_after(
    clerk_store, clerk_api, customer
):
    deliver_due()
    clerk_api.go_down()
    consent.unsubscribe("ann@example.com")
    report = deliver_due()
    assert report.retrying == 1
    change = PendingChange.objects.get()
    assert change.attempts == 1 and change.last_error
    assert in_clerk(clerk_api, str(customer.pk))["subscribed"] is True

    clerk_api.come_up()
    PendingChange.objects.all().retry_now()  # the backoff has passed
    deliver_due()
    assert not PendingChange.objects.exists()
    assert in_clerk(clerk_api, str(customer.pk))["subscribed"] is False


def test_the_subscription_hook_hears_every_change(
    settings, clerk_store, customer, django_capture_on_commit_callbacks
):
    heard = []
    settings.CLERK = {**settings.CLERK, "SUBSCRIPTION_HOOK": lambda e, s: heard.append((e, s))}
    with django_capture_on_commit_callbacks(execute=True):  # the hook hears committed changes
        consent.unsubscribe("ANN@example.com")
        consent.subscribe("new@example.com")
    assert heard == [("ann@example.com", False), ("new@example.com", True)]


def test_a_failing_subscription_hook_never_undoes_the_change(
    settings, clerk_store, customer, django_capture_on_commit_callbacks
):
    def broken(email, subscribed):
        raise RuntimeError("the mailing service is down")

    settings.CLERK = {**settings.CLERK, "SUBSCRIPTION_HOOK": broken}
    with django_capture_on_commit_callbacks(execute=True):
        consent.unsubscribe("ann@example.com")
    customer.refresh_from_db()
    assert customer.subscribed is False
