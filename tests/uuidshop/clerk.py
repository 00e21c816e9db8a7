"""Clerk mapping of the UUID-keyed shop, written only from the README."""

from rest_framework import serializers

from django_clerk import mapping
from tests.uuidshop.models import Category, Customer, Order, Page, Product


class ProductSerializer(mapping.ProductSerializer):
    url = mapping.AbsoluteURLField()  # get_absolute_url(), made absolute
    image = mapping.ImageURLField()  # an ImageField or a path under MEDIA_URL
    categories = mapping.IdListField()

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "price",
            "image",
            "url",
            "categories",
            "created_at",
            "sku",
            "stock",
        ]
        modified_field = "updated_at"  # for incremental feeds and syncs
        in_stock_filter = {"stock__gt": 0}  # for stores that leave out-of-stock out

    @classmethod
    def get_queryset(cls, store):
        return Product.objects.filter(is_published=True)


class CategorySerializer(mapping.CategorySerializer):
    url = mapping.AbsoluteURLField()
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
        source="lines", product="product_id", quantity="quantity", price="unit_price"
    )
    time = mapping.TimestampField(source="placed_at")

    class Meta:
        model = Order
        fields = ["id", "products", "time", "customer", "email"]
        date_field = "placed_at"


class PageSerializer(mapping.PageSerializer):
    id = serializers.CharField(source="path")
    type = serializers.CharField(source="kind")
    url = mapping.AbsoluteURLField()
    text = serializers.CharField(source="body")

    class Meta:
        model = Page
        fields = ["id", "type", "url", "title", "text"]


SERIALIZERS = {
    "products": "tests.uuidshop.clerk.ProductSerializer",
    "categories": "tests.uuidshop.clerk.CategorySerializer",
    "orders": "tests.uuidshop.clerk.OrderSerializer",
    "customers": "tests.uuidshop.clerk.CustomerSerializer",
    "pages": "tests.uuidshop.clerk.PageSerializer",
}
