"""Requests to the app's URLs refused by Django's own middleware still get a JSON answer."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["shop.example.com"])
@pytest.mark.parametrize("path", ["/clerk/product", "/clerk/v2/products", "/clerk/no-such-feed"])
def test_a_disallowed_host_is_a_json_400_on_the_apps_urls(client, path):
    response = client.get(path, {"key": "x"}, HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)["error"]
    assert error["code"] == 400
    assert "ALLOWED_HOSTS" in error["message"]


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["shop.example.com"])
def test_the_shops_own_pages_keep_djangos_error_page(client):
    response = client.get("/", HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    assert "json" not in response["Content-Type"]


@pytest.mark.django_db
def test_a_view_of_the_app_answers_as_before(client):
    response = client.get("/clerk/product", {"key": "no-such-key"}, HTTP_HOST="shop.example.com")
    assert response.status_code in (401, 403)
    body = json.loads(response.content)
    assert body["error"]["code"] == response.status_code
    assert "before it reached the app" not in body["error"]["message"]


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
def test_the_app_itself_still_answers_its_own_errors(client):
    data = "&".join(f"f{i}=1" for i in range(10))
    response = client.post("/clerk/product", data, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "before it reached the app" not in json.loads(response.content)["error"]["message"]


@pytest.mark.parametrize(
    "middleware, warned",
    [
        (["django_clerk.middleware.JSONErrorsMiddleware"], False),
        (
            [
                "django_clerk.middleware.JSONErrorsMiddleware",
                "django.middleware.common.CommonMiddleware",
            ],
            False,
        ),
        (
            [
                "django.middleware.common.CommonMiddleware",
                "django_clerk.middleware.JSONErrorsMiddleware",
            ],
            True,
        ),
        (["django.middleware.common.CommonMiddleware"], True),
    ],
)
def test_w023_when_the_middleware_is_missing_or_late(middleware, warned):
    from django_clerk.feeds.checks import check_errors_middleware

    found = [message.id for message in check_errors_middleware(middleware)]
    assert found == (["django_clerk.W023"] if warned else [])


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
@pytest.mark.parametrize("path", ["/clerk/api/search/", "/clerk/prices/"])
def test_django_answering_for_a_view_of_the_app_answers_json(client, path, django_user_model):
    """Too many query parameters: Django's own 400 (the view never sees the request)."""
    client.force_login(django_user_model.objects.create_user("many-fields", password="x"))
    query = "&".join(f"f{i}=1" for i in range(20))
    response = client.get(f"{path}?q=a&ids=1&{query}", HTTP_HOST="shop.example.com")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]["code"] == 400
