"""Serializers for feed tests that need a mapping other than the example shop's."""

from django.db.models import Q
from rest_framework import serializers
from shop.clerk import ProductSerializer as ShopProductSerializer
from shop.models import Product

from django_clerk import mapping


class ProductWithoutImageSerializer(mapping.ProductSerializer):
    """Breaks Clerk's rules: ``image`` is mandatory."""

    url = mapping.AbsoluteURLField()
    categories = mapping.IdListField()
    price = mapping.PriceField()

    class Meta:
        model = Product
        fields = ["id", "name", "description", "price", "url", "categories", "created_at"]


class ProductWithBrandSlugSerializer(mapping.ProductSerializer):
    """A method field that queries the database per object: the feed must use DRF."""

    url = mapping.AbsoluteURLField()
    image = mapping.ImageURLField()
    categories = mapping.IdListField()
    price = mapping.PriceField()
    brand_slug = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id", "name", "description", "price", "image", "url", "categories",
            "created_at", "brand_slug",
        ]  # fmt: skip

    def get_brand_slug(self, product: Product) -> str | None:
        return product.brand.slug if product.brand_id else None


class UnpublishedHiddenSerializer(ShopProductSerializer):
    """Unpublished products are hidden, not left out."""

    class Meta(ShopProductSerializer.Meta):
        hidden_filter = {"is_published": False}

    @classmethod
    def get_queryset(cls, store):
        return Product.objects.all()


class HiddenCategorySerializer(ShopProductSerializer):
    """Hidden across a many-to-many relation: in any category whose slug starts "hidden"."""

    class Meta(ShopProductSerializer.Meta):
        hidden_filter = Q(categories__slug__startswith="hidden")

    @classmethod
    def get_queryset(cls, store):
        return Product.objects.all()
