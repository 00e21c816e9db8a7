"""A shop keyed by UUIDs: products, categories, customers and orders have UUID primary keys;
pages are keyed by their path, a string of up to 255 characters."""

from __future__ import annotations

import uuid

from django.db import models


class Category(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    def get_absolute_url(self) -> str:
        return f"/c/{self.pk}/"


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    image = models.CharField(max_length=200, blank=True)
    sku = models.CharField(max_length=40, blank=True)
    stock = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def get_absolute_url(self) -> str:
        return f"/p/{self.pk}/"


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


class OrderLine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)


class Page(models.Model):
    path = models.CharField(primary_key=True, max_length=255)
    kind = models.CharField(max_length=20, default="cms")
    title = models.CharField(max_length=200)
    body = models.TextField()

    def get_absolute_url(self) -> str:
        return f"/{self.path}"
