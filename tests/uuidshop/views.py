"""The pages of the UUID-keyed shop that carry Clerk tags: product, category, cart, order."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tests.uuidshop.models import Category, Order, Product


def product_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    return render(request, "uuidshop/product.html", {"product": product})


def category_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    return render(request, "uuidshop/category.html", {"category": category})


def order_confirmation(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    cart = [line.product for line in order.lines.select_related("product")]
    return render(request, "uuidshop/order.html", {"order": order, "cart": cart})
