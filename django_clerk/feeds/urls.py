"""URL patterns of the feeds, included by ``django_clerk.urls``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpResponseBase
from django.urls import URLPattern, path, re_path
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from django_clerk.feeds import legacy, v2
from django_clerk.feeds.views import FeedAPIView

#: legacy endpoint -> entity
LEGACY_ENTITIES = {
    "product": "products",
    "category": "categories",
    "order": "orders",
    "customer": "customers",
    "page": "pages",
}
SERVICES = {
    "version": legacy.VersionView,
    "plugin": legacy.PluginView,
    "getconfig": legacy.GetConfigView,
    "setconfig": legacy.SetConfigView,
    "rotatekey": legacy.RotateKeyView,
}


def _both(route: str, view: Callable[..., HttpResponseBase], name: str) -> list[URLPattern]:
    """``route`` with and without a trailing slash (importers use both)."""
    return [path(route, view, name=name), path(f"{route}/", view)]


def feed_urlpatterns() -> list[URLPattern]:
    patterns: list[URLPattern] = []
    for route, entity in LEGACY_ENTITIES.items():
        view = legacy.LegacyFeedView.as_view(entity=entity)
        patterns += _both(route, view, f"feed-{route}")
    for route, view_class in SERVICES.items():
        patterns += _both(route, view_class.as_view(), f"feed-{route}")
    for entity in LEGACY_ENTITIES.values():
        view = v2.FeedV2View.as_view(entity=entity)
        patterns += _both(f"v2/{entity}", view, f"feed-v2-{entity}")
    return patterns


class UnknownPathView(FeedAPIView):
    """Any other path under the app's prefix: a JSON 404 for any method, credentials or not."""

    authentication_classes: Sequence[type[BaseAuthentication]] = []
    permission_classes: Sequence[type[BasePermission]] = []

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        raise exceptions.NotFound("No feed or service at this address.")


def unknown_path_urlpatterns() -> list[URLPattern]:
    """The catch-all pattern; it goes last, after every other pattern of the app."""
    return [re_path(r"^", UnknownPathView.as_view(), name="feed-unknown")]
