"""Both data sources give the same output for every serializer of the market shop, in an
English and a Danish store; each page costs a constant number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks

from django_clerk.mapping import Renderer, TranslationTableField, get_serializers
from tests.marketshop import clerk
from tests.marketshop.conftest import Catalogue, make_products
from tests.marketshop.models import Category, Post, Product, ProductTranslation

pytestmark = pytest.mark.django_db
ENTITIES = ["products", "categories", "orders", "customers", "pages"]
ROW_SERIALIZERS = [
    clerk.ProductSerializer,
    clerk.CategorySerializer,
    clerk.OrderSerializer,
    clerk.CustomerSerializer,
    clerk.ArticleSerializer,
    clerk.DeclaredPostSerializer,
]


def both(serializer: Any, store: Any) -> list[dict[str, Any]]:
    """The objects rendered from instances and from rows, asserted equal (and not empty)."""
    queryset = serializer.feed_queryset(store)
    by_instances = Renderer(serializer, store, source="instances", validate=False)
    instances = by_instances.render_all(queryset).items
    rows = Renderer(serializer, store, source="rows", validate=False).render_all(queryset).items
    assert instances, f"{serializer.__name__} rendered nothing"
    assert rows == instances
    return rows


@pytest.fixture(params=["default", "dk"])
def market(request: Any, catalogue: Catalogue, clerk_store: Any, danish_store: Any) -> Any:
    return {"default": clerk_store, "dk": danish_store}[request.param]


@pytest.mark.parametrize("serializer", ROW_SERIALIZERS, ids=lambda s: s.__name__)
def test_every_declared_serializer_renders_the_same_from_rows_and_instances(
    market: Any, serializer: Any
) -> None:
    assert serializer.data_source().rows, serializer.data_source().reason
    both(serializer, market)


def test_every_source_of_the_shop_is_covered() -> None:
    sources = [s for entity in ENTITIES for s in get_serializers(entity)]
    assert set(sources) - set(ROW_SERIALIZERS) == {clerk.PostSerializer}


def test_the_store_read_in_a_method_renders_from_instances_and_its_twin_agrees(
    market: Any,
) -> None:
    source = clerk.PostSerializer.data_source()
    assert not source.rows
    assert "PostSerializer.label (SerializerMethodField" in source.reason
    with pytest.raises(ValueError, match="cannot render from rows"):
        Renderer(clerk.PostSerializer, market, source="rows")
    queryset = clerk.PostSerializer.feed_queryset(market)
    expected = clerk.PostSerializer.serialize(queryset, market)
    assert both(clerk.DeclaredPostSerializer, market) == expected
    labels = [item["label"] for item in expected]
    assert [item["id"] for item in expected] == [
        f"post-{p.pk}" for p in Post.objects.order_by("pk")
    ]
    assert labels == ["Nyt" if market.get_language() == "da" else "News", "Offer"]


def test_the_method_field_is_reported_as_i014() -> None:
    found = [m for m in checks.run_checks() if m.id == "django_clerk.I014"]
    (message,) = [m for m in found if "PostSerializer" in m.msg]
    assert "label" in message.msg and "SerializerMethodField" in message.msg


def test_products_in_english_and_danish(
    catalogue: Catalogue, clerk_store: Any, danish_store: Any
) -> None:
    english = {i["id"]: i for i in both(clerk.ProductSerializer, clerk_store)}
    danish = {i["id"]: i for i in both(clerk.ProductSerializer, danish_store)}
    full, english_only, bare, no_skus = (str(p.pk) for p in catalogue.products[:4])
    assert (english[full]["name"], danish[full]["name"]) == ("Boot 0", "Støvle 0")
    assert (english[full]["description"], danish[full]["description"]) == ("Leather", "Læder")
    # No Danish row, or an empty Danish text: the shop's default language's.
    assert danish[english_only]["name"] == english[english_only]["name"] == "Boot 1"
    assert danish[no_skus]["name"] == "Støvle 3" and danish[no_skus]["description"] == "Leather"
    # Prices in cents, sent in currency units; the cheapest SKU's price wins.
    assert english[full]["price"] == 89.95 and english[full]["price_excl_tax"] == 71.96
    assert english[full]["list_price"] == 129.95 and english[full]["on_sale"] is True
    assert english[full]["variant_prices"] == [89.95, 94.95]
    assert english[no_skus]["price"] == 102.95  # no SKUs: the product's own price
    assert "variant_skus" not in english[no_skus]
    # Stock on SKUs.
    assert (english[full]["stock"], english[full]["in_stock"]) == (2, True)
    assert (english[bare]["stock"], english[bare]["in_stock"]) == (0, False)
    assert english[no_skus]["in_stock"] is False
    # The first image by position; none: the default image, on each store's host.
    assert english[full]["image"] == "https://shop.example.com/media/products/0-a.jpg"
    assert danish[full]["image"] == "https://shop.example.dk/media/products/0-a.jpg"
    assert english[bare]["image"] == "https://shop.example.com/static/none.svg"
    assert danish[full]["url"] == "https://shop.example.dk/p/boot-0/"


def test_a_store_without_out_of_stock_products_leaves_them_out_once(
    catalogue: Catalogue, make_store: Any
) -> None:
    store = make_store(code="instock", include_out_of_stock=False)
    ids = [i["id"] for i in both(clerk.ProductSerializer, store)]
    in_stock = [str(p.pk) for p in catalogue.products if p.skus.filter(stock__gt=0).exists()]
    assert sorted(ids) == sorted(in_stock) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("count", [3, 30])
def test_a_page_of_products_costs_constant_queries(
    db: Any, clerk_store: Any, django_assert_num_queries: Any, count: int
) -> None:
    make_products(count, [Category.objects.create(name="Boots", slug="boots")])
    queryset = clerk.ProductSerializer.feed_queryset(clerk_store)
    # The rows; translations read twice (name, description), images, SKUs, categories.
    with django_assert_num_queries(6):
        items = clerk.ProductSerializer.serialize(queryset, clerk_store, validate=False)
    assert len(items) == count
    products = list(Product.objects.filter(is_active=True))
    # From instances: the prefetches (translations, images, SKUs, categories) and the
    # annotations (in stock, stock) in one query.
    with django_assert_num_queries(5):
        again = Renderer(clerk.ProductSerializer, clerk_store, source="instances", validate=False)
        rendered = again.render_all(products).items
    assert sorted(rendered, key=lambda i: i["id"]) == sorted(items, key=lambda i: i["id"])


def test_a_regional_store_language_finds_the_language_row(
    catalogue: Catalogue, make_store: Any
) -> None:
    """A ``da-dk`` store reads a ``da_DK`` row, then a ``da`` row, then the default's."""
    store = make_store(code="dk-dk", language="da-dk", include_out_of_stock=True)
    first, second, third = catalogue.products[:3]
    ProductTranslation.objects.filter(product=first, language="da").update(language="da_DK")
    ProductTranslation.objects.create(product=second, language="DA", name="Sko 1")
    names = {i["id"]: i.get("name") for i in both(clerk.ProductSerializer, store)}
    assert names[str(first.pk)] == "Støvle 0"
    assert names[str(second.pk)] == "Sko 1"
    assert names[str(third.pk)] == "Boot 2"


def test_a_declared_fallback_language(catalogue: Catalogue, make_store: Any) -> None:
    """``fallback="da"``: an English store without an English row shows the Danish text."""

    class DanishFirst(clerk.ProductSerializer):
        name = TranslationTableField(attribute="name", fallback="da")

    store = make_store(code="uk", include_out_of_stock=True)
    product = catalogue.products[0]
    ProductTranslation.objects.filter(product=product, language="en").delete()
    names = {i["id"]: i.get("name") for i in both(DanishFirst, store)}
    assert names[str(product.pk)] == "Støvle 0"
    assert names[str(catalogue.products[1].pk)] == "Boot 1"
