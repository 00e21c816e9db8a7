"""Delivery to the fake Clerk API over real HTTP: final state, batching, deletes, related
changes, retries, permanent errors, crashed deliveries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.sync import queue_for_sync
from django_clerk.sync.delivery import claim_batch, deliver_due
from django_clerk.sync.settling import retry_delay

pytestmark = pytest.mark.django_db


def upserts(clerk_api, entity="products"):
    return clerk_api.calls("POST", entity)


def make_due():
    PendingChange.objects.update(due_at=timezone.now() - timedelta(seconds=1))


def test_commit_sends_the_final_state_once(clerk_store, clerk_api, make_product):
    product = make_product(name="First")
    for n in range(3):
        product.name = f"Renamed {n}"
        product.save()
    report = deliver_due()
    assert (report.upserted, report.calls) == (1, 1)
    assert [p["name"] for p in clerk_api.received("products")] == ["Renamed 2"]
    assert clerk_api.data["products"][product.pk]["url"].startswith("https://shop.example.com/")
    assert PendingChange.objects.count() == 0
    assert deliver_due().calls == 0  # nothing left: sent once


def test_each_store_gets_its_push_in_its_language(clerk_store, make_store, clerk_api, make_product):
    make_store(code="da", language="da")
    clerk_api.add_store("da-public", "da-private")
    make_product(name="Mug", name_da="Krus")
    deliver_due()
    names = {r.params["key"]: r.params["products"][0]["name"] for r in upserts(clerk_api)}
    assert names == {"default-public": "Mug", "da-public": "Krus"}


def test_batches_of_at_most_batch_size(clerk_store, clerk_api, make_product, settings):
    from shop.models import Product

    settings.CLERK = {**settings.CLERK, "SYNC_BATCH_SIZE": 10}
    products = [make_product(paused=True) for _ in range(25)]
    queue_for_sync(Product.objects.all())
    report = deliver_due()
    sizes = [len(r.params["products"]) for r in upserts(clerk_api)]
    assert sizes == [10, 10, 5]
    assert report.upserted == 25
    assert set(clerk_api.data["products"]) == {p.pk for p in products}


def test_delete_sends_a_delete(clerk_store, clerk_api, make_product):
    product = make_product()
    deliver_due()
    pk = product.pk
    product.delete()
    report = deliver_due()
    assert report.deleted == 1
    assert clerk_api.deleted("products") == [pk]
    assert pk not in clerk_api.data["products"]


@pytest.mark.parametrize("change", ["unpublish", "out_of_stock"])
def test_leaving_the_feed_becomes_a_delete(clerk_store, clerk_api, make_product, change):
    product = make_product()
    deliver_due()
    if change == "unpublish":
        product.is_published = False
    else:
        product.stock = 0  # the store excludes out-of-stock products (the default)
    product.save()
    deliver_due()
    assert clerk_api.deleted("products") == [product.pk]


def test_out_of_stock_is_kept_where_the_store_includes_it(make_store, clerk_api, make_product):
    make_store(code="default", include_out_of_stock=True)
    clerk_api.add_store("default-public", "default-private")
    product = make_product(stock=0)
    deliver_due()
    assert clerk_api.data["products"][product.pk]["in_stock"] is False
    assert clerk_api.deleted("products") == []


def test_orders_are_never_deleted_automatically(clerk_store, clerk_api):
    from shop.models import Order

    order = Order.objects.create(email="a@example.com")
    order.delete()
    report = deliver_due()
    assert report.dropped == 1
    assert clerk_api.count("orders") == 0
    assert PendingChange.objects.count() == 0


def test_brand_rename_repushes_only_that_brands_products(
    clerk_store, clerk_api, brand, make_product
):
    shown = [make_product(brand=brand, paused=True) for _ in range(2)]
    make_product(paused=True)  # another brand's product: untouched
    brand.name = "Acme Corp"
    brand.save()
    deliver_due()
    received = clerk_api.received("products")
    assert sorted(p["id"] for p in received) == sorted(p.pk for p in shown)
    assert {p["brand"] for p in received} == {"Acme Corp"}


def test_variant_stock_change_repushes_its_product(clerk_store, clerk_api, make_product):
    from shop.models import ProductVariant

    product = make_product(paused=True)
    make_product(paused=True)
    variant = ProductVariant.objects.create(product=product, sku="V-1", name="M", price=12, stock=1)
    deliver_due()
    clerk_api.reset()
    clerk_api.add_store("default-public", "default-private")
    variant.stock = 9
    variant.save()
    deliver_due()
    [pushed] = clerk_api.received("products")
    assert (pushed["id"], pushed["variant_stocks"]) == (product.pk, [9])


def test_category_membership_changes_repush_the_product(
    clerk_store, clerk_api, category, make_product
):
    product = make_product(paused=True)
    other = make_product(paused=True)
    category.products.add(product)  # reverse side
    deliver_due()
    assert clerk_api.data["products"][product.pk]["categories"] == [category.pk]
    other.categories.add(category)  # forward side
    deliver_due()
    assert clerk_api.data["products"][other.pk]["categories"] == [category.pk]
    category_pk = category.pk
    category.delete()  # cascades through the m2m table without m2m_changed
    deliver_due()
    assert clerk_api.data["products"][product.pk]["categories"] == []
    assert clerk_api.deleted("categories") == [category_pk]


def test_category_rename_does_not_repush_products(clerk_store, clerk_api, category, make_product):
    make_product(categories=[category], paused=True)
    category.name = "Cups"
    category.save()
    deliver_due()
    assert clerk_api.count("products") == 0
    assert clerk_api.received("categories")[0]["name"] == "Cups"


def test_new_subcategory_repushes_its_parent(clerk_store, clerk_api, category):
    from shop.models import Category

    child = Category.objects.create(name="Espresso", slug="espresso", parent=category)
    deliver_due()
    assert clerk_api.data["categories"][category.pk]["subcategories"] == [child.pk]


def test_retry_on_5xx_with_backoff_then_success(clerk_store, clerk_api, make_product):
    product = make_product()
    clerk_api.fail_next(1, status=503)
    report = deliver_due()
    assert (report.retrying, report.upserted) == (1, 0)
    row = PendingChange.objects.get()
    assert row.attempts == 1 and row.lease is None and row.claimed_until is None
    assert 4 <= (row.due_at - timezone.now()).total_seconds() <= 5  # SYNC_RETRY_BACKOFF
    assert deliver_due().calls == 0  # not due yet
    make_due()
    assert deliver_due().upserted == 1
    assert product.pk in clerk_api.data["products"]


def test_429_honours_retry_after(clerk_store, clerk_api, make_product):
    make_product()
    clerk_api.rate_limit(1, retry_after=120)
    deliver_due()
    row = PendingChange.objects.get()
    assert 110 <= (row.due_at - timezone.now()).total_seconds() <= 120


def test_backoff_doubles_and_is_capped(settings):
    settings.CLERK = {**settings.CLERK, "SYNC_RETRY_BACKOFF": 2, "SYNC_RETRY_MAX_BACKOFF": 20}
    assert [retry_delay(n) for n in (1, 2, 3, 4, 5)] == [2, 4, 8, 16, 20]
    assert retry_delay(1, retry_after=7) == 7


def test_transient_failures_never_give_up(clerk_store, clerk_api, make_product, settings):
    settings.CLERK = {**settings.CLERK, "SYNC_RETRY_BACKOFF": 2, "SYNC_RETRY_MAX_BACKOFF": 20}
    product = make_product()
    clerk_api.go_down()
    for _ in range(15):  # more attempts than any budget of old
        make_due()
        report = deliver_due()
        assert (report.retrying, report.failed) == (1, 0)
    row = PendingChange.objects.get()
    assert (row.state, row.attempts) == ("pending", 15)
    assert "Could not reach Clerk.io" in row.last_error  # the reason is shown meanwhile
    assert 19 <= (row.due_at - timezone.now()).total_seconds() <= 20  # capped backoff
    clerk_api.come_up()
    make_due()
    assert deliver_due().upserted == 1
    assert product.pk in clerk_api.data["products"]
    assert PendingChange.objects.count() == 0


def test_permanent_error_isolates_the_bad_object(clerk_store, clerk_api, make_product):
    products = [make_product() for _ in range(4)]
    # Clerk refuses [1,2,3,4], then [1,2], then [1]: halving pins the refusal on product 1.
    clerk_api.error_next(3, type="ParsingError", message="Bad price", path="products")
    report = deliver_due()
    assert (report.upserted, report.failed, report.calls) == (3, 1, 5)
    failed = PendingChange.objects.get()
    assert failed.state == "failed" and failed.object_id == str(products[0].pk)
    assert "ParsingError" in failed.last_error and "Bad price" in failed.last_error
    assert set(clerk_api.data["products"]) == {p.pk for p in products[1:]}


def test_failed_change_is_retried_with_the_admin_action(
    clerk_store, clerk_api, make_product, admin_client
):
    product = make_product()
    clerk_api.error_next(1, type="ParsingError")
    deliver_due()
    row = PendingChange.objects.get(state="failed")
    response = admin_client.post(
        "/admin/django_clerk/pendingchange/",
        {"action": "retry_now", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("pending", 0, "")
    deliver_due()
    assert product.pk in clerk_api.data["products"]


def test_admin_lists_the_failure_reason(clerk_store, clerk_api, make_product, admin_client):
    make_product()
    clerk_api.error_next(1, type="ParsingError", message="Missing field: price")
    deliver_due()
    page = admin_client.get("/admin/django_clerk/pendingchange/?state=failed")
    assert page.status_code == 200
    assert "Missing field: price" in page.content.decode()
    assert "default-private" not in page.content.decode()


def test_wrong_keys_keep_the_batch_pending_without_bisecting(make_store, clerk_api, make_product):
    make_store(code="default")  # keys unknown to the fake: AuthenticationError
    for _ in range(3):
        make_product()
    report = deliver_due()
    assert (report.retrying, report.failed, report.calls) == (3, 0, 1)
    assert report.transient_failures == 0  # the keys, not Clerk's health
    rows = PendingChange.objects.all()
    assert {r.state for r in rows} == {"pending"}
    assert all(r.last_error.startswith("[AuthenticationError]") for r in rows)
    clerk_api.add_store("default-public", "default-private")  # the keys are fixed
    make_due()
    assert deliver_due().upserted == 3
    assert PendingChange.objects.count() == 0


def test_a_crashed_delivery_is_taken_over_after_the_lease(clerk_store, clerk_api, make_product):
    product = make_product()
    _claim, rows = claim_batch()  # a delivery claims, then its process dies
    assert [r.object_id for r in rows] == [str(product.pk)]
    assert claim_batch() is None  # claimed: nobody else takes it
    assert deliver_due().calls == 0
    PendingChange.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert deliver_due().upserted == 1  # lease expired: delivered
    assert product.pk in clerk_api.data["products"]


def test_change_during_a_delivery_is_delivered_again(clerk_store, clerk_api, make_product):
    from django_clerk.sync.delivery import deliver_batch

    product = make_product(name="Old")
    claim, rows = claim_batch()
    product.name = "New"  # changes while the claimed batch is on its way
    product.save()
    PendingChange.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    deliver_batch(claim, rows)
    row = PendingChange.objects.get()  # kept: the object changed after the claim
    assert (row.state, row.lease, row.claimed_until) == ("pending", None, None)
    deliver_due()
    assert clerk_api.data["products"][product.pk]["name"] == "New"
    assert PendingChange.objects.count() == 0


def test_deleted_store_drops_its_rows(clerk_store, clerk_api, make_product):
    make_product()
    PendingChange.objects.update(store_id=clerk_store.pk + 1000)
    assert deliver_due().dropped == 1
    assert PendingChange.objects.count() == 0
