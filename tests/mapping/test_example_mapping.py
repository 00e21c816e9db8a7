"""The example shop's mapping: translations, variants, prices with and without tax."""

from decimal import Decimal

import pytest
from shop.models import Brand, Category, Product, ProductVariant

from django_clerk.mapping import get_serializer, problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    brand = Brand.objects.create(name="Acme", slug="acme")
    shoes = Category.objects.create(name="Shoes", slug="shoes")
    boots = Category.objects.create(name="Boots", slug="boots", parent=shoes)
    plain = Product.objects.create(
        name="Sock", name_da="Strømpe", slug="sock", sku="S1", description="Wool",
        price=Decimal("25.00"), brand=brand, image="products/sock.jpg", stock=4,
    )  # fmt: skip
    plain.categories.set([shoes])
    boot = Product.objects.create(
        name="Boot", slug="boot", sku="B1", description="Leather", price=Decimal("500.00"),
        list_price=Decimal("625.00"), stock=3,
    )  # fmt: skip
    boot.categories.set([shoes, boots])
    ProductVariant.objects.create(
        product=boot, sku="B1-41", name="41", price=Decimal("450.00"), stock=1
    )
    ProductVariant.objects.create(
        product=boot, sku="B1-42", name="42", price=Decimal("480.00"), stock=2
    )
    return plain, boot


def serialize(store):
    serializer = get_serializer("products")
    return {p["sku"]: p for p in serializer.serialize(serializer.feed_queryset(store), store)}


def test_variants_roll_up_into_the_parent(store, catalogue):
    boot = serialize(store)["B1"]
    assert boot["price"] == 450.0 and boot["price_excl_tax"] == 360.0
    assert boot["list_price"] == 625.0 and boot["list_price_excl_tax"] == 500.0
    assert boot["variant_skus"] == ["B1-41", "B1-42"]
    assert boot["variant_prices"] == [450.0, 480.0]
    assert boot["variant_stocks"] == [1, 2]
    assert boot["on_sale"] is True
    assert problems("products", boot) == []


def test_product_without_variants_keeps_its_price_and_has_no_variant_lists(store, catalogue):
    sock = serialize(store)["S1"]
    assert sock["price"] == 25.0 and sock["price_excl_tax"] == 20.0
    assert not any(key.startswith("variant_") for key in sock)
    assert "list_price" not in sock  # null is omitted, never sent
    assert sock["image"] == "https://shop.example.com/media/products/sock.jpg"
    assert sock["url"] == "https://shop.example.com/product/sock/"
    assert sock["brand"] == "Acme"


def test_danish_store_renders_danish_text_with_english_fallback(make_store, catalogue):
    danish = make_store(code="da", language="da", base_url="https://shop.example.dk/")
    products = serialize(danish)
    assert products["S1"]["name"] == "Strømpe"
    assert products["B1"]["name"] == "Boot"  # no Danish name: falls back
    assert products["S1"]["url"].startswith("https://shop.example.dk/")


def test_constant_queries(store, catalogue, django_assert_num_queries):
    serializer = get_serializer("products")
    # products+brand, categories, variants, group prices
    with django_assert_num_queries(4):
        serializer.serialize(serializer.feed_queryset(store), store)


def test_model_fields_listed_without_declaration_follow_clerks_rules(store, catalogue, settings):
    from rest_framework import serializers as drf

    settings.CLERK = {**settings.CLERK, "VALIDATE": False}  # a partial mapping, on purpose

    from django_clerk import mapping

    class Plain(mapping.ProductSerializer):
        url = drf.CharField(source="slug")

        class Meta:
            model = Product
            fields = ["id", "name", "price", "list_price", "created_at", "brand", "url"]

    items = {i["id"]: i for i in Plain.serialize(Product.objects.order_by("pk"), None)}
    sock, boot = Product.objects.order_by("pk")
    assert items[sock.pk]["price"] == 25.0 and isinstance(items[sock.pk]["price"], float)
    assert "list_price" not in items[sock.pk]  # null: omitted
    assert items[boot.pk]["list_price"] == 625.0
    assert items[sock.pk]["created_at"] == int(sock.created_at.timestamp())
    assert items[sock.pk]["brand"] == sock.brand_id and "brand" not in items[boot.pk]


def test_product_without_brand_leaves_brand_out(store, catalogue):
    boot = serialize(store)["B1"]
    assert "brand" not in boot


def test_in_stock_filter_across_variants_keeps_each_product_once(make_store, catalogue):
    """A condition on a many-valued relation matches a product once per variant in stock;
    the feed must still hold the product once."""
    _sock, boot = catalogue
    store = make_store(code="default", include_out_of_stock=False)
    base = get_serializer("products")

    class ByVariantStock(base):
        class Meta(base.Meta):
            in_stock_filter = {"variants__stock__gt": 0}

    ids = list(ByVariantStock.feed_queryset(store).values_list("pk", flat=True))
    assert ids == [boot.pk]  # both of its variants are in stock; the sock has none
    joined = Product.objects.filter(variants__stock__gt=0).values_list("pk", flat=True)
    assert list(joined) == [boot.pk, boot.pk]  # what a plain join would have served


def test_default_image_applies_when_the_source_is_missing(store, catalogue, settings):
    """``default_image`` stands in for a missing value (None), not only for an empty one,
    from instances and from rows alike."""
    from django_clerk.mapping import ImageURLField, ProductSerializer, Renderer

    class NullableImage(ProductSerializer):
        image = ImageURLField(source="brand.slug", default_image="/static/none.svg")

        class Meta:
            model = Product
            fields = ["id", "image"]

    plain, boot = catalogue  # the sock has a brand, the boot none
    queryset = NullableImage.feed_queryset(store)
    by_drf = Renderer(NullableImage, store, validate=False, source="instances")
    by_drf = by_drf.render_all(queryset).items
    assert NullableImage.data_source().rows
    by_rows = NullableImage.serialize(queryset, store, validate=False)
    assert by_drf == by_rows
    images = {item["id"]: item["image"] for item in by_drf}
    assert images == {
        plain.pk: "https://shop.example.com/media/acme",
        boot.pk: "https://shop.example.com/static/none.svg",
    }
