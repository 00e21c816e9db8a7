"""How a shop changes one part of the preset: a product serializer of its own, with one more
attribute and a strategy per Clerk store (Oscar's UK strategy, 20% VAT, for the "uk" store),
named in ``CLERK["SERIALIZERS"]["products"]``."""

from typing import Any

from oscar.apps.partner import strategy
from rest_framework import serializers

from django_clerk.contrib.oscar.products import ProductSerializer


class MarketProductSerializer(ProductSerializer):
    discountable = serializers.BooleanField(source="is_discountable")

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "discountable"]

    @classmethod
    def get_strategy(cls, store: Any) -> Any:
        if store is not None and store.code == "uk":
            return strategy.UK()
        return super().get_strategy(store)
