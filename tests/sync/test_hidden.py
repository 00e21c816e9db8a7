"""Temporarily hidden objects (``Meta.hidden_filter``): served and pushed with
``"index": false``, never deleted; both data sources give the same ``index``."""

from __future__ import annotations

import pytest
from shop.clerk import ProductSerializer as ShopProductSerializer
from shop.models import Category, Product

from django_clerk.mapping import Renderer
from django_clerk.sync.delivery import deliver_due
from tests.feeds.serializers import HiddenCategorySerializer, UnpublishedHiddenSerializer

pytestmark = pytest.mark.django_db


HERE = "tests.feeds.serializers"


@pytest.fixture
def unpublished_hidden(settings):
    serializers = {**settings.CLERK.get("SERIALIZERS", {})}
    serializers["products"] = f"{HERE}.UnpublishedHiddenSerializer"
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": serializers}
    return UnpublishedHiddenSerializer


@pytest.fixture
def category_hidden(settings):
    serializers = {**settings.CLERK.get("SERIALIZERS", {})}
    serializers["products"] = f"{HERE}.HiddenCategorySerializer"
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": serializers}
    return HiddenCategorySerializer


def both_sources(serializer, store):
    queryset = serializer.feed_queryset(store)
    rows = Renderer(serializer, store, source="rows").render_all(queryset).items
    instances = Renderer(serializer, store, source="instances").render_all(queryset).items
    listed = serializer.serialize(list(Product.objects.order_by("pk")), store)
    return rows, instances, listed


def test_hidden_objects_render_index_false_from_both_sources(
    unpublished_hidden, clerk_store, make_product
):
    shown = make_product(paused=True)
    hidden = make_product(is_published=False, paused=True)
    rows, instances, listed = both_sources(unpublished_hidden, clerk_store)
    assert rows == instances == listed
    assert {item["id"]: item["index"] for item in rows} == {shown.pk: True, hidden.pk: False}


def test_a_serializer_without_hidden_filter_emits_no_index(clerk_store, make_product):
    make_product(paused=True)
    items = ShopProductSerializer.serialize(ShopProductSerializer.feed_queryset(clerk_store), None)
    assert items and all("index" not in item for item in items)
    assert "index" in UnpublishedHiddenSerializer.output_fields()
    assert "index" not in ShopProductSerializer.output_fields()


def test_many_valued_hidden_filter_repeats_no_object(category_hidden, clerk_store, make_product):
    first = Category.objects.create(name="Hidden A", slug="hidden-a")
    second = Category.objects.create(name="Hidden B", slug="hidden-b")
    visible = Category.objects.create(name="Mugs", slug="mugs")
    twice = make_product(categories=[first, second, visible], paused=True)
    shown = make_product(categories=[visible], paused=True)
    alone = make_product(paused=True)
    rows, instances, listed = both_sources(category_hidden, clerk_store)
    assert rows == instances == listed
    assert [(item["id"], item["index"]) for item in rows] == [
        (twice.pk, False),
        (shown.pk, True),
        (alone.pk, True),
    ]
    assert category_hidden.feed_queryset(clerk_store).count() == 3


def test_hidden_product_is_pushed_with_index_false_and_never_deleted(
    unpublished_hidden, clerk_store, clerk_api, make_product
):
    product = make_product()
    deliver_due()
    assert clerk_api.data["products"][product.pk]["index"] is True

    product.is_published = False  # visible -> hidden: an upsert, not a delete
    product.save()
    report = deliver_due()
    assert (report.upserted, report.deleted) == (1, 0)
    assert clerk_api.deleted("products") == []
    assert clerk_api.data["products"][product.pk]["index"] is False
    assert clerk_api.calls("DELETE", "products") == []

    product.is_published = True  # hidden -> visible: index true again
    product.save()
    deliver_due()
    assert clerk_api.data["products"][product.pk]["index"] is True
    assert [p["index"] for p in clerk_api.received("products")] == [True, False, True]

    pk = product.pk
    product.delete()  # gone from the queryset: deleted
    report = deliver_due()
    assert report.deleted == 1
    assert clerk_api.deleted("products") == [pk]


def test_hidden_across_a_relation_through_the_push(
    category_hidden, clerk_store, clerk_api, make_product
):
    hidden = Category.objects.create(name="Hidden", slug="hidden-x")
    product = make_product()
    deliver_due()
    product.categories.add(hidden)  # membership change: the product is pushed again
    deliver_due()
    assert clerk_api.data["products"][product.pk]["index"] is False
    product.categories.remove(hidden)
    deliver_due()
    assert clerk_api.data["products"][product.pk]["index"] is True
    assert clerk_api.deleted("products") == []


def test_out_of_stock_exclusion_still_removes(
    unpublished_hidden, clerk_store, clerk_api, make_product
):
    """A store that excludes out-of-stock products still leaves them out (and deletes them);
    only the hidden filter hides."""
    product = make_product()
    deliver_due()
    product.stock = 0
    product.save()
    deliver_due()
    assert clerk_api.deleted("products") == [product.pk]
