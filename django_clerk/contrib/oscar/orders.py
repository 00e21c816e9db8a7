"""Oscar's orders as Clerk's orders: lines (the product Clerk knows: a child's parent), unit
prices with tax, the customer and the e-mail (a guest's, else the customer's; left out for
stores that do not collect e-mails, by the mapping's store rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from oscar.core.loading import get_model
from rest_framework import serializers

from django_clerk import mapping

Order = get_model("order", "Order")
Line = get_model("order", "Line")


class OscarOrderLinesField(mapping.OrderLinesField):
    """Each line as ``{"id", "quantity", "price"}``: ``id`` is the product Clerk knows (a
    child's parent), ``price`` the unit price with tax (else the line price over the
    quantity). Lines whose product was deleted are left out."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "lines")
        super().__init__(**kwargs)

    def reads(self, context: Any) -> None:
        return None  # a child's parent and a price fallback: read from instances

    def get_attribute(self, instance: Any) -> list[dict[str, Any]]:
        lines = []
        for line in instance.lines.all():
            product = line.product
            if product is None:
                continue
            price = line.unit_price_incl_tax
            if price is None and line.quantity:
                price = Decimal(line.line_price_incl_tax) / line.quantity
            lines.append(
                {
                    "product": product.parent_id or product.pk,
                    "quantity": line.quantity,
                    "price": price if price is not None else Decimal(0),
                }
            )
        return lines


class OrderSerializer(mapping.OrderSerializer):
    """Every Oscar order; ``number`` (Oscar's order number) is sent as an attribute."""

    products = OscarOrderLinesField()
    time = mapping.TimestampField(source="date_placed")
    customer = serializers.IntegerField(source="user_id")
    email = mapping.ExpressionField(
        NullIf(Coalesce(NullIf(F("guest_email"), Value("")), F("user__email")), Value("")),
        output=str,
    )

    class Meta:
        model = Order
        fields = ["id", "products", "time", "customer", "email", "number", "currency"]
        date_field = "date_placed"

    @classmethod
    def get_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        lines = Line.objects.select_related("product").order_by("pk")
        orders: QuerySet[Any, Any] = Order.objects.prefetch_related(
            Prefetch("lines", queryset=lines)
        )
        return orders
