"""The example shop's URLs plus test subclasses of the search views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import RequestContext, Template
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


TAGS_PAGE = Template(
    "{% load clerk %}<!doctype html><html><head>{% clerk_js %}</head><body>"
    '<form class="search" action="/old/"><input id="search" name="q"></form>'
    "{% clerk_live_search '#search' form_selector='form.search' search_url='shop:search' %}"
    "{% clerk_search_page 'boot' facets_in_url=True no_results_text=empty load_more_text=more %}"
    "{% clerk_chat product=product %}</body></html>"
)


def tags_page(request: HttpRequest) -> HttpResponse:
    """Every search and storefront parity tag on one page, for the browser test."""
    product = Product.objects.order_by("pk").first()
    context = {"empty": "Nothing found", "more": "More", "product": product}
    return HttpResponse(TAGS_PAGE.render(RequestContext(request, context)))


urlpatterns = [
    path("tags/", tags_page, name="tags"),
    path("find/", ShopSearch.as_view(), name="find"),
    path("browse/<slug:slug>/", ShopCategory.as_view(), name="browse"),
    path("clerk/", include("django_clerk.urls")),
    path("", include("shop.urls")),
]
