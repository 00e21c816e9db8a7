"""Map a shop's models to Clerk's entities with declarative serializers.

from django_clerk import mapping

class ProductSerializer(mapping.ProductSerializer):
    url = mapping.AbsoluteURLField(view_name="shop:product", lookup_field="slug")
    image = mapping.ImageURLField(source="image_path")
    categories = mapping.IdListField()

    class Meta:
        model = Product
        fields = ["id", "name", "description", "price", "image", "url", "categories",
                  "created_at"]
"""

from django_clerk.mapping.expressions import ExpressionField
from django_clerk.mapping.fields import (
    AbsoluteURLField,
    ClerkField,
    IdField,
    IdListField,
    ImageURLField,
    PriceField,
    TimestampField,
    TranslatedField,
)
from django_clerk.mapping.plans import plan_for
from django_clerk.mapping.prices import CurrencyField, GroupPricesField, TierPricesField
from django_clerk.mapping.reads import ManyRead, ReadContext, Reads
from django_clerk.mapping.registry import (
    clerk_id,
    entities_for_model,
    get_serializer,
    get_serializers,
    id_prefix,
    instance_clerk_id,
    mapped_entities,
    source_of,
)
from django_clerk.mapping.rendering import Rendered, Renderer
from django_clerk.mapping.rollups import OrderLinesField, PricesField, VariantsField
from django_clerk.mapping.serializers import (
    CategorySerializer,
    ClerkSerializer,
    CustomerSerializer,
    OrderSerializer,
    PageSerializer,
    ProductSerializer,
)
from django_clerk.mapping.steps import Policy
from django_clerk.mapping.subscribers import UnsubscribeURLField
from django_clerk.mapping.tables import ImageTableField, TranslationTableField
from django_clerk.mapping.validation import ClerkDataError, problems, validate
from django_clerk.mapping.values import clerk_value, to_timestamp

__all__ = [
    "AbsoluteURLField",
    "CategorySerializer",
    "ClerkDataError",
    "ClerkField",
    "ClerkSerializer",
    "CurrencyField",
    "CustomerSerializer",
    "ExpressionField",
    "GroupPricesField",
    "IdField",
    "IdListField",
    "ImageTableField",
    "ImageURLField",
    "ManyRead",
    "OrderLinesField",
    "OrderSerializer",
    "PageSerializer",
    "Policy",
    "PriceField",
    "PricesField",
    "ProductSerializer",
    "ReadContext",
    "Reads",
    "Rendered",
    "Renderer",
    "TierPricesField",
    "TimestampField",
    "TranslatedField",
    "TranslationTableField",
    "UnsubscribeURLField",
    "VariantsField",
    "clerk_id",
    "clerk_value",
    "entities_for_model",
    "get_serializer",
    "get_serializers",
    "id_prefix",
    "instance_clerk_id",
    "mapped_entities",
    "plan_for",
    "problems",
    "source_of",
    "to_timestamp",
    "validate",
]
