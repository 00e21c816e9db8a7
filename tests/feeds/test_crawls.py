"""Each served crawl is recorded once per store and entity."""

from __future__ import annotations

from django_clerk.models import FeedCrawl
from tests.feeds.conftest import legacy


def crawl(client, endpoint, limit, store_code="default", first_page=1):
    page, total = first_page, 0
    while True:
        batch = legacy(client, endpoint, store_code, page=page, limit=limit).json()
        total += len(batch)
        if len(batch) < limit:
            return total
        page += 1


def test_a_crawl_is_one_record(client, en, da):
    total = crawl(client, "product", limit=10)
    crawl(client, "category", limit=100)
    crawl(client, "product", limit=10, store_code="da")
    record = FeedCrawl.objects.get(store=en, entity="products")
    assert record.protocol == "legacy" and not record.incremental
    assert record.items == total and record.pages == total // 10 + 1
    assert record.is_finished and record.duration > 0
    assert FeedCrawl.objects.filter(store=da, entity="products").count() == 1
    assert FeedCrawl.objects.filter(store=en, entity="categories", pages=1).count() == 1


def test_importer_counting_pages_from_zero_is_one_crawl(client, en):
    crawl(client, "category", limit=5, first_page=0)
    assert FeedCrawl.objects.filter(entity="categories").count() == 1
