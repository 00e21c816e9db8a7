"""Clerk mapping of the market shop, written only from ``docs/mapping.md``: every serializer
but the blog posts' (its market label is a method reading the store) renders from rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from rest_framework import serializers

from django_clerk import mapping
from tests.marketshop.models import Article, Category, Customer, Order, Post, Product, Sku

TAX_RATE = 0.25


def sku_stock() -> Any:
    """The product's stock: the sum of its SKUs' stock (0 without SKUs)."""
    total = (
        Sku.objects.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(total=Sum("stock"))
        .values("total")
    )
    return Coalesce(Subquery(total), Value(0))


class ProductSerializer(mapping.ProductSerializer):
    name = mapping.TranslationTableField(
        relation="translations", language_field="language", attribute="name"
    )
    description = mapping.TranslationTableField(
        relation="translations", language_field="language", attribute="description"
    )
    url = mapping.AbsoluteURLField(view_name="marketshop-product", lookup_field="slug")
    image = mapping.ImageTableField(
        relation="images", path="path", position="position", default_image="/static/none.svg"
    )
    prices = mapping.PricesField(
        price="price_cents", list_price="list_price_cents", tax_rate=TAX_RATE, minor_units=100
    )
    variants = mapping.VariantsField(
        source="skus",
        attributes={"skus": "code", "stocks": "stock", "prices": "price_cents"},
        price="price_cents",
        tax_rate=TAX_RATE,
        override_price=True,
        minor_units=100,
    )
    in_stock = mapping.ExpressionField(
        Exists(Sku.objects.filter(product=OuterRef("pk"), stock__gt=0)), output=bool
    )
    stock = mapping.ExpressionField(sku_stock(), output=int)
    categories = mapping.IdListField()

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "url",
            "image",
            "prices",
            "variants",
            "in_stock",
            "stock",
            "categories",
            "created_at",
        ]
        modified_field = "updated_at"
        in_stock_filter = {"skus__stock__gt": 0}

    @classmethod
    def get_queryset(cls, store: Any) -> Any:
        return Product.objects.filter(is_active=True)


class CategorySerializer(mapping.CategorySerializer):
    url = mapping.AbsoluteURLField(view_name="marketshop-category", lookup_field="slug")
    subcategories = mapping.IdListField(source="children")

    class Meta:
        model = Category
        fields = ["id", "name", "url", "subcategories", "parent"]


class CustomerSerializer(mapping.CustomerSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "email", "subscribed"]


class OrderSerializer(mapping.OrderSerializer):
    products = mapping.OrderLinesField(
        source="lines",
        product="product_id",
        quantity="quantity",
        price="unit_price_cents",
        minor_units=100,
    )
    time = mapping.TimestampField(source="placed_at")

    class Meta:
        model = Order
        fields = ["id", "products", "time", "customer", "email"]
        date_field = "placed_at"


class ArticleSerializer(mapping.PageSerializer):
    """CMS pages: the entity's unprefixed source (ids sent as text)."""

    type = mapping.ExpressionField(Value("cms"), output=str)
    url = mapping.AbsoluteURLField(view_name="marketshop-article", lookup_field="slug")
    text = serializers.CharField(source="body")

    class Meta:
        model = Article
        fields = ["id", "type", "url", "title", "text"]


class PostSerializer(mapping.PageSerializer):
    """Blog posts, ids ``post-<pk>``; their label depends on the store's market, read in a
    method: the one serializer of the shop that renders from instances (``I014``)."""

    type = mapping.ExpressionField(Value("blog"), output=str)
    url = mapping.AbsoluteURLField(view_name="marketshop-post", lookup_field="slug")
    text = serializers.CharField(source="body")
    label = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "type", "url", "title", "text", "label"]
        id_prefix = "post-"

    def get_label(self, post: Post) -> str:
        store = self.context["store"]
        if store.get_language() == "da" and post.label_da:
            return post.label_da
        return post.label


class DeclaredPostSerializer(PostSerializer):
    """What ``I014`` suggests for :class:`PostSerializer`: the label per language declared
    (``label_da`` in a Danish store, else ``label``), so the posts render from rows."""

    label = mapping.TranslatedField(attribute="label")  # type: ignore[assignment]


SERIALIZERS: dict[str, Any] = {
    "products": "tests.marketshop.clerk.ProductSerializer",
    "categories": "tests.marketshop.clerk.CategorySerializer",
    "orders": "tests.marketshop.clerk.OrderSerializer",
    "customers": "tests.marketshop.clerk.CustomerSerializer",
    "pages": ["tests.marketshop.clerk.ArticleSerializer", "tests.marketshop.clerk.PostSerializer"],
}
