"""The feed of an entity with several sources: the sources one after the other, a page
spanning two of them, every object exactly once while the sources change between pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_clerk.models import FeedCursor
from tests.sources.conftest import KEYS, feed_ids

LIMITS = [1, 3, 7, 23, 25, 50]


def legacy_page(client: Any, page: int, limit: int, address: str = "10.0.0.1") -> list[str]:
    params = {"key": KEYS[0], "private_key": KEYS[1], "page": page, "limit": limit}
    response = client.get("/clerk/page", params, REMOTE_ADDR=address)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def v2_page(client: Any, token: str, offset: int, limit: Any) -> Any:
    return client.get(
        "/clerk/v2/pages",
        {"key": KEYS[0], "offset": offset, "limit": limit},
        secure=True,
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def token(clerk_api: Any, store: Any) -> str:
    clerk_api.add_store(*KEYS)
    return clerk_api.issue_token(KEYS[0])


@pytest.mark.parametrize("limit", LIMITS)
def test_legacy_crawl_serves_both_sources_once(client, pages, limit):
    seen, page = [], 1
    while True:
        batch = legacy_page(client, page, limit)
        seen += batch
        if len(batch) < limit:
            break
        page += 1
    assert seen == feed_ids()
    assert all(isinstance(item, str) for item in seen)  # one id type for the entity
    assert sum(item.startswith("blog-") for item in seen) == 17


@pytest.mark.parametrize("limit", LIMITS)
def test_v2_crawl_serves_both_sources_once(client, pages, token, limit):
    seen, offset = [], 0
    while True:
        response = v2_page(client, token, offset, limit)
        assert response.status_code == 200, response.content
        batch = [item["id"] for item in response.json()]
        if not batch:
            break
        seen += batch
        offset += limit
    assert seen == feed_ids()


@pytest.mark.parametrize("limit", [3, 7, 20, 23])
@pytest.mark.parametrize("kind", ["cms", "blog"])
def test_changes_in_either_source_between_pages(client, pages, make_page, limit, kind):
    """Objects added and removed in either source while a crawl runs: what stayed is served
    exactly once and in order; what was added after the crawl passed is not missed when it
    lands behind the crawl's position in a source it has not reached."""
    before = feed_ids()
    seen, page, added, removed = [], 1, [], []
    while True:
        batch = legacy_page(client, page, limit)
        seen += batch
        if len(batch) < limit:
            break
        page += 1
        # Remove an object already served and one not served yet; add one to each source.
        served = [pk for pk in pages[kind] if clerk_id(pk) in seen and pk.is_published]
        ahead = [pk for pk in pages[kind] if clerk_id(pk) not in seen and pk.is_published]
        for gone in (served[:1] + ahead[-1:])[: 2 if page % 2 else 1]:
            gone.is_published = False
            gone.save()
            removed.append(clerk_id(gone))
        added.append(clerk_id(make_page("blog" if page % 2 else "cms")))
    assert len(seen) == len(set(seen)), "an object was served twice"
    stayed = [item for item in before if item not in removed]
    assert [item for item in seen if item in stayed] == stayed
    new_at_end = [item for item in added if item in feed_ids()]
    # Added objects have higher keys than any before: each lands at the end of its source;
    # the crawl serves those of the blog source (read last) and those of the CMS source
    # added before the crawl left it.
    assert [item for item in new_at_end if item.startswith("blog-")] == [
        item for item in seen if item in new_at_end and item.startswith("blog-")
    ]


def clerk_id(page: Any) -> str:
    return f"blog-{page.pk}" if page.kind == "blog" else str(page.pk)


def test_cursor_keeps_the_source_with_the_key(client, pages):
    cms = pages["cms"]
    assert legacy_page(client, 1, 20) == feed_ids()[:20]
    assert FeedCursor.objects.get().after == f"0:{cms[19].pk}"
    assert legacy_page(client, 2, 20) == feed_ids()[20:40]
    blog = pages["blog"]
    assert FeedCursor.objects.get().after == f"1:{blog[16].pk}"


def test_offset_fallback_counts_the_sources_before(client, pages):
    """A page asked without a cursor (out of order) is read by offset: one COUNT for the
    source before it, then the rows of the sources the page touches."""
    everything = feed_ids()
    with CaptureQueriesContext(connection) as queries:
        assert legacy_page(client, 3, 10) == everything[20:30]  # spans the boundary (23)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert legacy_page(client, 4, 10) == everything[30:40]  # by key from there


def test_queries_per_page_are_constant(client, pages, make_page):
    """A page costs the same whatever the sources hold and whichever sources it spans."""

    def crawl(address: str, limit: int) -> list[int]:
        costs, page = [], 1
        while True:
            with CaptureQueriesContext(connection) as queries:
                batch = legacy_page(client, page, limit, address)
            costs.append(len(queries.captured_queries))
            if len(batch) < limit:
                return costs
            page += 1

    small = crawl("10.0.0.1", 8)  # pages 3 spans the boundary (23)
    for _ in range(30):
        make_page("cms")
        make_page("blog")
    big = crawl("10.0.0.2", 8)
    middle = set(small[1:-1])
    assert len(middle) <= 2 and max(middle) - min(middle) <= 1  # one read more at a boundary
    assert set(big[1:-1]) <= middle
    assert big[0] == small[0]


@pytest.mark.parametrize("offset", [0, 5, 23, 30, 40, 41])
def test_stream_serves_every_source(client, pages, token, offset):
    response = v2_page(client, token, offset, "all")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert [item["id"] for item in json.loads(body)] == feed_ids()[offset:]


def test_stream_in_chunks_across_the_boundary(client, pages, token, settings):
    settings.CLERK = {**settings.CLERK, "FEED_MAX_LIMIT": 6}
    response = v2_page(client, token, 0, "all")
    body = b"".join(response.streaming_content)
    assert [item["id"] for item in json.loads(body)] == feed_ids()


def test_each_source_renders_its_own_fields(client, pages):
    params = {"key": KEYS[0], "private_key": KEYS[1], "limit": 100}
    items = {item["id"]: item for item in client.get("/clerk/page", params).json()}
    cms, blog = pages["cms"][0], pages["blog"][0]
    assert items[str(cms.pk)]["url"].endswith(f"/pages/{cms.slug}/")
    assert items[f"blog-{blog.pk}"]["url"].endswith(f"/blog/{blog.slug}/")
    assert items[f"blog-{blog.pk}"]["type"] == "blog"


def test_modified_after_filters_each_source(client, pages, token):
    import datetime

    from django.utils import timezone
    from shop.models import Page

    old = timezone.now() - datetime.timedelta(days=30)
    Page.objects.update(updated_at=old)
    recent = [pages["cms"][3], pages["blog"][5]]
    Page.objects.filter(pk__in=[p.pk for p in recent]).update(updated_at=timezone.now())
    since = int((timezone.now() - datetime.timedelta(days=1)).timestamp())
    response = client.get(
        "/clerk/v2/pages",
        {"key": KEYS[0], "modified_after": since, "limit": 100},
        secure=True,
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
    )
    assert [item["id"] for item in response.json()] == [str(recent[0].pk), f"blog-{recent[1].pk}"]
