"""The legacy extension endpoints: authentication, store selection, paging, options, errors."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.cache import cache
from shop.models import Order, Product

from django_clerk.feeds.tokens import cache_key
from django_clerk.mapping import get_serializer
from tests.feeds.conftest import KEYS, legacy

ENDPOINTS = ["product", "category", "order", "customer", "page"]


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def all_ids(entity, store):
    serializer = get_serializer(entity)
    return list(serializer.feed_queryset(store).values_list("pk", flat=True))


# -- authentication -------------------------------------------------------------------------
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("slash", ["", "/"])
def test_query_string_keys(client, en, endpoint, slash):
    public, private = KEYS["default"]
    response = client.get(f"/clerk/{endpoint}{slash}", {"key": public, "private_key": private})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json(), list)


def test_no_credentials_is_401_json(client, en):
    response = client.get("/clerk/product")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "params",
    [
        {"key": "pub-en", "private_key": "wrong"},
        {"key": "unknown", "private_key": "priv-en-secret"},
        {"key": "", "private_key": "priv-en-secret"},
        {"private_key": "priv-en-secret"},
        {"key": "pub-en", "private_key": "priv-da-secret"},  # another store's private key
    ],
)
def test_bad_credentials_are_403_json(client, en, da, params):
    response = client.get("/clerk/product", params)
    assert response.status_code == 403
    assert response.json() == {"error": {"code": 403, "message": "Invalid credentials."}}


def test_body_keys_work_where_key_based_authentication_is_on(client, en):
    body = json.dumps({"key": "pub-en", "private_key": "priv-en-secret"})
    response = client.post("/clerk/product?limit=5", body, content_type="application/json")
    assert ids(response) == all_ids("products", en)[:5]


def test_bearer_token_with_key_in_body(client, en, clerk_api):
    clerk_api.add_store("pub-en", "priv-en-secret")
    token = clerk_api.issue_token("pub-en")
    response = client.post(
        "/clerk/product",
        json.dumps({"key": "pub-en", "limit": 3}),
        content_type="application/json",
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
    )
    assert ids(response) == all_ids("products", en)[:3]
    response = client.post(
        "/clerk/product",
        json.dumps({"key": "pub-en"}),
        content_type="application/json",
        HTTP_X_CLERK_AUTHORIZATION="Bearer forged",
    )
    assert response.status_code == 403


def test_the_key_selects_the_store_and_its_language(client, en, da):
    product = Product.objects.exclude(name_da="").filter(pk__in=all_ids("products", da)).first()
    english = {i["id"]: i["name"] for i in legacy(client, "product", limit=1000).json()}
    danish = {i["id"]: i["name"] for i in legacy(client, "product", "da", limit=1000).json()}
    assert english[product.pk] == product.name
    assert danish[product.pk] == product.name_da


def test_an_inactive_store_is_refused(client, en):
    en.is_active = False
    en.save()
    assert legacy(client, "product").status_code == 403


# -- paging -----------------------------------------------------------------------------------
def test_pages_are_full_stable_and_end_with_an_empty_list(client, en):
    expected = all_ids("products", en)
    assert len(expected) > 20
    seen, page = [], 1
    while True:
        batch = ids(legacy(client, "product", page=page, limit=7))
        if not batch:
            break
        assert len(batch) == 7 or len(seen) + len(batch) == len(expected)
        seen += batch
        page += 1
    assert seen == expected  # every object once, in primary-key order
    assert ids(legacy(client, "product", page=page + 5, limit=7)) == []


def test_page_zero_is_page_one(client, en):
    assert ids(legacy(client, "product", page=0, limit=4)) == ids(
        legacy(client, "product", page=1, limit=4)
    )


def test_keyset_pages_equal_offset_pages(client, en):
    """A page read with the remembered cursor equals the same page read by offset."""
    first_pass = [ids(legacy(client, "product", page=p, limit=9)) for p in (1, 2, 3)]
    cache.clear()
    assert ids(legacy(client, "product", page=3, limit=9)) == first_pass[2]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"page": "-1"}, "page"),
        ({"page": "1e3"}, "page"),
        ({"page": str(10**30)}, "page"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2024-13-45"}, "end_date"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, en, params, name):
    response = legacy(client, "order", **params)
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith(f"{name}:")
    assert "priv-en-secret" not in response.content.decode()


def test_order_date_window(client, en):
    orders = list(Order.objects.order_by("created_at"))
    middle = orders[len(orders) // 2].created_at
    after = ids(legacy(client, "order", start_date=int(middle.timestamp()), limit=1000))
    assert set(after) == {o.pk for o in orders if o.created_at >= middle}
    before = ids(legacy(client, "order", end_date=middle.isoformat(), limit=1000))
    assert set(before) == {o.pk for o in orders if o.created_at <= middle}
    day = middle.date().isoformat()
    whole_day = ids(legacy(client, "order", start_date=day, end_date=day, limit=1000))
    assert set(whole_day) == {o.pk for o in orders if o.created_at.date() == middle.date()}


def test_debug_pretty_prints(client, en):
    compact = legacy(client, "category", limit=2).content
    pretty = legacy(client, "category", limit=2, debug=1).content
    assert b"\n  " in pretty and b"\n" not in compact
    assert json.loads(pretty) == json.loads(compact)


# -- store options --------------------------------------------------------------------------
def test_out_of_stock_products_only_when_included(client, en):
    out_of_stock = set(
        Product.objects.filter(stock__lte=0, is_published=True).values_list("pk", flat=True)
    )
    assert out_of_stock
    assert not out_of_stock & set(ids(legacy(client, "product", limit=1000)))
    en.include_out_of_stock = True
    en.save()
    assert out_of_stock <= set(ids(legacy(client, "product", limit=1000)))


@pytest.mark.parametrize(
    ("endpoint", "option"),
    [("order", "sync_orders"), ("customer", "sync_customers"), ("page", "sync_pages")],
)
def test_entities_served_only_when_their_sync_is_on(client, en, endpoint, option):
    assert ids(legacy(client, endpoint))
    setattr(en, option, False)
    en.save()
    assert ids(legacy(client, endpoint)) == []


def test_emails_only_when_collecting_emails(client, en):
    assert all("email" in o for o in legacy(client, "order").json())
    assert legacy(client, "customer").json()
    en.collect_emails = False
    en.save()
    assert all("email" not in o for o in legacy(client, "order").json())
    assert legacy(client, "customer").json() == []


def test_unmapped_entity_answers_empty_list(client, en, settings):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {"products": "shop.clerk.ProductSerializer"}}
    assert legacy(client, "page").json() == []


# -- errors and secrets ------------------------------------------------------------------------
def test_unexpected_exception_is_json_500_without_secrets(client, en, monkeypatch, caplog):
    from django_clerk.feeds import views

    def boom(self, *args, **kwargs):
        raise RuntimeError("priv-en-secret")

    monkeypatch.setattr(views.EntityFeedView, "render_page", boom)
    with caplog.at_level(logging.DEBUG):
        response = legacy(client, "product")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == 500
    assert b"priv-en-secret" not in response.content
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_private_key_never_in_a_response_or_log(client, en, da, caplog, clerk_api):
    clerk_api.add_store("pub-en", "priv-en-secret")
    token = clerk_api.issue_token("pub-en")
    with caplog.at_level(logging.DEBUG):
        responses = [
            legacy(client, "product", limit=2),
            client.get("/clerk/product", {"key": "pub-en", "private_key": "priv-en-secreT"}),
            legacy(client, "getconfig"),
            legacy(client, "order", limit="x"),
            client.post("/clerk/product", "{bad json", content_type="application/json"),
            client.post(
                "/clerk/product?key=pub-en",
                content_type="application/json",
                HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
            ),
        ]
    assert [r.status_code for r in responses] == [200, 403, 200, 400, 400, 200]
    for response in responses:
        assert b"priv-en-secret" not in response.content
        assert b"priv-da-secret" not in response.content
    for record in caplog.records:
        text = record.getMessage() + str(record.exc_text or "")
        assert "priv-en-secret" not in text and token not in text


def test_invalid_objects_are_served_and_logged(client, en, caplog, settings):
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {"products": "tests.feeds.serializers.ProductWithoutImageSerializer"},
    }
    with caplog.at_level(logging.WARNING, logger="django_clerk.feeds"):
        response = legacy(client, "product", limit=5)
    assert [item["id"] for item in response.json()] == all_ids("products", en)[:5]
    assert "image" not in response.json()[0]
    assert any("5 of 5" in r.getMessage() and "'image'" in r.getMessage() for r in caplog.records)


def test_a_broken_field_is_left_out_without_shortening_the_page(client, en, caplog, monkeypatch):
    """A field that raises for one object is left out of that object and logged; a missing
    link (``brand.name`` of a product without a brand) is just a missing value."""
    from rest_framework import serializers
    from shop.models import Brand

    first, second, third = all_ids("products", en)[:3]
    broken = Brand.objects.create(name="Broken", slug="broken")
    Product.objects.filter(pk=first).update(brand=broken)
    Product.objects.filter(pk=third).update(brand=None)
    to_representation = serializers.CharField.to_representation

    def fails_on_broken(self, value):
        if value == "Broken":
            raise ValueError("cannot render this brand")
        return to_representation(self, value)

    monkeypatch.setattr(serializers.CharField, "to_representation", fails_on_broken)
    with caplog.at_level(logging.WARNING, logger="django_clerk.feeds"):
        data = legacy(client, "product", limit=5).json()
    assert len(data) == 5 and data[0]["id"] == first and "brand" not in data[0]
    assert "brand" in data[1] and data[1]["id"] == second
    assert "brand" not in data[2]
    logged = [r.getMessage() for r in caplog.records if "'brand'" in r.getMessage()]
    assert len(logged) == 1 and "left out of 1 objects" in logged[0]


@pytest.mark.parametrize("limit", [10, 500])
def test_queries_per_page_are_constant(client, en, django_assert_max_num_queries, limit):
    legacy(client, "product", page=1, limit=limit)  # crawl started
    # store, cursor read, 4 for the page (rows, categories, variants, group prices), cursor moved
    with django_assert_max_num_queries(7):
        legacy(client, "product", page=2, limit=limit)
    with django_assert_max_num_queries(8):  # a first page also records the crawl
        legacy(client, "order", page=1, limit=limit)


def test_token_cache_key_holds_no_token():
    assert "secret-token" not in cache_key("pub", "secret-token")
