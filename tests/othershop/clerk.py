"""Clerk mapping of the other shop, written only from the README."""

from rest_framework import serializers

from django_clerk import mapping
from tests.othershop.models import Article, Member, Purchase, Section, Story


class ArticleSerializer(mapping.ProductSerializer):
    id = serializers.CharField(source="ean")
    name = serializers.CharField(source="title")
    description = serializers.CharField(source="blurb")
    prices = mapping.PricesField(
        price="net_cost", list_price=None, tax_rate=0.25, includes_tax=False
    )
    image = mapping.ImageURLField(source="photo", default_image="/static/no-photo.png")
    url = mapping.AbsoluteURLField(source="permalink")
    categories = mapping.IdListField(source="sections")
    created_at = mapping.TimestampField(source="first_listed")
    brand = serializers.CharField(source="maker.label")
    made_in = serializers.CharField(source="maker.country.iso")
    stock = serializers.IntegerField(source="on_hand")
    headline_length = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "name", "description", "prices", "image", "url", "categories", "created_at",
            "brand", "made_in", "stock", "headline_length",
        ]  # fmt: skip
        modified_field = "changed"
        in_stock_filter = {"on_hand__gt": 0}

    @classmethod
    def get_queryset(cls, store):
        return Article.objects.filter(hidden=False)

    def get_headline_length(self, article: Article) -> int:
        return len(article.title)


class SectionSerializer(mapping.CategorySerializer):
    id = serializers.CharField(source="code")
    name = serializers.CharField(source="title")
    url = mapping.AbsoluteURLField()
    subcategories = mapping.IdListField(source="kids")

    class Meta:
        model = Section
        fields = ["id", "name", "url", "subcategories", "parent"]


class MemberSerializer(mapping.CustomerSerializer):
    id = serializers.CharField(source="handle")
    name = serializers.CharField(source="display_name")
    email = serializers.CharField(source="mail")
    subscribed = serializers.BooleanField(source="newsletter")

    class Meta:
        model = Member
        fields = ["id", "name", "email", "subscribed"]


class PurchaseSerializer(mapping.OrderSerializer):
    id = serializers.CharField(source="ref")
    products = mapping.OrderLinesField(
        source="items", product="article_id", quantity="qty", price="each"
    )
    time = mapping.TimestampField(source="placed")
    customer = serializers.CharField(source="member_id")
    email = serializers.CharField(source="member.mail")

    class Meta:
        model = Purchase
        fields = ["id", "products", "time", "customer", "email"]
        date_field = "placed"


class StorySerializer(mapping.PageSerializer):
    id = serializers.CharField(source="slug")
    type = serializers.SerializerMethodField()
    url = mapping.AbsoluteURLField(source="slug")
    title = serializers.CharField(source="headline")
    text = serializers.CharField(source="content")

    class Meta:
        model = Story
        fields = ["id", "type", "url", "title", "text"]

    def get_type(self, story: Story) -> str:
        return "blog"


SERIALIZERS = {
    "products": "tests.othershop.clerk.ArticleSerializer",
    "categories": "tests.othershop.clerk.SectionSerializer",
    "orders": "tests.othershop.clerk.PurchaseSerializer",
    "customers": "tests.othershop.clerk.MemberSerializer",
    "pages": "tests.othershop.clerk.StorySerializer",
}
