"""Sales: customers, orders and order lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from shop.models.catalog import Product, ProductVariant


class Customer(models.Model):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    subscribed = models.BooleanField(default=False, help_text="Newsletter opt-in.")
    is_business = models.BooleanField(default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shop_customer",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


LINE_TOTAL = ExpressionWrapper(
    F("lines__quantity") * F("lines__unit_price"),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)


class OrderQuerySet(models.QuerySet["Order"]):
    def with_totals(self) -> OrderQuerySet:
        """Annotate ``total_amount`` in SQL, for lists (``Order.total`` uses it when present)."""
        return self.annotate(total_amount=Sum(LINE_TOTAL))


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField(help_text="Copied at checkout: the customer may change theirs.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Order #{self.pk}"

    @property
    def total(self) -> Decimal:
        """Sum of the lines; uses ``with_totals()`` or prefetched lines when available."""
        annotated = getattr(self, "total_amount", None)
        if annotated is not None:
            return Decimal(annotated).quantize(Decimal("0.01"))
        total = sum((line.total for line in self.lines.all()), Decimal("0"))
        return total.quantize(Decimal("0.01"))

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines.all())


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    variant = models.ForeignKey(
        ProductVariant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Price paid per unit, tax included."
    )

    class Meta:
        ordering = ["order_id", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity
