"""Map a shop's models to Clerk's entities with declarative serializers.

from django_clerk import mapping

class ProductSerializer(mapping.ProductSerializer):
    url = mapping.AbsoluteURLField()
    image = mapping.ImageURLField(source="image_path")
    categories = mapping.IdListField()

    class Meta:
        model = Product
        fields = ["id", "name", "description", "price", "image", "url", "categories",
                  "created_at"]
"""

from django_clerk.mapping.fields import (
    AbsoluteURLField,
    ClerkField,
    IdListField,
    ImageURLField,
    OrderLinesField,
    PriceField,
    PricesField,
    TimestampField,
    TranslatedField,
    VariantsField,
)
from django_clerk.mapping.registry import entities_for_model, get_serializer, mapped_entities
from django_clerk.mapping.serializers import (
    CategorySerializer,
    ClerkSerializer,
    CustomerSerializer,
    OrderSerializer,
    PageSerializer,
    ProductSerializer,
)
from django_clerk.mapping.validation import ClerkDataError, problems, validate
from django_clerk.mapping.values import clerk_value, to_timestamp

__all__ = [
    "AbsoluteURLField",
    "CategorySerializer",
    "ClerkDataError",
    "ClerkField",
    "ClerkSerializer",
    "CustomerSerializer",
    "IdListField",
    "ImageURLField",
    "OrderLinesField",
    "OrderSerializer",
    "PageSerializer",
    "PriceField",
    "PricesField",
    "ProductSerializer",
    "TimestampField",
    "TranslatedField",
    "VariantsField",
    "clerk_value",
    "entities_for_model",
    "get_serializer",
    "mapped_entities",
    "problems",
    "to_timestamp",
    "validate",
]
