"""Each crawl is recorded once; its cursor lives in the database until the crawl ends."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from shop.models import Product

from django_clerk.feeds.crawls import forget_idle_cursors
from django_clerk.mapping import get_serializer
from django_clerk.models import FeedCrawl, FeedCursor
from tests.feeds.conftest import KEYS, legacy


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


def page_of(client, endpoint, page, limit, address="10.0.0.1"):
    public, private = KEYS["default"]
    params = {"key": public, "private_key": private, "page": page, "limit": limit}
    response = client.get(f"/clerk/{endpoint}", params, REMOTE_ADDR=address)
    assert response.status_code == 200, response.content
    return response.json()


def test_concurrent_crawls_of_one_feed_have_their_own_records(client, en):
    for page in (1, 2):
        for address in ("10.0.0.1", "10.0.0.2"):
            page_of(client, "product", page, 10, address)
    assert FeedCursor.objects.count() == 2
    assert sorted(FeedCursor.objects.values_list("pages", "items")) == [(2, 20), (2, 20)]
    records = FeedCrawl.objects.all()
    assert len(records) == 2 and not any(r.is_finished for r in records)


def test_idle_cursors_are_deleted_their_counts_kept(client, en, settings):
    settings.CLERK = {**settings.CLERK, "FEED_CURSOR_IDLE_SECONDS": 600}
    for page in (1, 2, 3):
        page_of(client, "product", page, 10, "10.0.0.1")
    page_of(client, "product", 1, 10, "10.0.0.2")
    abandoned = FeedCursor.objects.get(pages=3)
    FeedCursor.objects.filter(pk=abandoned.pk).update(
        updated_at=timezone.now() - datetime.timedelta(seconds=601)
    )
    FeedCursor.objects.exclude(pk=abandoned.pk).update(
        updated_at=timezone.now() - datetime.timedelta(seconds=599)
    )
    page_of(client, "category", 1, 5, "10.0.0.3")  # any crawl start cleans up
    assert not FeedCursor.objects.filter(pk=abandoned.pk).exists()
    assert FeedCursor.objects.filter(pages=1, entity="products").count() == 1  # not idle yet
    record = FeedCrawl.objects.get(pk=abandoned.crawl_id)
    assert (record.pages, record.items, record.is_finished) == (3, 30, False)


def test_forget_idle_cursors_does_a_bounded_number_of_queries(
    client, en, django_assert_num_queries
):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        page_of(client, "product", 1, 10, address)
    FeedCursor.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1))
    with django_assert_num_queries(3):  # read them, write their records, delete them
        assert forget_idle_cursors() == 3
    with django_assert_num_queries(1):
        assert forget_idle_cursors() == 0
    assert FeedCrawl.objects.filter(pages=1, items=10).count() == 3


def test_a_restarted_crawl_is_a_new_record(client, en):
    for page in (1, 2, 3):
        page_of(client, "product", page, 10)
    for page in (1, 2):
        page_of(client, "product", page, 10)
    first, second = FeedCrawl.objects.order_by("pk")
    assert (first.pages, first.items) == (3, 30)  # written when the importer started over
    assert FeedCursor.objects.get().crawl_id == second.pk
    assert FeedCursor.objects.get().pages == 2


@pytest.mark.parametrize("limit", [5, 15])
def test_the_cursor_is_read_with_the_stores_and_moved_whatever_the_limit(client, en, limit):
    page_of(client, "product", 1, limit)
    with CaptureQueriesContext(connection) as captured:
        page_of(client, "product", 2, limit)
    ours = [q["sql"] for q in captured.captured_queries if "django_clerk_feed" in q["sql"]]
    stores = [q["sql"] for q in captured.captured_queries if "django_clerk_store" in q["sql"]]
    assert len(ours) == 2 and stores == ours[:1]  # one SELECT reads the stores and the cursor
    assert ours[0].startswith("SELECT") and ours[1].startswith("UPDATE")


def test_nothing_about_crawls_is_cached(client, en):
    page_of(client, "product", 1, 10)
    cache.clear()  # another process: it has nothing of this one's cache
    everything = list(
        get_serializer("products").feed_queryset(en).values_list("pk", flat=True)[:20]
    )
    Product.objects.filter(pk=everything[0]).update(stock=0)
    assert [item["id"] for item in page_of(client, "product", 2, 10)] == everything[10:20]
    assert FeedCrawl.objects.get().pages == 1 and FeedCursor.objects.get().pages == 2


def test_admin_shows_the_counters_of_a_running_crawl(admin_client, en):
    for page in (1, 2, 3):
        page_of(admin_client, "product", page, 7)
    response = admin_client.get("/admin/django_clerk/feedcrawl/")
    assert response.status_code == 200
    row = response.content.decode().split('class="field-pages_served">')[1]
    assert row.startswith("3<")  # from the cursor; the record says 1 until the crawl ends
    assert FeedCrawl.objects.get().pages == 1


def test_cursor_of_a_crawl_ended_by_a_short_page_goes_a_minute_later(client, en):
    total = crawl(client, "product", limit=25)  # stops at the short page, asks no more
    cursor = FeedCursor.objects.get()
    assert cursor.finished and FeedCrawl.objects.get().items == total
    FeedCursor.objects.update(updated_at=timezone.now() - datetime.timedelta(seconds=59))
    page_of(client, "category", 1, 5, "10.0.0.9")
    assert FeedCursor.objects.filter(pk=cursor.pk).exists()
    FeedCursor.objects.update(updated_at=timezone.now() - datetime.timedelta(seconds=61))
    page_of(client, "category", 1, 5, "10.0.0.10")  # a crawl starts: it cleans up
    assert not FeedCursor.objects.filter(pk=cursor.pk).exists()
    assert FeedCrawl.objects.get(entity="products").items == total  # the totals stay
