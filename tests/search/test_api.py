"""The storefront API (``clerk/api/...``) against the fake Clerk over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from django_clerk.client import ClerkClient
from django_clerk.testing import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.search.urls")]


def get(client: Any, path: str, **params: Any) -> Any:
    response = client.get("/clerk/api/" + path, params)
    assert response["Content-Type"] == "application/json", response.content
    return response


def test_search_answers_ids_product_data_facets_and_paging(client, shop_store, boots, clerk_api):
    response = get(client, "search/", q="boot", per_page=2, page=2, f_price="10..20")
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "boot" and body["page"] == 2 and body["per_page"] == 2
    assert body["results"] == [boots[2].pk, boots[3].pk] and body["count"] == 5
    assert body["products"] == [
        {"id": boots[2].pk, "name": "Xeno boot", "price": 12.0},
        {"id": boots[3].pk, "name": "Wool boot", "price": 13.0},
    ]
    assert body["facets"]["categories"] == [{"name": boots[0].categories.get().pk, "count": 5}]
    assert body["selected_facets"] == {"price": ["10..20"]}
    assert "max-age=60" in response["Cache-Control"] and "private" in response["Cache-Control"]
    (call,) = clerk_api.calls("POST", "search/search")
    assert call.params["offset"] == 2 and call.params["labels"] == ["Search (API)"]
    assert call.params["filter"] == "(price >= 10 and price <= 20)"
    assert call.params["attributes"] == ["id", "name", "price", "image", "url"]
    assert "private_key" not in call.params


def test_a_visitor_id_given_is_sent_and_no_session_is_made(client, shop_store, boots, clerk_api):
    response = get(client, "search/", q="boot", visitor="abc123")
    assert response.status_code == 200
    assert clerk_api.calls("POST", "search/search")[0].params["visitor"] == "abc123"
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x", "page": "0"}, "page"),
        ({"q": "x", "page": "one"}, "page"),
        ({"q": "x", "per_page": "101"}, "per_page"),
        ({"q": "x", "order": "up"}, "order"),
        ({"q": "x", "orderby": "price;drop"}, "orderby"),
        ({"q": "x", "f_colour": "red"}, "facets"),
        ({"q": "x", "f_price": "1..x"}, "facets"),
        ({"q": "x", "visitor": "not valid!"}, "visitor"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, shop_store, clerk_api, params, field):
    response = get(client, "search/", **params)
    assert response.status_code == 400
    assert field in response.json()
    assert clerk_api.count() == 0


def test_unknown_store_is_a_404(client, shop_store, clerk_api):
    response = get(client, "search/", q="x", store="nowhere")
    assert response.status_code == 404 and "nowhere" in response.json()["detail"]


def test_clerk_down_is_a_503_with_retry_after(client, shop_store, boots, clerk_api):
    clerk_api.go_down()
    response = get(client, "search/", q="boot")
    assert response.status_code == 503
    assert response.json()["code"] == "clerk_unavailable"
    assert response["Retry-After"] == "5"


def test_no_public_key_is_a_503_too(client, make_store, clerk_api):
    make_store(code="default", public_key="")
    response = get(client, "search/", q="boot")
    assert response.status_code == 503 and clerk_api.count() == 0


def test_live_search_with_categories_and_pages(client, shop_store, boots, clerk_api):
    with ClerkClient(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY, api_url=clerk_api.url) as data:
        data.upsert("categories", [{"id": 1, "name": "Boots and more", "url": "https://x/"}])
    response = get(client, "search/live/", q="boot", limit=2, categories=3)
    body = response.json()
    assert response.status_code == 200
    assert body["results"] == [boots[0].pk, boots[1].pk] and body["categories"] == [1]
    assert "pages" not in body
    assert clerk_api.calls("POST", "search/predictive")[0].params["labels"] == ["Live search (API)"]
    assert get(client, "search/live/", q="boot", limit=51).status_code == 400


def test_category_products(client, shop_store, boots, clerk_api):
    category = boots[0].categories.get()
    response = get(client, f"categories/{category.pk}/products/", per_page=3)
    body = response.json()
    assert response.status_code == 200
    assert body["category"] == category.pk and body["results"] == [b.pk for b in boots[:3]]
    assert clerk_api.calls("POST", "recommendations/category/popular")[0].params["labels"] == [
        "Category page (API)"
    ]
    assert get(client, "categories/1/products/", logic="cheapest").status_code == 400


def test_recommendations_by_logic(client, shop_store, boots, clerk_api):
    response = get(client, "recommendations/substituting/", products=f"{boots[0].pk}", limit=2)
    assert response.status_code == 200
    assert response.json()["results"] == [boots[1].pk, boots[2].pk]
    assert response.json()["products"][0]["name"] == "Yak boot"
    assert response.json()["for_products"] == [boots[0].pk]
    assert get(client, "recommendations/popular/").json()["count"] == 5
    assert get(client, "recommendations/substituting/").status_code == 400
    assert get(client, "recommendations/keywords/").status_code == 400
    missing = get(client, "recommendations/everything/")
    assert missing.status_code == 404 and "Unknown logic" in missing.json()["detail"]  # not echoed


def test_other_methods_and_paths_answer_json(client, shop_store, clerk_api):
    assert client.post("/clerk/api/search/?q=x").status_code == 405
    assert client.post("/clerk/api/search/?q=x")["Content-Type"] == "application/json"
    assert get(client, "nothing-here/").status_code == 404
    html_only = client.get("/clerk/api/search/?q=x", HTTP_ACCEPT="text/html")
    assert html_only["Content-Type"] == "application/json" and html_only.status_code == 406


def test_a_visitors_history_is_never_served_to_another_visitor(
    client, shop_store, boots, clerk_api
):
    for visitor in ("aaaa1111", "bbbb2222"):
        response = client.get("/clerk/api/recommendations/visitor/history/", {"visitor": visitor})
        assert response.status_code == 200, response.content
    asked = [
        call.params.get("visitor")
        for method in ("GET", "POST")
        for call in clerk_api.calls(method, "recommendations/visitor/history")
    ]
    assert asked == ["aaaa1111", "bbbb2222"]  # each visitor's own answer, none from the cache


def test_ids_in_the_url_are_bounded_and_nothing_is_echoed(client, shop_store, clerk_api):
    long = "x" * 5000
    too_long = client.get(f"/clerk/api/categories/{long}/products/")
    assert too_long.status_code == 400 and long not in too_long.content.decode()
    unknown = client.get(f"/clerk/api/recommendations/{long}/")
    assert unknown.status_code == 404 and long not in unknown.content.decode()
    facet = client.get("/clerk/api/search/", {"q": "a", f"f_{long}": "1"})
    assert facet.status_code == 400 and long not in facet.content.decode()


def test_clerk_down_is_a_503_that_tells_nothing_of_the_network(client, shop_store, clerk_api):
    clerk_api.error_next(5, type="InternalError", message="db-7.internal.clerk:5432 refused")
    response = client.get("/clerk/api/search/", {"q": "boot"})
    assert response.status_code == 503 and response["Retry-After"]
    assert set(response.json()) == {"detail", "code"}
    assert "internal" not in response.content.decode()


@pytest.mark.parametrize("key", ["00123", "123", "ab-9"])
def test_string_ids_reach_clerk_as_the_very_text(client, shop_store, clerk_api, settings, key):
    from tests.othershop.clerk import SERIALIZERS

    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}  # string primary keys
    assert get(client, "recommendations/complementary/", products=key).status_code == 200
    assert get(client, f"categories/{key}/products/").status_code == 200
    assert clerk_api.calls("POST", "recommendations/complementary")[0].params["products"] == [key]
    assert clerk_api.calls("POST", "recommendations/category/popular")[0].params["category"] == key


def test_integer_and_uuid_ids_reach_clerk_as_their_source_makes_them(
    client, shop_store, clerk_api, settings
):
    from tests.uuidshop.clerk import SERIALIZERS

    assert get(client, "recommendations/complementary/", products="0042").status_code == 200
    assert clerk_api.calls("POST", "recommendations/complementary")[0].params["products"] == [42]
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}  # UUID primary keys
    key = "7D444840-9DC0-11D1-B245-5FFDCE74FAD2"
    assert get(client, f"categories/{key}/products/").status_code == 200
    sent = clerk_api.calls("POST", "recommendations/category/popular")[0].params["category"]
    assert sent == key.lower()  # as the feed sends it: str(uuid)
