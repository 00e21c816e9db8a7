"""Unknown paths under the app's prefix answer a JSON 404; the catch-all is checked (W021)."""

from __future__ import annotations

import sys

import pytest
from django.http import HttpResponse
from django.urls import include, path

from django_clerk.feeds.url_checks import check_app_urls_prefix
from tests.feeds.test_hostile_input import UNKNOWN


def shop_page(request):
    return HttpResponse("shop")


#: URLconfs of the check's tests: the app at the root, before and after the shop's pages.
SHADOWING = [path("", include("django_clerk.urls")), path("shop/", shop_page)]
LAST = [path("shop/", shop_page), path("", include("django_clerk.urls"))]
NESTED = [path("api/", include([path("", include("django_clerk.urls")), path("x/", shop_page)]))]
urlpatterns = SHADOWING


@pytest.mark.parametrize("path", UNKNOWN)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "OPTIONS"])
def test_unknown_paths_are_json_404(client, path, method):
    response = client.generic(method, f"/clerk/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": 404, "message": "No feed or service at this address."}
    }


def test_known_paths_are_not_taken_by_the_catch_all(client, db):
    assert client.get("/clerk/version").status_code == 401
    assert client.get("/clerk/version/").status_code == 401
    assert client.get("/").status_code == 200  # the shop, outside the prefix


def test_no_warning_where_the_app_has_a_prefix():
    assert check_app_urls_prefix() == []


@pytest.mark.parametrize(("patterns", "warned"), [(SHADOWING, True), (LAST, False), (NESTED, True)])
def test_an_include_without_prefix_before_other_patterns_is_warned(
    settings, client, monkeypatch, patterns, warned
):
    monkeypatch.setattr(sys.modules[__name__], "urlpatterns", patterns)
    settings.ROOT_URLCONF = __name__
    assert [message.id for message in check_app_urls_prefix()] == (
        ["django_clerk.W021"] if warned else []
    )
    shop = client.get("/shop/" if patterns is not NESTED else "/api/x/")
    assert (shop.status_code == 404) is warned  # what the warning is about
