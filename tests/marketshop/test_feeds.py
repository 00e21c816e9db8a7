"""The feeds of the market shop: legacy and Feed V2 crawls over several pages of every
entity (pages from two sources), in an English and a Danish store."""

from __future__ import annotations

import json
from typing import Any

import pytest

from django_clerk.mapping import clerk_id, get_serializers, problems
from tests.marketshop.conftest import DANISH_KEYS, KEYS, Catalogue
from tests.marketshop.models import Product, ProductTranslation, Sku

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
    """The feed's ids straight from the database: source after source, in key order."""
    return [
        str(clerk_id(serializer, pk))
        for serializer in get_serializers(entity)
        for pk in serializer.feed_queryset(store).values_list("pk", flat=True)
    ]


def legacy_page(
    client: Any, endpoint: str, page: int, limit: int, keys: dict[str, str] = KEYS
) -> list[dict[str, Any]]:
    response = client.get(f"/clerk/{endpoint}", {**keys, "page": page, "limit": limit})
    assert response.status_code == 200, response.content
    return response.json()


def crawl_legacy(
    client: Any, endpoint: str, limit: int, keys: dict[str, str] = KEYS
) -> list[dict[str, Any]]:
    """Clerk's importer on the extension endpoints: page 1, 2... until an empty page."""
    seen: list[dict[str, Any]] = []
    page = 1
    while batch := legacy_page(client, endpoint, page, limit, keys):
        assert len(batch) <= limit
        seen += batch
        page += 1
    return seen


def v2_page(client: Any, token: str, entity: str, accept: str = "", **params: Any) -> Any:
    headers = {"HTTP_X_CLERK_AUTHORIZATION": f"Bearer {token}"}
    if accept:
        headers["HTTP_ACCEPT"] = accept
    return client.get(
        f"/clerk/v2/{entity}", {"key": "default-public", **params}, secure=True, **headers
    )


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
def test_legacy_crawl_gets_every_object_once(
    client: Any, catalogue: Catalogue, clerk_store: Any, endpoint: str
) -> None:
    entity = ENTITIES[endpoint]
    limit = page_size(entity)
    seen = crawl_legacy(client, endpoint, limit)
    ids = [item["id"] for item in seen]
    assert all(isinstance(i, str) for i in ids)
    assert ids == expected_ids(entity, clerk_store)  # nothing missing, in order
    assert len(set(ids)) == len(ids) > limit  # no repeats, several pages
    assert all(problems(entity, item) == [] for item in seen)


@pytest.mark.parametrize("entity", list(ENTITIES.values()))
def test_v2_crawl_gets_every_object_once(
    client: Any, catalogue: Catalogue, clerk_store: Any, token: str, entity: str
) -> None:
    limit = page_size(entity)
    seen = crawl_v2(client, token, entity, limit)
    ids = [item["id"] for item in seen]
    assert ids == expected_ids(entity, clerk_store)
    assert len(set(ids)) == len(ids) > limit
    assert all(problems(entity, item) == [] for item in seen)
    assert crawl_v2(client, token, entity, limit) == seen  # stable


def test_pages_from_both_sources(client: Any, catalogue: Catalogue, clerk_store: Any) -> None:
    pages = {p["id"]: p for p in crawl_legacy(client, "page", limit=3)}
    article, post = catalogue.articles[0], catalogue.posts[0]
    assert pages[str(article.pk)] == {
        "id": str(article.pk),
        "type": "cms",
        "url": "https://shop.example.com/pages/about/",
        "title": "About",
        "text": "Who we are",
    }
    assert pages[f"post-{post.pk}"]["url"] == "https://shop.example.com/blog/care/"
    assert pages[f"post-{post.pk}"]["label"] == "News"


def test_the_danish_store_serves_danish_texts_prices_in_units_and_its_host(
    client: Any, catalogue: Catalogue, clerk_store: Any, danish_store: Any
) -> None:
    danish = {p["id"]: p for p in crawl_legacy(client, "product", 10, DANISH_KEYS)}
    english = {p["id"]: p for p in crawl_legacy(client, "product", 10)}
    first, second = catalogue.products[:2]
    item = danish[str(first.pk)]
    assert (item["name"], item["description"]) == ("Støvle 0", "Læder")
    assert item["url"] == "https://shop.example.dk/p/boot-0/"
    assert item["image"] == "https://shop.example.dk/media/products/0-a.jpg"
    assert danish[str(second.pk)]["name"] == "Boot 1"  # no Danish row: the default language
    assert english[str(first.pk)]["name"] == "Boot 0"
    assert item["price"] == english[str(first.pk)]["price"] == 89.95
    assert item["variant_skus"] == ["B-0-S", "B-0-L"] and item["variant_stocks"] == [0, 2]
    assert sorted(item["categories"]) == sorted(str(c.pk) for c in first.categories.all())
    posts = {p["id"]: p for p in crawl_legacy(client, "page", 10, DANISH_KEYS)}
    assert posts[f"post-{catalogue.posts[0].pk}"]["label"] == "Nyt"
    assert posts[f"post-{catalogue.posts[1].pk}"]["label"] == "Offer"


def test_orders_send_unit_prices_from_cents(
    client: Any, catalogue: Catalogue, clerk_store: Any
) -> None:
    orders = {o["id"]: o for o in crawl_legacy(client, "order", limit=10)}
    order = catalogue.orders[1]
    assert orders[str(order.pk)]["customer"] == str(order.customer_id)
    assert orders[str(order.pk)]["products"] == [
        {
            "id": str(line.product_id),
            "quantity": line.quantity,
            "price": line.unit_price_cents / 100,
        }
        for line in order.lines.order_by("quantity")
    ]
    guest = orders[str(catalogue.orders[2].pk)]
    assert "customer" not in guest and guest["email"] == "guest@example.com"


def test_a_store_without_out_of_stock_products_crawls_each_in_stock_product_once(
    client: Any, catalogue: Catalogue, make_store: Any, clerk_api: Any
) -> None:
    make_store(code="instock", legacy_auth=True)
    keys = {"key": "instock-public", "private_key": "instock-private"}
    ids = [p["id"] for p in crawl_legacy(client, "product", 3, keys)]
    in_stock = Product.objects.filter(skus__stock__gt=0).distinct().order_by("pk")
    assert ids == [str(pk) for pk in in_stock.values_list("pk", flat=True)]
    assert 0 < len(ids) < len(catalogue.products)


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


def test_changed_rows_of_the_tables_show_in_the_next_crawl(
    client: Any, catalogue: Catalogue, clerk_store: Any
) -> None:
    product = catalogue.products[0]
    ProductTranslation.objects.filter(product=product, language="en").update(name="Renamed")
    Sku.objects.filter(product=product).update(price_cents=1050)
    product.images.filter(position=2).update(position=0)
    (item,) = [p for p in crawl_legacy(client, "product", 10) if p["id"] == str(product.pk)]
    assert (item["name"], item["price"]) == ("Renamed", 10.5)
    assert item["image"] == "https://shop.example.com/media/products/0-b.jpg"
