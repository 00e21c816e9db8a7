"""The example shop's server-rendered search and category pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [p.name for p in response.context["object_list"]]


def test_search_results_from_clerk_then_from_the_shop(client, shop_store, boots, clerk_api):
    response = client.get("/search/results/", {"q": "boot"})
    assert response.status_code == 200
    assert names(response)[:2] == ["Zeta boot", "Yak boot"]  # Clerk's order
    assert b"Zeta boot" in response.content and b"the shop's own listing" not in response.content
    clerk_api.go_down()
    response = client.get("/search/results/", {"q": "yak"})
    assert names(response) == ["Yak boot"]
    assert b"the shop's own listing" in response.content


def test_category_results(client, shop_store, boots, clerk_api):
    response = client.get("/category/shoes/results/", {"page": "1"})
    assert response.status_code == 200 and response.context["category"].slug == "shoes"
    assert names(response) == [b.name for b in boots]
    assert client.get("/category/nothing/results/").status_code == 404
