"""Two sources of pages keyed by their path (text keys with ``/`` and ``:``, up to 255
characters): the feed across both, and pushes with the blog source's prefix."""

from __future__ import annotations

from typing import Any

import pytest

from django_clerk.models import FeedCursor
from django_clerk.sync import sync_paused
from django_clerk.sync.delivery import deliver_due
from tests.uuidshop.clerk import PageSerializer
from tests.uuidshop.conftest import KEYS, LONG_PATH
from tests.uuidshop.models import Page

pytestmark = pytest.mark.django_db


class GuidePageSerializer(PageSerializer):
    @classmethod
    def get_queryset(cls, store: Any) -> Any:
        return Page.objects.exclude(kind="blog")


class BlogPageSerializer(PageSerializer):
    class Meta(PageSerializer.Meta):
        id_prefix = "post~"

    @classmethod
    def get_queryset(cls, store: Any) -> Any:
        return Page.objects.filter(kind="blog")


@pytest.fixture
def two_sources(settings: Any, catalogue: Any, clerk_store: Any) -> list[str]:
    pages = settings.CLERK["SERIALIZERS"]["pages"]
    assert pages == "tests.uuidshop.clerk.PageSerializer"
    sources = [GuidePageSerializer, BlogPageSerializer]
    serializers = {**settings.CLERK["SERIALIZERS"], "pages": sources}
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": serializers, "SYNC_DELIVERY": "manual"}
    with sync_paused():
        Page.objects.create(path="faq:shipping", title="Shipping", body="Fast")
        Page.objects.create(path="blog/2025/a:b", kind="blog", title="Colons", body="Yes")
    guides = sorted(Page.objects.exclude(kind="blog").values_list("path", flat=True))
    posts = sorted(Page.objects.filter(kind="blog").values_list("path", flat=True))
    return guides + [f"post~{path}" for path in posts]


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_legacy_crawl_across_text_keyed_sources(client, two_sources, limit):
    seen, page = [], 1
    while True:
        response = client.get("/clerk/page", {**KEYS, "page": page, "limit": limit})
        assert response.status_code == 200, response.content
        batch = [item["id"] for item in response.json()]
        seen += batch
        if len(batch) < limit:
            break
        page += 1
        if limit < len(two_sources):
            assert FeedCursor.objects.get().after.partition(":")[0] in ("0", "1")
    assert seen == two_sources
    assert LONG_PATH in seen


def test_pushes_carry_the_prefix(clerk_api, two_sources, caplog):
    Page.objects.filter(path="blog/2025/a:b").get().save()
    Page.objects.filter(path=LONG_PATH).get().save()
    # The blog source's id of the longest path would pass the outbox's 255 characters: it is
    # not recorded for that source (logged), and the guide source that holds it sends it.
    assert "longer than 255 characters (post~guides/" in caplog.text
    deliver_due()
    assert set(clerk_api.data["pages"]) == {"post~blog/2025/a:b", LONG_PATH}
