"""Crawl cursors: each crawl keeps its own, whatever the type of the primary keys."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import RequestFactory
from shop.models import Product

from django_clerk.feeds.crawls import crawl_scope
from django_clerk.feeds.pagination import key_from_text
from django_clerk.mapping import get_serializer
from django_clerk.models import FeedCrawl, FeedCursor, Store
from tests.feeds.conftest import KEYS


class Importer:
    """One importer crawling a legacy endpoint page by page, from its own address."""

    def __init__(self, client: Any, entity: str, address: str, limit: int, **headers: Any):
        self.client, self.entity, self.limit = client, entity, limit
        self.headers = {"REMOTE_ADDR": address, **headers}
        self.page, self.ids, self.done = 1, [], False

    def step(self) -> list[Any]:
        public, private = KEYS["default"]
        params = {"key": public, "private_key": private, "page": self.page, "limit": self.limit}
        response = self.client.get(f"/clerk/{self.entity}", params, **self.headers)
        assert response.status_code == 200, response.content
        batch = [item["id"] for item in response.json()]
        self.ids += batch
        self.page += 1
        self.done = len(batch) < self.limit
        return batch

    def finish(self) -> list[Any]:
        while not self.done:
            self.step()
        return self.ids


def feed_ids(store: Store, entity: str = "products") -> list[Any]:
    return list(get_serializer(entity).feed_queryset(store).values_list("pk", flat=True))


def test_interleaved_crawls_do_not_share_cursors(client, en):
    before = feed_ids(en)
    first = Importer(client, "product", "10.0.0.1", limit=10)
    second = Importer(client, "product", "10.0.0.2", limit=10)
    seen_by_first = first.step()
    Product.objects.filter(pk=seen_by_first[0]).update(stock=0)  # leaves the feed
    second.step()  # the same offsets, one product further on
    assert FeedCursor.objects.count() == 2
    first.finish()
    second.finish()
    stayed = [pk for pk in before if pk != seen_by_first[0]]
    for importer in (first, second):
        crawled = [pk for pk in importer.ids if pk != seen_by_first[0]]
        assert crawled == stayed  # every product that stayed, once, in order
    assert not FeedCursor.objects.filter(finished=False).exists()
    assert first.step() == second.step() == []  # the empty page that confirms the end
    assert FeedCursor.objects.count() == 0  # then the cursors are deleted
    records = FeedCrawl.objects.filter(entity="products").order_by("pk")
    assert [r.items for r in records] == [len(first.ids), len(second.ids)]
    assert [r.pages for r in records] == [len(first.ids) // 10 + 1, len(second.ids) // 10 + 1]
    assert all(r.is_finished for r in records)


def test_without_a_cursor_a_page_is_read_by_offset(client, en):
    """The fallback: a page asked out of order (or after its cursor is gone) is the same
    page as ``OFFSET`` reads, and the crawl goes on by key from there."""
    everything = feed_ids(en)
    importer = Importer(client, "product", "10.0.0.1", limit=7)
    importer.page = 3
    assert importer.step() == everything[14:21]
    cursor = FeedCursor.objects.get()
    assert (cursor.offset, cursor.after, cursor.crawl_id) == (21, str(everything[20]), None)
    Product.objects.filter(pk=everything[0]).update(stock=0)  # OFFSET would skip one now
    assert importer.step() == everything[21:28]
    assert not FeedCrawl.objects.exists()  # a crawl not seen starting is not recorded


def test_a_page_asked_again_is_read_from_the_same_key(client, en):
    everything = feed_ids(en)
    importer = Importer(client, "product", "10.0.0.1", limit=10)
    importer.step()
    assert importer.step() == everything[10:20]
    Product.objects.filter(pk=everything[3]).update(stock=0)
    importer.page = 2  # the importer retries page 2
    assert importer.step() == everything[10:20]
    assert importer.step() == everything[20:30]
    assert FeedCursor.objects.get().pages == 3  # the repeated page is not counted


@pytest.mark.parametrize(
    "change",
    [
        {"REMOTE_ADDR": "10.0.0.2"},
        {"HTTP_X_FORWARDED_FOR": "192.0.2.7, 10.0.0.1"},
        {"HTTP_USER_AGENT": "Clerk importer 2"},
        {"HTTP_X_CLERK_AUTHORIZATION": "Bearer another"},
        {"private_key": "another-private"},
        {"entity": "categories"},
        {"protocol": "v2"},
        {"modified_after": "1700000000"},
    ],
)
def test_scope_tells_crawls_apart(en, change):
    def scope(**values: Any) -> str:
        params = {"key": "pub-en", "private_key": "priv-en-secret"}
        filters: dict[str, str] = {}
        meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_USER_AGENT": "Clerk importer"}
        for name, value in values.items():
            if name in params:
                params[name] = value
            elif name == "modified_after":
                filters[name] = value
            elif name not in ("entity", "protocol"):
                meta[name] = value
        request = RequestFactory().get("/clerk/product", **meta)
        return crawl_scope(
            request,
            params,
            protocol=values.get("protocol", "legacy"),
            entity=values.get("entity", "products"),
            filters=filters,
        )

    assert scope() == scope()
    assert scope(**change) != scope()
    assert len(scope()) == 64 and "priv-en-secret" not in scope()


def test_a_changed_store_does_not_use_its_old_cursor(client, en):
    importer = Importer(client, "product", "10.0.0.1", limit=10)
    importer.step()
    importer.step()
    kept = FeedCursor.objects.get()
    assert kept.store_updated_at == en.updated_at
    en.include_out_of_stock = True  # the feed's contents change: old positions mean nothing
    en.save()
    # Page 3 of the changed feed is read by offset, not after the old cursor's key.
    assert importer.step() == feed_ids(en)[20:30]
    cursor = FeedCursor.objects.get()
    assert cursor.store_updated_at == en.updated_at and cursor.crawl_id is None
    record = FeedCrawl.objects.get(pk=kept.crawl_id)  # the old crawl's counters are kept
    assert (record.pages, record.items) == (2, 20)


# -- primary keys of other types ----------------------------------------------------------


def test_key_from_text_uses_the_primary_key_field():
    from tests.othershop.models import Article
    from tests.uuidshop.models import Product as UUIDProduct

    key = uuid.uuid4()
    assert key_from_text(UUIDProduct, str(key)) == key
    assert key_from_text(Article, "5700000000001") == "5700000000001"
    assert key_from_text(Product, "42") == 42
    assert key_from_text(Product, "not a number") is None  # read by offset instead
    assert key_from_text(Product, None) is None


def crawl_with_a_removal(client: Any, remove: Any, limit: int = 4) -> tuple[list[Any], Any]:
    """Crawl products; after the first page, take its first product out of the feed."""
    importer = Importer(client, "product", "10.0.0.1", limit=limit)
    first = importer.step()
    removed = first[0]
    remove(removed)
    return importer.finish(), removed


@pytest.mark.django_db
def test_string_primary_keys(client, make_store, settings):
    from tests.othershop.clerk import SERIALIZERS
    from tests.othershop.models import Article

    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}
    public, private = KEYS["default"]
    make_store(code="default", public_key=public, private_key=private, legacy_auth=True)
    for i in range(11):
        Article.objects.create(
            ean=f"57{i * 7919 % 100:011d}",
            title=f"Chair {i}",
            net_cost=Decimal("80.00"),
            first_listed=datetime.date(2024, 1, 2),
            on_hand=5,
        )
    everything = sorted(Article.objects.values_list("ean", flat=True))
    ids, removed = crawl_with_a_removal(
        client, lambda ean: Article.objects.filter(ean=ean).update(on_hand=0)
    )
    assert ids == everything and removed == everything[0]


@pytest.mark.django_db
def test_uuid_primary_keys(client, make_store, settings):
    from tests.uuidshop.clerk import SERIALIZERS
    from tests.uuidshop.models import Product as UUIDProduct

    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}
    public, private = KEYS["default"]
    make_store(code="default", public_key=public, private_key=private, legacy_auth=True)
    for i in range(11):
        UUIDProduct.objects.create(
            name=f"Boot {i}", price=Decimal("99.95"), image=f"boots/{i}.jpg", stock=3
        )
    everything = [str(pk) for pk in UUIDProduct.objects.order_by("pk").values_list("pk", flat=True)]
    ids, removed = crawl_with_a_removal(
        client, lambda pk: UUIDProduct.objects.filter(pk=pk).update(stock=0)
    )
    assert ids == everything and removed == everything[0]
