"""The example shop's URLs plus test subclasses of the search views."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import include, path
from shop.models import Category, Product

from django_clerk.search.views import CategoryView, SearchView


class ShopSearch(SearchView):
    paginate_by = 2

    def get_queryset(self) -> Any:
        return Product.objects.filter(is_published=True)

    def fallback_queryset(self) -> Any:
        return Product.objects.filter(name__icontains=self.query).order_by("pk")


class ShopCategory(CategoryView):
    paginate_by = 2

    def get_category(self) -> Any:
        return get_object_or_404(Category, slug=self.kwargs["slug"])

    def fallback_queryset(self) -> Any:
        return Product.objects.filter(categories=self.get_category()).order_by("pk")


urlpatterns = [
    path("find/", ShopSearch.as_view(), name="find"),
    path("browse/<slug:slug>/", ShopCategory.as_view(), name="browse"),
    path("clerk/", include("django_clerk.urls")),
    path("", include("shop.urls")),
]
