"""``clerk_sync`` (full sync: whole, --since, --dry-run, resume) and ``clerk_deliver``."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from django_clerk.client import ClerkUnavailableError
from django_clerk.models import PendingChange, SyncCheckpoint
from django_clerk.sync.full import FullSync

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def catalogue(make_product):
    return [make_product(paused=True) for _ in range(7)]


def test_clerk_sync_pushes_the_whole_feed_in_batches(clerk_store, clerk_api, catalogue):
    unpublished = catalogue[-1]
    unpublished.is_published = False
    unpublished.save()
    out, err = run("clerk_sync", "--entity", "products", "--batch-size", "3")
    assert [len(r.params["products"]) for r in clerk_api.calls("POST", "products")] == [3, 3]
    assert set(clerk_api.data["products"]) == {p.pk for p in catalogue[:-1]}
    assert "default/products: sent 6" in out
    assert "6/6 100%" in err  # the progress bar
    assert SyncCheckpoint.objects.count() == 0


def test_clerk_sync_all_entities_respects_store_options(make_store, clerk_api, catalogue):
    from shop.models import Customer

    make_store(code="default", sync_customers=False)
    clerk_api.add_store("default-public", "default-private")
    Customer.objects.create(email="x@example.com")
    out, _ = run("clerk_sync")
    assert "default/products: sent 7" in out
    assert clerk_api.count("customers") == 0


def test_clerk_sync_since(clerk_store, clerk_api, catalogue):
    from shop.models import Product

    old = timezone.now() - timedelta(days=2)
    Product.objects.exclude(pk=catalogue[0].pk).update(updated_at=old)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    out, _ = run("clerk_sync", "--entity", "products", "--since", since)
    assert list(clerk_api.data["products"]) == [catalogue[0].pk]
    assert "sent 1" in out


def test_clerk_sync_dry_run_sends_nothing(clerk_store, clerk_api, catalogue):
    out, _ = run("clerk_sync", "--entity", "products", "--dry-run")
    assert clerk_api.count("products") == 0
    assert "would send 7" in out


def test_clerk_sync_resumes_after_an_interruption(clerk_store, clerk_api, catalogue, settings):
    settings.CLERK = {**settings.CLERK, "API_RETRIES": 0}

    def progress(state):
        if state.done == 3:
            clerk_api.go_down()  # Clerk goes away after the first batch

    with pytest.raises(ClerkUnavailableError):
        FullSync(entities=["products"], batch_size=3, progress=progress).run()
    checkpoint = SyncCheckpoint.objects.get()
    assert checkpoint.last_pk == str(catalogue[2].pk)
    clerk_api.come_up()
    before = len(clerk_api.calls("POST", "products"))
    out, _ = run("clerk_sync", "--entity", "products", "--batch-size", "3")
    assert f"resumed after pk {catalogue[2].pk}" in out
    resumed = [
        product["id"]
        for call in clerk_api.calls("POST", "products")[before:]
        for product in call.params["products"]
    ]
    assert resumed == [p.pk for p in catalogue[3:]]
    assert set(clerk_api.data["products"]) == {p.pk for p in catalogue}
    assert SyncCheckpoint.objects.count() == 0


def test_clerk_sync_keeps_refused_objects_as_failed(clerk_store, clerk_api, catalogue):
    clerk_api.error_next(3, type="ParsingError", path="products")
    out, _ = run("clerk_sync", "--entity", "products", "--batch-size", "4")
    failed = PendingChange.objects.get()
    assert (failed.state, failed.object_id) == ("failed", str(catalogue[0].pk))
    assert "1 failed" in out
    assert len(clerk_api.data["products"]) == 6


def test_clerk_sync_rejects_bad_arguments(clerk_store):
    with pytest.raises(CommandError, match="--since"):
        run("clerk_sync", "--since", "yesterday-ish")
    with pytest.raises(CommandError, match="--batch-size"):
        run("clerk_sync", "--batch-size", "5000")
    with pytest.raises(CommandError, match="nope"):
        run("clerk_sync", "--store", "nope")


def test_clerk_deliver_drains_and_retries_failed(clerk_store, clerk_api, make_product):
    products = [make_product() for _ in range(3)]
    PendingChange.objects.filter(object_id=str(products[0].pk)).update(state="failed")
    PendingChange.objects.filter(object_id=str(products[1].pk)).update(
        due_at=timezone.now() + timedelta(hours=1)
    )
    out, _ = run("clerk_deliver")
    assert "Delivered 1 upserts" in out and "Left: 1 pending, 1 failed" in out
    out, _ = run("clerk_deliver", "--retry-failed", "--now")
    assert "Delivered 2 upserts" in out and "Left: 0 pending, 0 failed" in out
    assert set(clerk_api.data["products"]) == {p.pk for p in products}


def test_clerk_deliver_reports_what_is_left(clerk_store, clerk_api, make_product):
    make_product()
    clerk_api.go_down()
    out, err = run("clerk_deliver")
    assert "1 to retry" in out and "Left: 1 pending" in out
    assert "not delivered" in err


def test_clerk_sync_with_refused_keys_stops_with_the_reason(make_store, clerk_api, catalogue):
    make_store(code="default")  # keys unknown to the fake
    with pytest.raises(CommandError, match="AuthenticationError"):
        run("clerk_sync", "--entity", "products")
    assert PendingChange.objects.filter(state="failed").count() == 0  # no object is at fault


def test_clerk_sync_retries_internal_errors_answered_with_http_200(
    clerk_store, clerk_api, catalogue, settings
):
    settings.CLERK = {**settings.CLERK, "API_RETRIES": 2, "API_BACKOFF": 0.01}
    clerk_api.error_next(2, type="InternalError", status=200, path="products")
    out, _ = run("clerk_sync", "--entity", "products")
    assert "default/products: sent 7" in out
    assert PendingChange.objects.count() == 0
