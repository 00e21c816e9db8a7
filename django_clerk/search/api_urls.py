"""URLs of the storefront API, included by :mod:`django_clerk.urls` under ``api/``."""

from __future__ import annotations

from django.urls import URLPattern, path

from django_clerk.search import api


def search_api_urlpatterns() -> list[URLPattern]:
    return [
        path("api/search/", api.SearchAPIView.as_view(), name="api-search"),
        path("api/search/live/", api.LiveSearchAPIView.as_view(), name="api-live-search"),
        path(
            "api/categories/<str:category>/products/",
            api.CategoryAPIView.as_view(),
            name="api-category-products",
        ),
        path(
            "api/recommendations/<path:logic>/",
            api.RecommendationsAPIView.as_view(),
            name="api-recommendations",
        ),
    ]
