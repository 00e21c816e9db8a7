"""The pages of the market shop that carry Clerk tags: a product and an order confirmation."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tests.marketshop.models import Order, Product


def product_page(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(Product, slug=slug)
    return render(request, "marketshop/product.html", {"product": product})


def page(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(slug)


def order_confirmation(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    return render(request, "marketshop/order.html", {"order": order})
