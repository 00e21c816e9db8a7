"""System checks of the sync, and two deliveries racing on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from django_clerk.models import PendingChange
from django_clerk.sync import signals
from django_clerk.sync.checks import check_sync
from django_clerk.sync.delivery import claim_batch, deliver_due
from tests.sync.conftest import DUMMY_BACKEND, IMMEDIATE_BACKEND


def ids(messages):
    return [m.id for m in messages]


def test_default_settings_pass():
    assert check_sync() == []


def test_unknown_delivery_mode(settings):
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "celery"}
    assert ids(check_sync()) == ["django_clerk.E030"]


def test_task_mode_with_the_immediate_backend_warns(settings):
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "task"}
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}
    assert ids(check_sync()) == ["django_clerk.W030"]
    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}
    assert check_sync() == []


def test_durations_must_be_positive(settings):
    settings.CLERK = {**settings.CLERK, "SYNC_TIMEOUT": 0, "SYNC_LEASE_SECONDS": "5"}
    assert ids(check_sync()) == ["django_clerk.E033", "django_clerk.E033"]


def test_bad_sync_related(settings, monkeypatch):
    from shop.clerk import ProductSerializer

    monkeypatch.setattr(ProductSerializer.Meta, "sync_related", ["no_such_relation"], raising=False)
    assert ids(check_sync()) == ["django_clerk.E032"]
    monkeypatch.setattr(ProductSerializer.Meta, "sync_related", "brand")
    assert ids(check_sync()) == ["django_clerk.E032"]


def test_sync_related_adds_a_dependency(monkeypatch):
    from shop.clerk import ProductSerializer
    from shop.models import OrderLine

    monkeypatch.setattr(ProductSerializer.Meta, "sync_related", ["order_lines"], raising=False)
    plans, _ = signals.build_plans()
    owners = {(d.entity, d.owner_attname) for d in plans[OrderLine].dependencies}
    assert owners == {("orders", "order_id"), ("products", "product_id")}


def test_receivers_follow_the_serializers_setting(settings):
    from shop.models import Brand, Product

    assert signals.plan_for(Product).entities == [("products", "")]
    assert signals.plan_for(Brand).dependencies
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {"pages": "shop.clerk.PageSerializer"}}
    assert signals.plan_for(Product) is None and signals.plan_for(Brand) is None


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_deliver_the_same_change(clerk_store, clerk_api, make_product, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT ... FOR UPDATE SKIP LOCKED)")
    from shop.models import Product

    from django_clerk.sync import queue_for_sync

    settings.CLERK = {**settings.CLERK, "SYNC_BATCH_SIZE": 7}
    for _ in range(60):
        make_product(paused=True)
    queue_for_sync(Product.objects.all())
    clerk_api.hang(0.05)  # slow calls: the workers overlap
    barrier = threading.Barrier(2)
    reports = [None, None]

    def worker(index):
        try:
            barrier.wait()
            reports[index] = deliver_due()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    clerk_api.clear_faults()
    sent = [p["id"] for p in clerk_api.received("products")]
    assert sorted(sent) == sorted(Product.objects.values_list("pk", flat=True))  # each once
    assert all(report.upserted > 0 for report in reports)  # both worked
    assert PendingChange.objects.count() == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_claim_skips_rows_locked_by_an_open_transaction(clerk_store, make_product):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT ... FOR UPDATE SKIP LOCKED)")
    from django.db import transaction

    first, second = make_product(), make_product()
    locked = threading.Event()
    release = threading.Event()

    def shop_transaction():
        try:
            with transaction.atomic():
                first.save()  # the pending row of `first` is locked until commit
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=shop_transaction)
    thread.start()
    assert locked.wait(10)
    try:
        _claim, rows = claim_batch()  # does not wait for the shop's transaction
        assert [r.object_id for r in rows] == [str(second.pk)]
    finally:
        release.set()
        thread.join(10)
