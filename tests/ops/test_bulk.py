"""Bulk writes through SyncedQuerySet record the objects they touch, in bulk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_clerk.models import PendingChange
from django_clerk.models.sync import BULK
from django_clerk.sync import SyncedQuerySet, sync_paused
from django_clerk.sync.delivery import deliver_due


def pending(entity="products"):
    """The object ids pending for ``entity``, once the bulk changes are expanded (as the next
    delivery does first)."""
    deliver_due(entities=[BULK])
    assert not PendingChange.objects.filter(entity=BULK).exists()
    return sorted(PendingChange.objects.filter(entity=entity).values_list("object_id", flat=True))


def markers():
    return PendingChange.objects.filter(entity=BULK).count()


def products(count, **fields):
    from shop.models import Product

    with sync_paused():
        return Product.objects.bulk_create(
            Product(
                name=f"Bulk {n}",
                slug=f"bulk-{n}",
                sku=f"BULK-{n}",
                price=Decimal("9.00"),
                stock=3,
                **fields,
            )
            for n in range(count)
        )


@pytest.mark.django_db
def test_update_records_every_row_it_changes_without_a_query_per_row(clerk_store):
    from shop.models import Product

    made = products(300)
    with CaptureQueriesContext(connection) as queries:
        updated = Product.objects.filter(stock=3).update(stock=7)
    assert updated == 300
    # the keys, the store list, one update, one insert of the bulk change: not one per row
    assert len(queries) < 10
    assert markers() == 1
    assert pending() == sorted(str(p.pk) for p in made)
    assert set(Product.objects.values_list("stock", flat=True)) == {7}


@pytest.mark.django_db
def test_update_that_changes_what_the_filter_matches_records_all_it_changed(clerk_store):
    from shop.models import Product

    made = products(5)
    assert Product.objects.filter(is_published=True).update(is_published=False) == 5
    assert pending() == sorted(str(p.pk) for p in made)


@pytest.mark.django_db
def test_update_of_nothing_records_nothing(clerk_store):
    from shop.models import Product

    products(2)
    assert Product.objects.filter(stock=99).update(stock=1) == 0
    assert pending() == []


@pytest.mark.django_db
def test_bulk_create_records_the_created_objects(clerk_store):
    from shop.models import Product

    made = Product.objects.bulk_create(
        [
            Product(name="A", slug="a", sku="A", price=Decimal("1.00")),
            Product(name="B", slug="b", sku="B", price=Decimal("1.00")),
        ]
    )
    assert pending() == sorted(str(p.pk) for p in made)


@pytest.mark.django_db
def test_bulk_update_records_the_objects(clerk_store):
    from shop.models import Product

    made = products(4)
    for product in made[:3]:
        product.stock = 0
    assert Product.objects.bulk_update(made[:3], ["stock"]) == 3
    assert pending() == sorted(str(p.pk) for p in made[:3])


@pytest.mark.django_db
def test_delete_records_the_deleted_objects_in_bulk(clerk_store):
    from shop.models import Product, ProductVariant

    made = products(50)
    ProductVariant.objects.create(product=made[0], sku="V-1", name="M", price=Decimal("2"))
    with CaptureQueriesContext(connection) as queries:
        _, by_model = Product.objects.filter(pk__in=[p.pk for p in made[:40]]).delete()
    assert by_model["shop.Product"] == 40
    assert by_model["shop.ProductVariant"] == 1
    assert pending() == sorted(str(p.pk) for p in made[:40])
    assert len(queries) < 20  # not one outbox insert per product
    assert Product.objects.count() == 10


@pytest.mark.django_db
def test_delivery_sends_the_final_state_of_a_bulk_update(clerk_store, clerk_api, deliver):
    from shop.models import Product

    made = products(3)
    Product.objects.filter(pk=made[0].pk).update(stock=11)
    Product.objects.filter(pk__in=[made[1].pk, made[2].pk]).update(is_published=False)
    report = deliver()
    assert (report.upserted, report.deleted) == (1, 2)
    assert [p["stock"] for p in clerk_api.received("products")] == [11]
    assert sorted(clerk_api.deleted("products")) == sorted([made[1].pk, made[2].pk])


@pytest.mark.django_db
def test_related_model_update_queues_the_objects_that_show_it(clerk_store, brand):
    from shop.models import Brand, Product

    shown = products(2, brand=brand)
    products_elsewhere = Product.objects.exclude(pk__in=[p.pk for p in shown])
    assert not products_elsewhere.exists()
    SyncedQuerySet(Brand).filter(pk=brand.pk).update(name="Renamed")
    assert pending() == sorted(str(p.pk) for p in shown)


@pytest.mark.django_db
def test_moving_variants_queues_the_old_and_the_new_product(clerk_store):
    from shop.models import ProductVariant

    old, new = products(2)
    variant = ProductVariant.objects.create(product=old, sku="V-2", name="M", price=Decimal("2"))
    PendingChange.objects.all().delete()
    SyncedQuerySet(ProductVariant).filter(pk=variant.pk).update(product=new)
    assert pending() == sorted([str(old.pk), str(new.pk)])


@pytest.mark.django_db
def test_paused_and_realtime_off_record_nothing(clerk_store, settings):
    from shop.models import Product

    products(3)
    with sync_paused():
        Product.objects.update(stock=1)
        Product.objects.all()[:1].get().delete()
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    Product.objects.update(stock=2)
    assert pending() == []
    assert Product.objects.count() == 2


@pytest.mark.django_db
def test_unmapped_model_behaves_like_a_plain_queryset(clerk_store):
    from shop.models import Brand

    Brand.objects.create(name="Plain", slug="plain")
    # Brand is not an entity and shows no product here: nothing to record
    assert SyncedQuerySet(Brand).filter(slug="plain").update(name="Still plain") == 1
    assert pending() == []


@pytest.mark.django_db
def test_an_update_across_a_many_relation_records_each_object_once(clerk_store):
    """Products in two of the updated categories are named once (one INSERT ... ON CONFLICT
    may not name a row twice: PostgreSQL refuses it)."""
    from shop.models import Category, Product

    first = Category.objects.create(name="A", slug="bulk-a")
    second = Category.objects.create(name="B", slug="bulk-b")
    with sync_paused():
        product = Product.objects.create(
            name="P", slug="bulk-p", sku="BULK-P", price=Decimal("1"), stock=1
        )
        product.categories.add(first, second)
    PendingChange.objects.all().delete()
    Product.objects.filter(categories__in=[first, second]).update(stock=5)
    assert pending() == [str(product.pk)]
