"""The right to be forgotten: Clerk's privacy/forget, the outbox purged, an audit row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone
from shop.models import Customer, NewsletterSubscriber, Order, OrderLine

from django_clerk.models import ForgottenCustomer, PendingChange, email_hash
from django_clerk.models.sync import FORGET
from django_clerk.privacy import forget_customer
from django_clerk.sync.delivery import deliver_due

pytestmark = pytest.mark.django_db
EMAIL = "ann@example.com"


@pytest.fixture
def two_stores(make_store, clerk_api):
    clerk_api.add_store("default-public", "default-private")
    clerk_api.add_store("dk-public", "dk-private")
    return [
        make_store(code="default", sync_customers=True),
        make_store(code="dk", sync_customers=True, language="da"),
    ]


@pytest.fixture
def person(two_stores, customer, product):
    """Ann: a customer with an order and a newsletter row, all of it pending for Clerk."""
    order = Order.objects.create(customer=customer, email="Ann@Example.com")
    OrderLine.objects.create(order=order, product=product, quantity=1, unit_price=Decimal("5"))
    order.save()
    NewsletterSubscriber.objects.create(email=EMAIL)
    Customer.objects.create(email="bo@example.com")  # someone else
    return customer


def app_table_text():
    """Every value of every row of the app's own tables, as text."""
    text = []
    for model in apps.get_app_config("django_clerk").get_models():
        for row in model._default_manager.values():
            text.append(repr(row))
    return "\n".join(text)


def test_clerk_forget_asks_every_store_and_purges_the_outbox(person, clerk_api, capsys):
    pending = {(c.entity, c.object_id) for c in PendingChange.objects.all()}
    order = Order.objects.get()
    subscriber = NewsletterSubscriber.objects.get()
    assert {
        ("customers", str(person.pk)),
        ("customers", f"sub-{subscriber.pk}"),
        ("orders", str(order.pk)),
    } <= pending

    call_command("clerk_forget", "ANN@example.com")

    calls = clerk_api.calls("GET", "privacy/forget")
    assert sorted(c.query["key"] for c in calls) == ["default-public", "dk-public"]
    assert all(c.query["email"] == "ANN@example.com" and c.status == 200 for c in calls)
    left = {(c.entity, c.object_id) for c in PendingChange.objects.exclude(entity="products")}
    other = Customer.objects.get(email="bo@example.com")
    assert left == {("customers", str(other.pk))}  # of the people, only Bo's is pending
    assert EMAIL not in app_table_text().lower()
    record = ForgottenCustomer.objects.get()
    assert record.email_hash == email_hash(EMAIL)
    assert record.stores == "default,dk" and record.failed_stores == ""
    assert record.purged_changes == 3 * 2  # customer, subscriber and order, in two stores
    out = capsys.readouterr().out
    assert "forgotten in default, dk" in out and EMAIL not in out


def test_clerk_forgets_the_customer_and_the_orders_email(person, clerk_api):
    from django_clerk.sync.delivery import deliver_due

    deliver_due()
    assert clerk_api.data["customers"][str(person.pk)]["email"] == EMAIL
    forget_customer(EMAIL)
    assert str(person.pk) not in clerk_api.data["customers"]
    assert all("email" not in order for order in clerk_api.data["orders"].values())


def test_a_store_that_fails_is_reported_and_the_command_fails(person, clerk_api, settings):
    settings.CLERK = {**settings.CLERK, "API_RETRIES": 0}
    clerk_api.fail_next(1, 503, path="privacy/forget")
    with pytest.raises(CommandError) as raised:
        call_command("clerk_forget", EMAIL, "--store", "dk")
    assert raised.value.returncode == 1
    record = ForgottenCustomer.objects.get()
    assert record.failed_stores == "dk" and record.stores == ""
    assert not PendingChange.objects.filter(entity="orders").exists()  # purged all the same
    call_command("clerk_forget", EMAIL, "--store", "dk")  # running again is safe
    assert ForgottenCustomer.objects.first().stores == "dk"


def test_the_command_refuses_bad_input(person):
    with pytest.raises(CommandError, match="Unknown store"):
        call_command("clerk_forget", EMAIL, "--store", "nope")
    with pytest.raises(CommandError, match="not an e-mail"):
        call_command("clerk_forget", "ann")
    assert not ForgottenCustomer.objects.exists()


def forget_rows():
    return sorted(
        (row.store.code, row.object_id) for row in PendingChange.objects.filter(entity=FORGET)
    )


