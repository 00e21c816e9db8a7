"""Nothing is lost without an admin: transient failures are retried forever, only objects Clerk
refuses are kept failed. Over real HTTP against the fake Clerk API."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.sync import queue_for_sync
from django_clerk.sync.delivery import deliver_due

pytestmark = pytest.mark.django_db
OLD_RETRY_BUDGET = 12
"""Attempts after which changes used to be given up."""
_serial = itertools.count(1)


def make_due():
    PendingChange.objects.update(due_at=timezone.now() - timedelta(seconds=1))


def many_products(count):
    """``count`` products made in bulk (no signals), then queued for delivery."""
    from shop.models import Product

    first = next(_serial) * 100_000
    Product.objects.bulk_create(
        Product(
            name=f"Bulk {n}",
            slug=f"bulk-{n}",
            sku=f"BULK-{n}",
            description="A product",
            price=Decimal("10.00"),
            stock=3,
            image=f"products/{n}.jpg",
        )
        for n in range(first, first + count)
    )
    products = list(Product.objects.filter(slug__startswith="bulk-").order_by("pk"))
    assert queue_for_sync(Product.objects.filter(pk__in=[p.pk for p in products])) == count
    return products


@pytest.mark.parametrize(
    "answer",
    [
        {"type": "InternalError", "status": 200},
        {"type": None, "status": 200},
        {"type": "SomethingNew", "status": 200},
        {"type": "InternalError", "status": 500},
        {"non_json": 200},
        {"non_json": 502},
    ],
    ids=["internal-200", "no-type-200", "unknown-type-200", "internal-500", "html-200", "html-502"],
)
def test_transient_answers_keep_the_batch_pending_without_halving(
    clerk_store, clerk_api, make_product, answer
):
    products = [make_product() for _ in range(4)]
    if "non_json" in answer:
        clerk_api.fail_next(1, status=answer["non_json"], path="products")
    else:
        clerk_api.error_next(1, type=answer["type"], status=answer["status"], path="products")
    report = deliver_due()
    assert (report.retrying, report.failed, report.calls) == (4, 0, 1)  # one call: no halving
    assert set(PendingChange.objects.values_list("state", flat=True)) == {"pending"}
    assert all(row.last_error for row in PendingChange.objects.all())  # the reason is shown
    make_due()
    assert deliver_due().upserted == 4
    assert set(clerk_api.data["products"]) == {p.pk for p in products}


def test_a_thousand_changes_answered_internal_error_are_all_delivered_after_recovery(
    clerk_store, clerk_api
):
    products = many_products(1000)
    clerk_api.error_next(None, type="InternalError", status=200, path="products")
    for _ in range(3):  # Clerk keeps failing for a while
        report = deliver_due()
        assert (report.retrying, report.failed, report.calls) == (1000, 0, 1)
        make_due()
    assert PendingChange.objects.filter(state="failed").count() == 0
    clerk_api.clear_faults()  # Clerk recovers
    report = deliver_due()
    assert (report.upserted, report.failed) == (1000, 0)
    ids = Counter(p["id"] for p in clerk_api.received("products"))
    assert ids == Counter({p.pk: 1 for p in products})  # each exactly once
    assert PendingChange.objects.count() == 0


def test_long_outage_then_recovery_delivers_every_change_once_in_its_latest_state(
    clerk_store, clerk_api, make_product, settings
):
    settings.CLERK = {**settings.CLERK, "SYNC_RETRY_BACKOFF": 1, "SYNC_RETRY_MAX_BACKOFF": 60}
    products = [make_product(paused=True) for _ in range(6)]
    gone = make_product(paused=True)
    deliver_due()
    clerk_api.go_down()
    for round_ in range(OLD_RETRY_BUDGET + 4):  # longer than any retry budget of old
        changed = products[round_ % len(products)]
        changed.stock = round_ + 10
        changed.save()
        if round_ == 3:
            gone_pk = gone.pk
            gone.delete()
        make_due()
        report = deliver_due()
        assert report.failed == 0 and report.delivered == 0
    attempts = PendingChange.objects.values_list("attempts", flat=True)
    assert max(attempts) > OLD_RETRY_BUDGET  # waited past the old budget, still pending
    assert set(PendingChange.objects.values_list("state", flat=True)) == {"pending"}
    clerk_api.come_up()
    before = len(clerk_api.received("products"))
    make_due()
    report = deliver_due()
    assert (report.upserted, report.deleted, report.failed) == (6, 1, 0)
    after = clerk_api.received("products")[before:]
    assert Counter(p["id"] for p in after) == Counter({p.pk: 1 for p in products})
    for product in products:
        product.refresh_from_db()
        assert clerk_api.data["products"][product.pk]["stock"] == product.stock  # latest
    assert clerk_api.deleted("products") == [gone_pk]
    assert PendingChange.objects.count() == 0


def test_a_success_makes_the_waiting_changes_of_that_store_due_at_once(
    clerk_store, clerk_api, make_product
):
    waiting = make_product()
    clerk_api.go_down()
    deliver_due()
    assert PendingChange.objects.get().due_at > timezone.now()  # backing off
    clerk_api.come_up()
    fresh = make_product()  # a new change goes through: Clerk is back
    report = deliver_due()
    assert report.upserted == 2
    assert {waiting.pk, fresh.pk} <= set(clerk_api.data["products"])


def test_one_refused_object_among_a_hundred_is_the_only_one_failed(clerk_store, clerk_api):
    products = many_products(100)
    bad = products[37]
    clerk_api.refuse("products", [bad.pk], message="price must be a number")
    report = deliver_due()
    assert (report.upserted, report.failed, report.retrying) == (99, 1, 0)
    failed = PendingChange.objects.get()
    assert (failed.state, failed.object_id) == ("failed", str(bad.pk))
    assert "ParsingError" in failed.last_error and "price must be a number" in failed.last_error
    assert set(clerk_api.data["products"]) == {p.pk for p in products} - {bad.pk}
    assert report.calls <= 2 * 7 + 1  # halving: about two calls per level of a 100-object tree


def test_a_refused_delete_is_kept_failed(clerk_store, clerk_api, make_product):
    make_product(paused=True).delete()
    clerk_api.error_next(1, type="LogicalError", message="Unknown id", method="DELETE")
    report = deliver_due()
    assert (report.failed, report.retrying) == (1, 0)
    assert "Unknown id" in PendingChange.objects.get(state="failed").last_error
