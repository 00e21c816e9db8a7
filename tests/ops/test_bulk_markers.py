"""Bulk writes are recorded as a few rows naming many objects (markers), which the next
delivery expands into one pending change per object, exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.models.sync import BULK
from django_clerk.sync import bulk_markers, sync_paused
from django_clerk.sync.bulk_markers import expand_claimed, marker_object_ids
from django_clerk.sync.delivery import claim_batch, deliver_due
from tests.ops.test_bulk import pending, products


def markers():
    return list(PendingChange.objects.filter(entity=BULK).order_by("pk"))


@pytest.mark.django_db
def test_an_update_of_keys_without_a_gap_is_one_range(clerk_store):
    from shop.models import Product

    made = products(40)
    Product.objects.update(stock=1)
    (marker,) = markers()
    keys = [p.pk for p in made]
    assert marker.payload == {"entity": "products", "prefix": "", "ranges": [[keys[0], keys[-1]]]}
    assert pending() == sorted(str(key) for key in keys)


@pytest.mark.django_db
def test_keys_with_gaps_are_recorded_in_runs(clerk_store):
    from shop.models import Product

    made = products(12)
    keys = [p.pk for p in made]
    with sync_paused():
        Product.objects.filter(pk__in=[keys[3], keys[7], keys[8]]).delete()
    Product.objects.update(stock=1)
    (marker,) = markers()
    assert marker.payload["ranges"] == [
        [keys[0], keys[2]],
        [keys[4], keys[6]],
        [keys[9], keys[11]],
    ]
    left = [key for n, key in enumerate(keys) if n not in (3, 7, 8)]
    assert pending() == sorted(str(key) for key in left)


@pytest.mark.django_db
def test_a_marker_names_at_most_marker_keys_objects(clerk_store, make_store, monkeypatch):
    from shop.models import Product

    make_store(code="second")  # a second store with real-time updates: its own markers
    monkeypatch.setattr(bulk_markers, "MARKER_KEYS", 4)
    made = products(10)
    Product.objects.update(stock=1)
    found = markers()
    assert len(found) == 6  # 4 + 4 + 2 objects, for each of the two stores
    sizes = sorted(len(marker_object_ids(m.payload)[1]) for m in found)
    assert sizes == [2, 2, 4, 4, 4, 4]
    deliver_due(entities=[BULK])
    for store_id in {m.store_id for m in found}:
        ids = PendingChange.objects.filter(store_id=store_id, entity="products")
        assert sorted(ids.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in made)


@pytest.mark.django_db
def test_bulk_create_bulk_update_and_delete_record_markers(clerk_store):
    from shop.models import Product

    made = Product.objects.bulk_create(
        Product(name=f"M{n}", slug=f"m-{n}", sku=f"M-{n}", price=Decimal("1")) for n in range(5)
    )
    assert len(markers()) == 1
    for product in made:
        product.stock = 9
    Product.objects.bulk_update(made, ["stock"])
    Product.objects.filter(pk=made[0].pk).delete()
    assert len(markers()) == 3  # bulk_update's own update() records nothing more
    assert pending() == sorted(str(p.pk) for p in made)


@pytest.mark.django_db
def test_a_rollback_takes_the_marker_with_it(clerk_store):
    from django.db import transaction
    from shop.models import Product

    products(3)
    with pytest.raises(RuntimeError), transaction.atomic():
        Product.objects.update(stock=1)
        assert len(markers()) == 1
        raise RuntimeError
    assert markers() == []


@pytest.mark.django_db
def test_objects_gone_by_the_delivery_are_deleted_from_clerk(clerk_store, clerk_api, deliver):
    """An update names four products; two are deleted before the delivery, unseen by the
    sync (as raw SQL would): the delivery sends those two as deletes."""
    from shop.models import Product

    keys = [p.pk for p in products(6)]
    Product.objects.filter(pk__in=keys[:4]).update(stock=5)
    with sync_paused():
        Product.objects.filter(pk__in=keys[:2]).delete()
    assert len(markers()) == 1
    report = deliver()
    assert (report.upserted, report.deleted, report.failed) == (2, 2, 0)
    assert sorted(clerk_api.deleted("products")) == keys[:2]
    assert sorted(p["id"] for p in clerk_api.received("products")) == keys[2:4]
    assert PendingChange.objects.count() == 0


@pytest.mark.django_db
def test_a_bulk_delete_is_sent_as_deletes(clerk_store, clerk_api, deliver):
    from shop.models import Product

    keys = [p.pk for p in products(5)]
    Product.objects.filter(pk__in=keys[1:4]).delete()
    report = deliver()
    assert (report.upserted, report.deleted) == (0, 3)
    assert sorted(clerk_api.deleted("products")) == keys[1:4]


@pytest.mark.django_db
def test_a_marker_coalesces_with_a_pending_save(clerk_store, make_product, clerk_api, deliver):
    from shop.models import Product

    product = make_product(stock=3)  # a save: one pending change
    Product.objects.filter(pk=product.pk).update(stock=8)
    deliver_due(entities=[BULK])
    assert pending() == [str(product.pk)]
    report = deliver()
    assert report.upserted == 1 and report.calls == 1
    assert [p["stock"] for p in clerk_api.received("products")] == [8]


@pytest.mark.django_db
def test_a_marker_is_expanded_once_by_the_delivery_that_holds_it(clerk_store):
    """A delivery whose claim ran out (it hung) and whose marker another delivery took
    expands nothing; the one holding it expands it once; doing it again changes nothing."""
    from shop.models import Product

    made = products(5)
    Product.objects.update(stock=1)
    first_claim, first_rows = claim_batch()
    PendingChange.objects.filter(entity=BULK).update(claimed_until=timezone.now() - timedelta(1))
    second_claim, second_rows = claim_batch()
    assert [r.pk for r in first_rows] == [r.pk for r in second_rows]

    expand_claimed(first_claim, first_rows)
    assert len(markers()) == 1 and not PendingChange.objects.filter(entity="products").exists()
    expand_claimed(second_claim, second_rows)
    expand_claimed(second_claim, second_rows)
    assert markers() == []
    expanded = PendingChange.objects.filter(entity="products")
    assert sorted(expanded.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in made)
    assert {(r.state, r.attempts, r.lease) for r in expanded} == {("pending", 0, None)}


@pytest.mark.django_db
def test_a_marker_that_names_nothing_is_kept_failed(clerk_store):
    PendingChange.objects.create(store=clerk_store, entity=BULK, object_id="x", payload={"a": 1})
    report = deliver_due(entities=[BULK])
    assert report.failed == 1
    row = PendingChange.objects.get()
    assert row.state == "failed" and "names no objects" in row.last_error


@pytest.mark.django_db
def test_clerk_deliver_of_one_entity_expands_the_markers_first(clerk_store, clerk_api):
    from django.core.management import call_command
    from shop.models import Product

    made = products(3)
    Product.objects.update(stock=4)
    call_command("clerk_deliver", entity=["products"], stdout=None)
    assert sorted(p["id"] for p in clerk_api.received("products")) == [p.pk for p in made]
    assert PendingChange.objects.count() == 0


def _expand_at_once(workers: int) -> list[BaseException]:
    """``workers`` threads deliver the markers at the same moment (each on its own database
    connection); returns what they raised."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            deliver_due(entities=[BULK])
        except BaseException as exc:  # the test fails on it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_expand_each_marker_once(clerk_store, settings, monkeypatch):
    """Four deliveries race on 40 markers whose claims all ran out at once: each marker is
    expanded by exactly one of them (every object once, no marker left)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs connections that write at the same time (PostgreSQL)")
    from shop.models import Product

    settings.CLERK = {**settings.CLERK, "SYNC_BATCH_SIZE": 3}
    monkeypatch.setattr(bulk_markers, "MARKER_KEYS", 5)
    made = products(200)
    Product.objects.update(stock=1)
    assert len(markers()) == 40
    expanded: list[int] = []
    real_upsert = bulk_markers.upsert_object_ids

    def counted(store_id, entity, object_ids, using):
        expanded.append(len(object_ids))
        real_upsert(store_id, entity, object_ids, using)

    monkeypatch.setattr(bulk_markers, "upsert_object_ids", counted)
    assert _expand_at_once(4) == []
    assert sum(expanded) == 200 and len(expanded) == 40  # each marker once
    assert markers() == []
    rows = PendingChange.objects.filter(entity="products")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in made)


@pytest.fixture
def shared_database(request, tmp_path):
    """A database alias that threads write to at the same time as separate connections do
    in production: the test database on PostgreSQL (the test commits: ``transaction=True``);
    on SQLite a database file holding the outbox's table (the in-memory test database fails
    such writes at once instead of waiting for the lock)."""
    if connection.vendor != "sqlite":
        yield "default"
        return
    alias = "bulk_markers_file"
    connections.settings[alias] = {
        **connections.settings["default"],
        "NAME": str(tmp_path / "outbox.sqlite3"),
    }
    # Not the test database: no test case around it, which would refuse other threads.
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        try:
            with connections[alias].schema_editor() as editor:
                editor.create_model(PendingChange)
            yield alias
        finally:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


@pytest.mark.django_db(transaction=True)
def test_expansions_of_one_marker_at_the_same_moment_write_its_rows_once(
    shared_database, monkeypatch
):
    """Threads expanding the same claimed markers at once (as after a lease ran out while
    the first delivery still worked): each marker's rows are written by one of them, and
    none fails."""
    using = shared_database
    monkeypatch.setattr(bulk_markers, "MARKER_KEYS", 10)
    PendingChange.objects.using(using).bulk_create(
        PendingChange(store_id=1, entity=BULK, object_id=f"bulk-{n}", payload=payload)
        for n, payload in enumerate(bulk_markers.range_payloads("products", "", range(1, 61)))
    )
    claim, claimed = claim_batch(using=using)
    assert len(claimed) == 6
    written: list[int] = []
    real_upsert = bulk_markers.upsert_object_ids

    def counted(store_id, entity, object_ids, using):
        real_upsert(store_id, entity, object_ids, using)
        written.append(len(object_ids))

    monkeypatch.setattr(bulk_markers, "upsert_object_ids", counted)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def expand():
        try:
            barrier.wait()
            expand_claimed(claim, claimed)
        except BaseException as exc:  # the test fails on it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=expand) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert written == [10] * 6
    rows = PendingChange.objects.using(using)
    assert not rows.filter(entity=BULK).exists()
    expanded = rows.filter(store_id=1, entity="products").values_list("object_id", flat=True)
    assert sorted(expanded) == sorted(str(key) for key in range(1, 61))


@pytest.mark.django_db
def test_keys_with_gaps_across_a_many_relation_are_named_once(clerk_store):
    from shop.models import Category, Product

    first = Category.objects.create(name="A", slug="gaps-a")
    second = Category.objects.create(name="B", slug="gaps-b")
    made = products(6)
    with sync_paused():
        for product in made[::2]:  # every other product, in both categories
            product.categories.add(first, second)
    Product.objects.filter(categories__in=[first, second]).update(stock=5)
    (marker,) = markers()
    assert marker.payload["ranges"] == [[p.pk, p.pk] for p in made[::2]]
    assert pending() == sorted(str(p.pk) for p in made[::2])