def test_deleting_a_user_queues_forgetting_them_when_asked(
    settings, two_stores, clerk_api, django_user_model, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create_user("ann", EMAIL, "x")
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert forget_rows() == [] and not ForgottenCustomer.objects.exists()  # off by default

    settings.CLERK = {**settings.CLERK, "FORGET_ON_USER_DELETE": True}
    user = django_user_model.objects.create_user("ann", EMAIL, "x")
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert clerk_api.count("privacy/forget") == 0  # the deleting request never calls Clerk
    assert forget_rows() == [("default", EMAIL), ("dk", EMAIL)]
    assert ForgottenCustomer.objects.get().email_hash == email_hash(EMAIL)

    report = deliver_due()
    assert report.deleted == 2 and clerk_api.count("privacy/forget") == 2
    assert forget_rows() == []
    assert EMAIL not in app_table_text().lower()  # the address left with the last row


def test_a_failing_clerk_never_breaks_the_user_deletion_nor_loses_it(
    settings, two_stores, clerk_api, django_user_model, django_capture_on_commit_callbacks
):
    settings.CLERK = {**settings.CLERK, "FORGET_ON_USER_DELETE": True}
    clerk_api.go_down()
    user = django_user_model.objects.create_user("ann", EMAIL, "x")
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert not django_user_model.objects.exists()
    report = deliver_due()
    assert report.retrying == 2 and report.deleted == 0
    assert forget_rows() == [("default", EMAIL), ("dk", EMAIL)]  # kept, due after a backoff

    clerk_api.come_up()
    asked = clerk_api.count("privacy/forget")  # the refused connections are counted too
    PendingChange.objects.update(due_at=timezone.now())
    assert deliver_due().deleted == 2
    assert forget_rows() == [] and clerk_api.count("privacy/forget") == asked + 2


def test_a_store_clerk_cannot_reach_now_is_asked_again_by_the_delivery(person, clerk_api, settings):
    settings.CLERK = {**settings.CLERK, "API_RETRIES": 0}
    clerk_api.fail_next(path="privacy/forget")  # the first store's call: a 503
    result = forget_customer(EMAIL)
    assert len(result.failed) == 1 and result.queued == 1 and len(result.forgotten) == 1
    (failed_store,) = result.failed
    assert forget_rows() == [(failed_store, EMAIL)]
    PendingChange.objects.filter(entity=FORGET).update(due_at=timezone.now())
    assert deliver_due().deleted == 1
    assert forget_rows() == []


def test_an_address_clerk_refuses_fails_alone(two_stores, clerk_api):
    from django_clerk.privacy import queue_forget

    queue_forget("first@example.com")
    queue_forget("second@example.com")
    clerk_api.error_next(1, type="ParsingError", message="bad address", path="privacy/forget")
    report = deliver_due()
    assert report.failed == 1 and report.deleted == 3  # 2 stores x 2 addresses, 1 refused
    failed = PendingChange.objects.filter(entity=FORGET, state="failed")
    assert failed.count() == 1 and "bad address" in failed.get().last_error


def test_a_store_without_a_private_key_keeps_its_forgets_for_an_admin(two_stores, clerk_api):
    from django_clerk.privacy import queue_forget

    queue_forget(EMAIL)
    two_stores[1].private_key = ""
    two_stores[1].save()
    report = deliver_due()
    assert report.deleted == 1 and report.failed == 1
    kept = PendingChange.objects.get(entity=FORGET)
    assert kept.state == "failed" and "no private key" in kept.last_error


def test_a_slow_clerk_never_outlives_the_claim_of_forgets(two_stores, clerk_api, settings):
    """Each call takes 0.4 s of a 1 s claim: the delivery stops asking at half the claim
    and gives the rest back, due at once and without an attempt counted."""
    import time

    from django_clerk.client import ClerkClient
    from django_clerk.privacy import queue_forget
    from django_clerk.sync.delivery import claim_batch, deliver_batch

    settings.CLERK = {**settings.CLERK, "SYNC_LEASE_SECONDS": 1}
    two_stores[1].is_active = False
    two_stores[1].save()
    for number in range(3):
        queue_forget(f"p{number}@example.com")
    original = ClerkClient.forget

    def slow(self, *args, **kwargs):
        time.sleep(0.4)
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ClerkClient, "forget", slow)
        started = time.monotonic()
        claim, rows = claim_batch()
        report = deliver_batch(claim, rows)
        assert time.monotonic() - started < 1.0  # within the claim
    assert report.deleted == 2 and report.retrying == 0
    (rest,) = PendingChange.objects.filter(entity=FORGET)
    assert (rest.attempts, rest.lease, rest.claimed_until) == (0, None, None)
    assert rest.due_at <= timezone.now()
    assert deliver_due().deleted == 1 and clerk_api.count("privacy/forget") == 3
