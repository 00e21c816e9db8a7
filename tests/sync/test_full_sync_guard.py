"""The wipe guard of ``clerk_sync``: a full sync whose feed lost most of the catalogue since
the last complete full sync is refused before anything is sent, unless ``--force``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from shop.models import Product

from django_clerk.models import FullSyncRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_minimum(settings):
    settings.CLERK = {**settings.CLERK, "FEED_WIPE_GUARD_MIN_ITEMS": 5}


@pytest.fixture
def catalogue(make_product):
    return [make_product(paused=True) for _ in range(10)]


def sync(*args):
    out = StringIO()
    call_command("clerk_sync", "--no-progress", "--entity", "products", *args, stdout=out)
    return out.getvalue()


def unpublish(products):
    Product.objects.filter(pk__in=[p.pk for p in products]).update(is_published=False)


def test_a_full_sync_records_the_feed_size(clerk_store, clerk_api, catalogue):
    sync()
    record = FullSyncRecord.objects.get(store=clerk_store, entity="products")
    assert record.items == 10


def test_losing_most_of_the_catalogue_is_refused_until_forced(clerk_store, clerk_api, catalogue):
    sync()
    posts = clerk_api.count("products", "POST")
    unpublish(catalogue[:7])
    with pytest.raises(CommandError) as refused:
        sync()
    message = str(refused.value)
    assert "default: The products feed holds 3 objects, 7 fewer than the 10" in message
    assert "--force" in message and "Nothing was sent" in message
    assert clerk_api.count("products", "POST") == posts  # nothing sent
    assert FullSyncRecord.objects.get().items == 10

    assert "default/products: sent 3" in sync("--force")
    assert FullSyncRecord.objects.get().items == 3  # the new size is the baseline
    assert "sent 3" in sync()


def test_a_small_loss_and_incremental_or_dry_runs_are_not_refused(
    clerk_store, clerk_api, catalogue
):
    sync()
    unpublish(catalogue[:4])
    assert "sent 6" in sync()
    unpublish(catalogue[4:9])
    assert "would send 1" in sync("--dry-run")
    assert "sent 0" in sync("--since", "2100-01-01")
    assert FullSyncRecord.objects.get().items == 6  # neither recorded a size


@pytest.mark.parametrize(
    "values",
    [
        {"FEED_WIPE_GUARD_SHARE": 0},
        {"FEED_WIPE_GUARD_SHARE": None},
        {"FEED_WIPE_GUARD_MIN_ITEMS": 11},
    ],
)
def test_disabled_or_below_minimum(clerk_store, clerk_api, catalogue, settings, values):
    sync()
    settings.CLERK = {**settings.CLERK, **values}
    unpublish(catalogue)
    assert "sent 0" in sync()


def test_orders_are_not_guarded(clerk_store, clerk_api):
    from shop.models import Order

    orders = [Order.objects.create(email=f"{n}@example.com") for n in range(6)]
    call_command("clerk_sync", "--no-progress", "--entity", "orders", stdout=StringIO())
    Order.objects.filter(pk__in=[o.pk for o in orders]).delete()
    call_command("clerk_sync", "--no-progress", "--entity", "orders", stdout=StringIO())
    assert not FullSyncRecord.objects.filter(entity="orders").exists()
