"""SearchView and CategoryView against the fake Clerk over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.search.urls")]


def pks(response: Any) -> list[int]:
    return [p.pk for p in response.context["object_list"]]


def test_search_shows_the_shops_products_in_clerks_order(
    client, shop_store, boots, clerk_api, settings
):
    # With tracking consent the call carries the session's visitor (without: one per request)
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": True}
    response = client.get("/find/", {"q": "boot"})
    assert response.status_code == 200
    # Clerk (the fake) answers by id; the shop's own ordering is by name, the other way round
    assert pks(response) == [boots[0].pk, boots[1].pk]
    assert response.context["count"] == 5
    assert response.context["clerk_failed"] is False
    page = response.context["page_obj"]
    assert page.number == 1 and page.has_next() and not page.has_previous()
    assert response.context["paginator"].num_pages == 3
    (call,) = clerk_api.calls("POST", "search/search")
    params = call.params
    assert params["query"] == "boot" and params["limit"] == 2 and params["offset"] == 0
    assert params["labels"] == ["Search page (server)"]
    assert params["key"] == shop_store.public_key and "private_key" not in params
    assert params["visitor"] == client.session["clerk_visitor"]
    assert params["facets"] == ["price", "categories", "brand"]


def test_page_two_asks_clerk_for_the_next_offset(client, shop_store, boots, clerk_api):
    response = client.get("/find/", {"q": "boot", "page": "2"})
    assert pks(response) == [boots[2].pk, boots[3].pk]
    assert clerk_api.calls("POST", "search/search")[0].params["offset"] == 2
    assert response.context["page_obj"].has_previous()
    assert client.get("/find/", {"q": "boot", "page": "9"}).status_code == 404
    assert client.get("/find/", {"q": "boot", "page": "x"}).status_code == 404


def test_facet_choices_in_the_url_become_clerks_filter(client, shop_store, boots, clerk_api):
    response = client.get(
        "/find/?q=boot&f_brand=Acme&f_brand=O%27Neil&f_price=10..20&f_unknown=1&f_categories=7"
    )
    assert response.status_code == 200
    assert response.context["selection"] == {
        "brand": ["Acme", "O'Neil"],
        "price": ["10..20"],
        "categories": ["7"],
    }
    sent = clerk_api.calls("POST", "search/search")[0].params["filter"]
    assert sent == (
        'brand in ["Acme", "O\'Neil"] and (price >= 10 and price <= 20) and categories in [7]'
    )


def test_facets_from_clerks_answer_and_choosing_one(client, shop_store, boots, clerk_api):
    response = client.get("/find/", {"q": "boot"})
    groups = {g.attribute: g for g in response.context["facets"]}
    assert list(groups) == ["price", "categories"]  # the store's order; no product has a brand
    (shoes,) = groups["categories"].choices
    shoes_pk = str(boots[0].categories.get().pk)
    assert (shoes.value, shoes.count, shoes.selected) == (shoes_pk, 5, False)
    cheapest = groups["price"].choices[0]
    assert (cheapest.value, cheapest.count) == ("10", 1)
    # following the choice's URL narrows the results (the fake Clerk applies the filter)
    response = client.get("/find/" + cheapest.url)
    assert pks(response) == [boots[0].pk] and response.context["count"] == 1
    assert clerk_api.calls("POST", "search/search")[-1].params["filter"] == "price in [10]"
    (chosen,) = response.context["facets"][0].selected
    assert chosen.value == "10" and "f_price" not in chosen.url  # choosing again deselects
    assert b'class="clerk-facet selected"' in response.content


def test_answers_are_cached_briefly_without_any_key_in_the_cache_key(
    client, shop_store, boots, clerk_api, settings
):
    client.get("/find/", {"q": "boot"})
    client.get("/find/", {"q": "boot"})
    assert clerk_api.count("search/search") == 1
    client.get("/find/", {"q": "yak"})
    assert clerk_api.count("search/search") == 2
    settings.CLERK = {**settings.CLERK, "SEARCH": {"CACHE_SECONDS": 0}}
    client.get("/find/", {"q": "boot"})
    assert clerk_api.count("search/search") == 3


def test_clerk_timing_out_shows_the_shops_own_listing(
    client, shop_store, boots, clerk_api, settings
):
    settings.CLERK = {**settings.CLERK, "SEARCH": {"TIMEOUT": 0.3}}
    clerk_api.hang(2, path="search/search")
    response = client.get("/find/", {"q": "boot"})
    assert response.status_code == 200
    assert response.context["clerk_failed"] is True
    assert pks(response) == [boots[0].pk, boots[1].pk]  # the fallback, by pk
    assert response.context["count"] == 5 and response.context["facets"] == []
    assert b"clerk-results-fallback" in response.content
    assert clerk_api.count("search/search") == 1  # one attempt, no retries


def test_clerk_down_or_refusing_shows_the_fallback_too(client, shop_store, boots, clerk_api):
    clerk_api.go_down("503")
    assert client.get("/find/", {"q": "yak"}).context["clerk_failed"] is True
    clerk_api.come_up()
    clerk_api.error_next(1, "AuthenticationError", path="search/search")
    response = client.get("/find/", {"q": "wool"})
    assert response.context["clerk_failed"] is True
    assert pks(response) == [boots[3].pk]


def test_without_a_public_key_the_fallback_shows_and_clerk_is_not_asked(
    client, make_store, boots, clerk_api
):
    make_store(code="default", public_key="")
    response = client.get("/find/", {"q": "zeta"})
    assert response.context["clerk_failed"] is True and pks(response) == [boots[0].pk]
    assert clerk_api.count() == 0


def test_an_empty_query_asks_nothing(client, shop_store, boots, clerk_api):
    response = client.get("/find/", {"q": "  "})
    assert response.status_code == 200 and pks(response) == []
    assert clerk_api.count() == 0


def test_unpublished_and_unknown_ids_are_left_out(client, shop_store, boots, clerk_api):
    boots[0].is_published = False
    boots[0].save()
    clerk_api.set_products(
        [{"id": 999999, "name": "Ghost boot"}, *({"id": p.pk, "name": p.name} for p in boots)]
    )
    response = client.get("/find/", {"q": "boot"})
    assert pks(response) == [boots[1].pk]  # Clerk sent boots[0] and boots[1]


def test_category_page_uses_the_category_logic(client, shop_store, boots, clerk_api):
    category = boots[0].categories.get()
    response = client.get(f"/browse/{category.slug}/", {"f_price": "10..12"})
    assert response.status_code == 200
    assert pks(response) == [boots[0].pk, boots[1].pk]
    assert response.context["category"] == category
    (call,) = clerk_api.calls("POST", "recommendations/category/popular")
    assert call.params["category"] == category.pk
    assert call.params["labels"] == ["Category page (server)"]
    assert call.params["filter"] == "(price >= 10 and price <= 12)"


def test_category_page_falls_back_when_clerk_fails(client, shop_store, boots, clerk_api):
    category = boots[0].categories.get()
    clerk_api.go_down()
    response = client.get(f"/browse/{category.slug}/", {"page": "3"})
    assert response.context["clerk_failed"] is True
    assert pks(response) == [boots[4].pk]


def test_a_broken_cache_does_not_break_the_page(client, shop_store, boots, clerk_api, monkeypatch):
    from django_clerk.search import calls

    class BrokenCache:  # e.g. a Redis that is down; only the answers' cache here
        def get(self, *args):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(calls, "cache", BrokenCache())
    response = client.get("/find/", {"q": "boot"})
    assert response.context["clerk_failed"] is False and len(pks(response)) == 2
    client.get("/find/", {"q": "boot"})
    assert clerk_api.count("search/search") == 2  # nothing was cached


def test_the_cache_key_is_a_hash_holding_no_key(shop_store):
    from django_clerk.search.calls import CACHE_PREFIX, ClerkCalls

    key = ClerkCalls(shop_store).cache_key("search/search", {"query": "boot"})
    assert key.startswith(CACHE_PREFIX) and len(key) == len(CACHE_PREFIX) + 64
    assert shop_store.public_key not in key
    other = ClerkCalls(shop_store).cache_key("search/search", {"query": "boots"})
    assert other != key


def test_too_many_facet_choices_show_the_page_unfiltered(client, shop_store, boots, clerk_api):
    from django_clerk.search.facets import MAX_CHOICES

    choices = [f"Brand {n}" for n in range(MAX_CHOICES + 5)]
    response = client.get("/find/", {"q": "boot", "f_brand": choices})
    assert response.status_code == 200 and response.context["selection"] == {}
