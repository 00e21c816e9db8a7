"""Any primary key reaches Clerk: int, string and UUID ids in upserts and deletes, ids of up to
255 characters in the outbox, the outbox id round-tripping to the id Clerk knows."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from django_clerk.mapping import get_serializer
from django_clerk.mapping.registry import clerk_id
from django_clerk.models import PendingChange
from django_clerk.sync import outbox
from django_clerk.sync.delivery import deliver_due
from tests.uuidshop.clerk import SERIALIZERS as UUID_SHOP

pytestmark = pytest.mark.django_db
LONG_ID = ("guides/" + "leather-care/" * 25)[:254] + "z"  # 255 characters


@pytest.fixture
def uuid_shop(settings, clerk_store):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": UUID_SHOP}
    return clerk_store


def make_product(**fields):
    from tests.uuidshop.models import Product

    values = {"name": "Boot", "price": Decimal("99.95"), "image": "b.jpg", "stock": 2}
    return Product.objects.create(**{**values, **fields})


def test_uuid_keyed_product_is_upserted_then_deleted_by_its_string_id(uuid_shop, clerk_api):
    product = make_product()
    assert isinstance(product.pk, uuid.UUID)
    assert PendingChange.objects.get().object_id == str(product.pk)
    assert deliver_due().upserted == 1
    [sent] = clerk_api.received("products")
    key = str(product.pk)
    assert sent["id"] == key
    product.delete()
    report = deliver_due()
    assert (report.deleted, report.failed, report.retrying) == (1, 0, 0)
    assert clerk_api.deleted("products") == [key]  # the same id as upserted
    assert clerk_api.data["products"] == {}
    assert PendingChange.objects.count() == 0


def test_uuid_keyed_product_leaving_the_feed_is_deleted(uuid_shop, clerk_api):
    product = make_product()
    deliver_due()
    product.is_published = False
    product.save()
    assert deliver_due().deleted == 1
    assert clerk_api.deleted("products") == [str(product.pk)]
    assert clerk_api.data["products"] == {}


def test_string_ids_of_255_characters_round_trip(uuid_shop, clerk_api):
    from tests.uuidshop.models import Page

    page = Page.objects.create(path=LONG_ID, title="Guide", body="Long")
    assert PendingChange.objects.get().object_id == LONG_ID  # no DataError in the shop's save
    deliver_due()
    assert list(clerk_api.data["pages"]) == [LONG_ID]
    with transaction.atomic():
        page.delete()
    assert deliver_due().deleted == 1
    assert clerk_api.deleted("pages") == [LONG_ID]


def test_int_ids_stay_ints(clerk_store, clerk_api, make_product):
    product = make_product()
    key = product.pk
    deliver_due()
    assert [p["id"] for p in clerk_api.received("products")] == [key]
    product.delete()
    deliver_due()
    [deleted] = clerk_api.deleted("products")
    assert deleted == key and isinstance(deleted, int)


@pytest.mark.parametrize("entity", ["products", "pages"])
def test_the_outbox_id_maps_back_to_the_id_the_serializer_sends(uuid_shop, entity):
    from tests.uuidshop.models import Page

    obj = (
        make_product()
        if entity == "products"
        else Page.objects.create(path="about/us", title="About", body="Us")
    )
    serializer = get_serializer(entity)
    [payload] = serializer.serialize([obj], uuid_shop)
    row = PendingChange.objects.get(entity=entity)
    key = serializer.Meta.model._meta.pk.to_python(row.object_id)
    assert clerk_id(serializer, key) == payload["id"]


def test_clerk_id_of_each_key_type():
    key = uuid.uuid4()
    assert clerk_id(None, key) == str(key)
    assert clerk_id(None, 42) == 42 and isinstance(clerk_id(None, 42), int)
    assert clerk_id(None, "abc") == "abc"


def test_ids_longer_than_the_outbox_holds_are_skipped_without_failing_the_save(uuid_shop, caplog):
    caplog.set_level(logging.ERROR, logger="django_clerk.sync")
    too_long = "x" * 300
    assert outbox.record("pages", [too_long, "fine"]) == 1
    assert list(PendingChange.objects.values_list("object_id", flat=True)) == ["fine"]
    assert "longer than 255 characters" in caplog.text
