"""B2B prices: a customer group's price of a product, and a customer's negotiated price."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shop.models.catalog import Product


class GroupPrice(models.Model):
    """The price (tax included, DKK) a customer group pays for a product. The group is the
    name of a Django auth group (``trade``)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="group_prices")
    group = models.CharField(max_length=50)
    price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "group"], name="one_price_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.price}"


class NegotiatedPrice(models.Model):
    """A customer's own price of a product (tax included, DKK), agreed with the shop."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="one_negotiated_price")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.price}"
