"""A shop for several markets, shaped unlike the example: UUID keys, a translation table
instead of ``name_da`` columns, prices in integer cents, stock on SKUs, an image table, and
pages from two models (CMS articles and blog posts)."""

from __future__ import annotations

import uuid

from django.db import models


class Category(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    slug = models.SlugField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField()
    price_cents = models.PositiveIntegerField()
    list_price_cents = models.PositiveIntegerField(null=True, blank=True)
    #: The shop's own price for the Norwegian market (else converted from DKK).
    price_nok_cents = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class ProductTranslation(models.Model):
    """One row per product and language."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "language"], name="one_per_language")
        ]


class Sku(models.Model):
    """A sellable variant of a product; stock is kept here, not on the product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(max_length=40, unique=True)
    stock = models.PositiveIntegerField(default=0)
    price_cents = models.PositiveIntegerField()


class GroupPrice(models.Model):
    """A customer group's price of a product (B2B)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="group_prices")
    group = models.CharField(max_length=20)
    price_cents = models.PositiveIntegerField()


class TierPrice(models.Model):
    """A quantity break: the unit price from ``min_quantity`` items on."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="tier_prices")
    min_quantity = models.PositiveIntegerField()
    price_cents = models.PositiveIntegerField()


class NegotiatedPrice(models.Model):
    """A customer's own price of a product, agreed with the shop (in DKK cents)."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    price_cents = models.PositiveIntegerField()


class ProductImage(models.Model):
    """The product's image is its image with the lowest position."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    path = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)


class Customer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    email = models.EmailField()
    subscribed = models.BooleanField(default=False)


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField(blank=True)
    placed_at = models.DateTimeField()
    #: The currency the order was placed in ("": the shop's base currency).
    currency = models.CharField(max_length=3, blank=True)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()
    unit_price_cents = models.PositiveIntegerField()


class Article(models.Model):
    """A CMS page."""

    slug = models.SlugField()
    title = models.CharField(max_length=200)
    body = models.TextField()


class Post(models.Model):
    """A blog post, with a label per market (``label_da`` for the Danish one)."""

    slug = models.SlugField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    label = models.CharField(max_length=50, blank=True)
    label_da = models.CharField(max_length=50, blank=True)
