"""The feeds of a UUID-keyed shop: legacy and Feed V2 crawls over several pages, string ids,
stable order, no repeats; pages keyed by 255-character paths."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from django_clerk.mapping import get_serializer, problems
from tests.uuidshop.conftest import KEYS, LONG_PATH, Catalogue
from tests.uuidshop.models import Product

pytestmark = pytest.mark.django_db
ENTITIES = {"product": "products", "category": "categories", "order": "orders",
            "customer": "customers", "page": "pages"}  # fmt: skip


def page_size(entity: str) -> int:
    """Small enough for several pages of every entity of the catalogue."""
    return 4 if entity == "products" else 1


@pytest.fixture
def token(clerk_api: Any, clerk_store: Any) -> str:
    return clerk_api.issue_token("default-public")


def expected_ids(entity: str, store: Any) -> list[str]:
    """The feed's ids straight from the database, as strings, in primary-key order."""
    pks = get_serializer(entity).feed_queryset(store).values_list("pk", flat=True)
    return [str(pk) for pk in pks]


def legacy_page(client: Any, endpoint: str, page: int, limit: int) -> list[dict[str, Any]]:
    response = client.get(f"/clerk/{endpoint}", {**KEYS, "page": page, "limit": limit})
    assert response.status_code == 200, response.content
    return response.json()


def v2_page(client: Any, token: str, entity: str, accept: str = "", **params: Any) -> Any:
    headers = {"HTTP_X_CLERK_AUTHORIZATION": f"Bearer {token}"}
    if accept:
        headers["HTTP_ACCEPT"] = accept
    return client.get(
        f"/clerk/v2/{entity}", {"key": "default-public", **params}, secure=True, **headers
    )


def crawl_legacy(client: Any, endpoint: str, limit: int) -> list[dict[str, Any]]:
    """Clerk's importer on the extension endpoints: page 1, 2... until an empty page."""
    seen: list[dict[str, Any]] = []
    page = 1
    while batch := legacy_page(client, endpoint, page, limit):
        assert len(batch) <= limit
        seen += batch
        page += 1
    return seen


def crawl_v2(client: Any, token: str, entity: str, limit: int) -> list[dict[str, Any]]:
    """Clerk's importer on Feed V2: offset += limit until an empty array."""
    seen: list[dict[str, Any]] = []
    offset = 0
    while True:
        response = v2_page(client, token, entity, limit=limit, offset=offset)
        assert response.status_code == 200, response.content
        if not (batch := response.json()):
            return seen
        seen += batch
        offset += limit


@pytest.mark.parametrize("endpoint", list(ENTITIES))
def test_legacy_crawl_gets_every_object_once_with_string_ids(
    client: Any, catalogue: Catalogue, clerk_store: Any, endpoint: str
) -> None:
    entity = ENTITIES[endpoint]
    limit = page_size(entity)
    seen = crawl_legacy(client, endpoint, limit)
    ids = [item["id"] for item in seen]
    assert all(isinstance(i, str) for i in ids)
    assert ids == expected_ids(entity, clerk_store)  # primary-key order, nothing missing
    assert len(set(ids)) == len(ids) > limit  # no repeats, several pages
    assert all(problems(entity, item) == [] for item in seen)


@pytest.mark.parametrize("entity", list(ENTITIES.values()))
def test_v2_crawl_gets_every_object_once_with_string_ids(
    client: Any, catalogue: Catalogue, clerk_store: Any, token: str, entity: str
) -> None:
    limit = page_size(entity)
    seen = crawl_v2(client, token, entity, limit)
    ids = [item["id"] for item in seen]
    assert all(isinstance(i, str) for i in ids)
    assert ids == expected_ids(entity, clerk_store)
    assert len(set(ids)) == len(ids) > limit
    assert [item["id"] for item in crawl_v2(client, token, entity, limit)] == ids  # stable


def test_product_references_are_uuid_strings(
    client: Any, catalogue: Catalogue, clerk_store: Any
) -> None:
    products = {p["id"]: p for p in crawl_legacy(client, "product", limit=10)}
    first = catalogue.products[0]
    item = products[str(first.pk)]
    assert item["url"] == f"https://shop.example.com/p/{first.pk}/"
    assert sorted(item["categories"]) == sorted(str(c.pk) for c in first.categories.all())
    assert all(uuid.UUID(i) for i in item["categories"])  # canonical UUID text
    orders = {o["id"]: o for o in crawl_legacy(client, "order", limit=10)}
    order = catalogue.orders[1]
    assert orders[str(order.pk)]["customer"] == str(order.customer_id)
    assert orders[str(order.pk)]["products"] == [
        {"id": str(line.product_id), "quantity": line.quantity, "price": float(line.unit_price)}
        for line in order.lines.order_by("quantity")
    ]
    categories = {c["id"]: c for c in crawl_legacy(client, "category", limit=10)}
    root, boots, sandals = catalogue.categories
    assert sorted(categories[str(root.pk)]["subcategories"]) == sorted(
        [str(boots.pk), str(sandals.pk)]
    )
    assert categories[str(boots.pk)]["parent"] == str(root.pk)


@pytest.mark.parametrize("crawl", ["legacy", "v2"])
def test_a_product_leaving_mid_crawl_skips_no_other(
    client: Any, catalogue: Catalogue, clerk_store: Any, token: str, crawl: str
) -> None:
    """Each page is read after the last UUID of the page before: a product leaving the
    feed between two pages shifts no other product out of the crawl."""

    def read(number: int) -> list[dict[str, Any]]:
        if crawl == "legacy":
            return legacy_page(client, "product", number + 1, 5)
        response = v2_page(client, token, "products", limit=5, offset=number * 5)
        assert response.status_code == 200, response.content
        return response.json()

    everything = expected_ids("products", clerk_store)
    seen = read(0) + read(1)
    Product.objects.filter(pk=seen[2]["id"]).update(is_published=False)
    number = 2
    while batch := read(number):
        seen += batch
        number += 1
    ids = [item["id"] for item in seen]
    assert ids == everything and len(set(ids)) == len(ids)


def test_v2_stream_and_modified_after(
    client: Any, catalogue: Catalogue, clerk_store: Any, token: str
) -> None:
    response = v2_page(client, token, "products", limit="all", accept="application/x-ndjson")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = [json.loads(line) for line in body.decode().splitlines() if line]
    assert [item["id"] for item in lines] == expected_ids("products", clerk_store)
    changed = catalogue.products[7]
    Product.objects.exclude(pk=changed.pk).update(updated_at="2020-01-01T00:00:00Z")
    recent = v2_page(client, token, "products", modified_after="2024-01-01T00:00:00Z")
    assert [p["id"] for p in recent.json()] == [str(changed.pk)]


def test_long_string_page_ids(client: Any, catalogue: Catalogue, token: str) -> None:
    pages = {p["id"]: p for p in crawl_v2(client, token, "pages", limit=1)}
    assert len(LONG_PATH) == 255
    assert pages[LONG_PATH]["url"] == f"https://shop.example.com/{LONG_PATH}"
    assert pages["blog/2025/boots"]["type"] == "blog"
