"""The shop's Clerk mapping: which models are Clerk's five entities, and how they look.

settings.CLERK["SERIALIZERS"] points at these classes.
"""

from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Trim
from rest_framework import serializers

from django_clerk import mapping
from shop.models import Category, Customer, NewsletterSubscriber, Order, Page, Product


class ProductSerializer(mapping.ProductSerializer):
    name = mapping.TranslatedField()  # name_da in the Danish store
    description = mapping.TranslatedField()
    url = mapping.AbsoluteURLField(view_name="shop:product", lookup_field="slug")
    image = mapping.ImageURLField(default_image="/static/shop/no-image.svg")
    categories = mapping.IdListField()
    brand = serializers.CharField(source="brand.name")
    in_stock = mapping.ExpressionField(Q(stock__gt=0), output=bool)
    prices = mapping.PricesField(price="price", list_price="list_price", tax_rate="tax_rate")
    # The cheapest variant's price (and price_excl_tax) replaces the product's own.
    variants = mapping.VariantsField(
        attributes={
            "ids": "pk",
            "skus": "sku",
            "names": "name",
            "prices": "price",
            "stocks": "stock",
        },
        tax_rate="tax_rate",
        override_price=True,
    )
    # customer_group_price_trade (and _excl_tax) for the products the "trade" group buys
    # at its own price.
    group_prices = mapping.GroupPricesField(group="group", price="price", tax_rate="tax_rate")

    class Meta:
        model = Product
        fields = [
            "id", "name", "description", "url", "image", "categories", "created_at",
            "sku", "brand", "stock", "in_stock", "prices", "variants", "group_prices",
        ]  # fmt: skip
        modified_field = "updated_at"
        in_stock_filter = {"stock__gt": 0}

    @classmethod
    def get_queryset(cls, store):
        return Product.objects.published()


class CategorySerializer(mapping.CategorySerializer):
    url = mapping.AbsoluteURLField(view_name="shop:category", lookup_field="slug")
    image = mapping.ImageURLField()
    subcategories = mapping.IdListField(source="children")

    class Meta:
        model = Category
        fields = ["id", "name", "url", "subcategories", "parent", "image", "description"]


class OrderSerializer(mapping.OrderSerializer):
    products = mapping.OrderLinesField(source="lines", product="product_id", price="unit_price")
    # Customers have two sources (subscribers are "sub-<pk>"), so their ids are text.
    customer = mapping.IdField(source="customer_id", id_prefix="")
    time = mapping.TimestampField(source="created_at")

    class Meta:
        model = Order
        fields = ["id", "products", "time", "customer", "email"]
        date_field = "created_at"
        modified_field = "updated_at"


class CustomerSerializer(mapping.CustomerSerializer):
    # Customer.full_name, computed by the database.
    name = mapping.ExpressionField(
        Trim(Concat(F("first_name"), Value(" "), F("last_name"))), output=str
    )
    zip = serializers.CharField(source="zip_code")
    is_b2b = serializers.BooleanField(source="is_business")
    unsub_url = mapping.UnsubscribeURLField()  # a signed link that unsubscribes once

    class Meta:
        model = Customer
        fields = ["id", "name", "email", "subscribed", "unsub_url", "zip", "is_b2b"]
        modified_field = "updated_at"


class SubscriberSerializer(mapping.CustomerSerializer):
    """Newsletter-only subscribers, a second source of customers: ids "sub-<pk>"."""

    name = serializers.CharField(source="email")
    unsub_url = mapping.UnsubscribeURLField()

    class Meta:
        model = NewsletterSubscriber
        fields = ["id", "name", "email", "subscribed", "unsub_url"]
        modified_field = "updated_at"
        id_prefix = "sub-"


class PageSerializer(mapping.PageSerializer):
    type = serializers.CharField(source="kind")
    text = serializers.CharField(source="body")
    url = mapping.AbsoluteURLField()
    image = mapping.ImageURLField()

    class Meta:
        model = Page
        fields = ["id", "type", "url", "title", "text", "image"]
        modified_field = "updated_at"

    @classmethod
    def get_queryset(cls, store):
        return Page.objects.published()
