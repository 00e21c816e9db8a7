"""Both data sources give the same output: every serializer of every test shop is rendered
from model instances and, where its fields declare their reads, from ``values()`` rows.

Serializers that need instances get a declared twin here (what ``django_clerk.I014`` tells
a shop to write instead), which must render the same objects from both sources.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db.models import Value
from django.db.models.functions import Length
from shop.models import Product

from django_clerk import mapping
from django_clerk.mapping import Renderer, get_serializer, get_serializers
from django_clerk.sync import sync_paused
from tests.othershop import clerk as other_clerk
from tests.othershop.models import Article, Member, Purchase, PurchaseItem, Story
from tests.uuidshop import clerk as uuid_clerk
from tests.uuidshop.conftest import make_catalogue

ENTITIES = ["products", "categories", "orders", "customers", "pages"]


def both(serializer: Any, store: Any, queryset: Any = None) -> list[dict[str, Any]]:
    """The objects rendered from instances and from rows, asserted equal (and not empty)."""
    queryset = serializer.feed_queryset(store) if queryset is None else queryset
    options = {"validate": False}
    by_instances = Renderer(serializer, store, source="instances", **options)
    instances = by_instances.render_all(queryset).items
    rows = Renderer(serializer, store, source="rows", **options).render_all(queryset).items
    assert instances, f"{serializer.__name__} rendered nothing"
    assert rows == instances
    return rows


# -- the example shop -------------------------------------------------------------------------
@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("code", ["default", "da"])
def test_example_shop_renders_the_same_from_rows_and_instances(shop, entity, code):
    store = shop[code]
    first, second = Product.objects.order_by("pk")[:2]
    Product.objects.filter(pk=first.pk).update(brand=None, image="", list_price=None)
    Product.objects.filter(pk=second.pk).update(name_da="", description_da="Kun dansk")
    store.collect_emails = code == "default"  # the orders' e-mail rule, from both sources
    serializer = get_serializers(entity)[0]  # customers: the shop's (tests/consent: subscribers)
    if entity == "pages":  # its URL depends on the page's kind: get_absolute_url()
        assert not serializer.data_source().rows
        assert "get_absolute_url" in serializer.data_source().reason
        items = Renderer(serializer, store, validate=False).render_all(
            serializer.feed_queryset(store)
        )
        assert items.items and all(i["url"].startswith("https://") for i in items.items)
        return
    assert serializer.data_source().rows, serializer.data_source().reason
    items = both(serializer, store)
    if entity == "products":
        by_id = {item["id"]: item for item in items}
        assert "brand" not in by_id[first.pk] and by_id[first.pk]["image"].endswith("no-image.svg")
        expected = "Kun dansk" if code == "da" else second.description
        assert by_id[second.pk]["description"] == expected
        assert by_id[second.pk]["name"] == second.name
    if entity == "orders":
        assert all(("email" in order) is (code == "default") for order in items)


def test_serialize_reads_rows_with_constant_queries(shop, django_assert_max_num_queries):
    store = shop["default"]
    serializer = get_serializer("products")
    queryset = serializer.feed_queryset(store)
    with django_assert_max_num_queries(4):  # the rows, categories, variants, group prices
        items = serializer.serialize(queryset, store, validate=False)
    assert len(items) == queryset.count()
    assert (
        items
        == Renderer(serializer, store, source="instances", validate=False)
        .render_all(list(queryset))
        .items
    )


def test_instances_passed_as_a_list_get_the_annotations_in_one_query(
    shop, django_assert_num_queries
):
    store = shop["default"]
    serializer = get_serializer("products")
    products = list(Product.objects.filter(is_published=True).order_by("pk")[:20])
    # categories, variants, group prices, brands, the in-stock annotation
    with django_assert_num_queries(5):
        items = serializer.serialize(products, store, validate=False)
    assert [item["in_stock"] for item in items] == [p.stock > 0 for p in products]


# -- the other shop (string keys, a file field, paths across two foreign keys) ---------------
class ArticleTwin(other_clerk.ArticleSerializer):
    headline_length = mapping.ExpressionField(Length("title"), output=int)
    url = mapping.AbsoluteURLField(source="ean")  # ``permalink`` is a property


class StoryTwin(other_clerk.StorySerializer):
    type = mapping.ExpressionField(Value("blog"), output=str)


@pytest.fixture
def other_shop(settings, store, tmp_path):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": other_clerk.SERIALIZERS}
    settings.MEDIA_ROOT = str(tmp_path)  # the photo saved below
    from tests.mapping.test_other_shop import make_articles

    articles = make_articles(4, stock=lambda i: i)
    articles[1].photo.save("chair.jpg", ContentFile(b"jpeg"), save=True)
    Article.objects.filter(pk=articles[2].pk).update(maker=None)
    member = Member.objects.create(handle="luke", display_name="Luke S", mail="luke@example.com")
    purchase = Purchase.objects.create(
        ref="P-1", member=member, placed=datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)
    )
    PurchaseItem.objects.create(purchase=purchase, article=articles[1], qty=2, each=Decimal("9"))
    Purchase.objects.create(
        ref="P-2", placed=datetime.datetime(2024, 5, 2, tzinfo=datetime.timezone.utc)
    )
    Story.objects.create(slug="hello", headline="Hello", content="World")
    return store


@pytest.mark.parametrize("entity", ["orders", "customers"])
def test_other_shop_renders_the_same_from_rows_and_instances(other_shop, entity):
    both(get_serializer(entity), other_shop)


@pytest.mark.parametrize(
    ("original", "twin"),
    [(other_clerk.ArticleSerializer, ArticleTwin), (other_clerk.StorySerializer, StoryTwin)],
)
def test_a_declared_twin_renders_what_the_method_field_did(other_shop, original, twin):
    assert not original.data_source().rows
    assert "needs model instances" in original.data_source().reason
    assert twin.data_source().rows
    expected = original.serialize(original.feed_queryset(other_shop), other_shop, validate=False)
    rendered = both(twin, other_shop)
    if original is other_clerk.ArticleSerializer:
        for item in rendered + expected:
            item.pop("url")
    assert rendered == expected
    if original is other_clerk.ArticleSerializer:
        photos = [item["image"] for item in expected if "photos/chair" in item["image"]]
        assert len(photos) == 1 and photos[0].startswith("https://shop.example.com/media/")
        assert sum("made_in" not in item for item in expected) == 1  # the maker-less one


# -- the UUID-keyed shop ------------------------------------------------------------------------
class UUIDProductTwin(uuid_clerk.ProductSerializer):
    url = mapping.AbsoluteURLField(view_name="uuidshop-product")


class UUIDCategoryTwin(uuid_clerk.CategorySerializer):
    url = mapping.AbsoluteURLField(view_name="uuidshop-category", lookup_url_kwarg="pk")


@pytest.fixture
def uuid_shop(settings, store):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": uuid_clerk.SERIALIZERS}
    settings.ROOT_URLCONF = "tests.uuidshop.urls"
    with sync_paused():
        make_catalogue()
    return store


@pytest.mark.parametrize("entity", ["orders", "customers"])
def test_uuid_shop_renders_the_same_from_rows_and_instances(uuid_shop, entity):
    items = both(get_serializer(entity), uuid_shop)
    assert all(isinstance(item["id"], str) for item in items)


@pytest.mark.parametrize(
    ("original", "twin"),
    [
        (uuid_clerk.ProductSerializer, UUIDProductTwin),
        (uuid_clerk.CategorySerializer, UUIDCategoryTwin),
    ],
)
def test_a_view_name_gives_what_get_absolute_url_did(uuid_shop, original, twin):
    assert not original.data_source().rows and twin.data_source().rows
    expected = original.serialize(original.feed_queryset(uuid_shop), uuid_shop, validate=False)
    assert both(twin, uuid_shop) == expected
