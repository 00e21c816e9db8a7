"""Recording pending changes: transactions, coalescing, options, pause, explicit queueing."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest
from django.db import transaction

from django_clerk.models import PendingChange
from django_clerk.sync import queue_for_sync, sync_paused
from django_clerk.sync.control import is_paused


def pending(entity="products"):
    return sorted(PendingChange.objects.filter(entity=entity).values_list("object_id", flat=True))


@pytest.mark.django_db
def test_save_records_one_pending_change(clerk_store, make_product):
    product = make_product()
    assert pending() == [str(product.pk)]
    row = PendingChange.objects.get()
    assert (row.store, row.state, row.attempts) == (clerk_store, "pending", 0)


@pytest.mark.django_db
def test_rollback_records_nothing(clerk_store, make_product):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_product()
        raise RuntimeError("the shop's transaction fails")
    assert PendingChange.objects.count() == 0


@pytest.mark.django_db
def test_many_saves_of_one_object_coalesce(clerk_store, make_product):
    product = make_product()
    for n in range(5):
        product.stock = n
        product.save()
    assert pending() == [str(product.pk)]


@pytest.mark.django_db
def test_new_change_resets_a_failed_row_and_clears_the_claim_token(clerk_store, make_product):
    product = make_product()
    PendingChange.objects.update(state="failed", attempts=7, last_error="boom", lease="abc")
    product.save()
    row = PendingChange.objects.get()
    assert (row.state, row.attempts, row.last_error, row.lease) == ("pending", 0, "", None)


@pytest.mark.django_db
def test_fixture_loads_are_ignored(clerk_store, make_product):
    from django.db.models.signals import post_save
    from shop.models import Product

    product = make_product(paused=True)
    post_save.send(sender=Product, instance=product, created=False, raw=True, using="default")
    assert PendingChange.objects.count() == 0


@pytest.mark.django_db
def test_each_realtime_store_gets_its_own_row(clerk_store, make_store, make_product):
    make_store(code="da", language="da")
    make_store(code="off", realtime_updates=False)
    make_store(code="inactive", is_active=False)
    make_product()
    codes = sorted(PendingChange.objects.values_list("store__code", flat=True))
    assert codes == ["da", "default"]


@pytest.mark.django_db
def test_store_options_exclude_entities(make_store):
    from shop.models import Customer, Page

    make_store(code="default", sync_customers=False, sync_pages=False)
    Customer.objects.create(email="a@example.com")
    Page.objects.create(title="About", slug="about")
    assert PendingChange.objects.count() == 0


@pytest.mark.django_db
def test_realtime_sync_setting_off(clerk_store, make_product, settings):
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    make_product()
    assert PendingChange.objects.count() == 0


@pytest.mark.django_db
def test_unmapped_serializers_connect_nothing(clerk_store, make_product, settings):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {"pages": "shop.clerk.PageSerializer"}}
    make_product()
    assert PendingChange.objects.count() == 0


@pytest.mark.django_db
def test_sync_paused_context_manager_and_decorator(clerk_store, make_product):
    with sync_paused():
        make_product()

    @sync_paused()
    def bulk():
        return make_product()

    bulk()
    assert PendingChange.objects.count() == 0
    make_product()
    assert PendingChange.objects.count() == 1


def test_pause_is_local_to_a_thread():
    seen = {}

    def other():
        seen["other"] = is_paused()

    with sync_paused():
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        seen["here"] = is_paused()
    assert seen == {"other": False, "here": True}
    assert not is_paused()


def test_pause_is_local_to_an_asyncio_task():
    @sync_paused()
    async def paused_task(started, release):
        started.set()
        await release.wait()
        return is_paused()

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(paused_task(started, release))
        await started.wait()
        outside = is_paused()
        release.set()
        return outside, await task

    # In a thread of its own: a browser test in the same process may keep an event loop
    # running in this one, and asyncio.run refuses to start inside a running loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, main()).result() == (False, True)


@pytest.mark.django_db
def test_queue_for_sync_after_bulk_operations(clerk_store, make_product):
    from shop.models import Product

    products = [make_product(paused=True) for _ in range(3)]
    # The plain manager: a bulk write that records nothing (Product.objects records it).
    Product._base_manager.filter(pk__in=[p.pk for p in products]).update(stock=0)
    assert PendingChange.objects.count() == 0
    assert queue_for_sync(Product.objects.filter(pk__in=[p.pk for p in products[:2]])) == 2
    assert queue_for_sync([products[2]]) == 1
    assert pending() == sorted(str(p.pk) for p in products)


@pytest.mark.django_db
def test_queue_for_sync_works_while_paused_and_for_one_store(clerk_store, make_store, make_product):
    other = make_store(code="da", realtime_updates=False)
    product = make_product(paused=True)
    with sync_paused():
        assert queue_for_sync([product], store=other) == 1
    assert list(PendingChange.objects.values_list("store", flat=True)) == [other.pk]


@pytest.mark.django_db
def test_queue_for_sync_of_related_objects_queues_their_owners(clerk_store, brand, make_product):
    from shop.models import Brand

    shown = make_product(brand=brand, paused=True)
    make_product(paused=True)
    assert queue_for_sync(Brand.objects.filter(pk=brand.pk)) == 1
    assert pending() == [str(shown.pk)]
