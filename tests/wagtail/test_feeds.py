"""Clerk's importer crawls the pages feeds of the Wagtail site to the end, legacy and Feed
V2, in the English and the Danish store: every live, public page of the store's locale,
once, with Clerk's required fields and no rule broken."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page

from django_clerk.mapping import problems
from tests.wagtail.conftest import KEYS

pytestmark = pytest.mark.django_db
WAGTAIL_ALONE = {"pages": "django_clerk.contrib.wagtail.serializers.WagtailPageSerializer"}


def crawl_legacy(client: Any, language: str, limit: int) -> list[dict[str, Any]]:
    public, private = KEYS[language]
    seen: list[dict[str, Any]] = []
    page = 1
    while True:
        response = client.get(
            "/clerk/page", {"key": public, "private_key": private, "page": page, "limit": limit}
        )
        assert response.status_code == 200, response.content
        if not (batch := response.json()):
            return seen
        assert len(batch) <= limit
        seen += batch
        page += 1


def crawl_v2(client: Any, token: str, language: str, limit: int) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    offset = 0
    while True:
        response = client.get(
            "/clerk/v2/pages",
            {"key": KEYS[language][0], "limit": limit, "offset": offset},
            secure=True,
            HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content
        if not (batch := response.json()):
            return seen
        seen += batch
        offset += limit


def wagtail_items(items: list[dict[str, Any]], prefix: str = "cms-") -> dict[str, Any]:
    return {item["id"]: item for item in items if str(item["id"]).startswith(prefix)}


def crawl(client: Any, clerk_api: Any, protocol: str, language: str, limit: int) -> list[Any]:
    if protocol == "legacy":
        return crawl_legacy(client, language, limit)
    return crawl_v2(client, clerk_api.issue_token(KEYS[language][0]), language, limit)


@pytest.mark.parametrize("protocol", ["legacy", "v2"])
@pytest.mark.parametrize("language", ["en", "da"])
def test_crawl_serves_the_live_pages_of_the_store_locale(
    client, clerk_api, tree, stores, protocol, language
):
    items = crawl(client, clerk_api, protocol, language, limit=2)
    assert [problem for item in items for problem in problems("pages", item)] == []
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))  # nothing repeated across pages
    found = wagtail_items(items)
    pages = tree.live_en if language == "en" else [tree.da[p.pk] for p in tree.live_en]
    assert sorted(found) == sorted(f"cms-{page.pk}" for page in pages)
    for page in pages:
        item = found[f"cms-{page.pk}"]
        assert item["title"] == page.title
        assert item["url"] == "https://shop.example.com" + page.get_url_parts()[2]
        assert item["url"].startswith(f"https://shop.example.com/{language}/")


def test_drafts_private_pages_and_the_root_are_left_out(client, clerk_api, tree, stores):
    found = wagtail_items(crawl_legacy(client, "en", limit=100))
    for page in (tree.draft, tree.private, tree.home.get_parent()):
        assert f"cms-{page.pk}" not in found


def test_values_follow_the_pages(client, tree, stores):
    found = wagtail_items(crawl_legacy(client, "en", limit=100))
    first, described, plain = tree.articles[0], tree.articles[1], tree.articles[2]
    assert found[f"cms-{first.pk}"]["url"] == "https://shop.example.com/en/blog/article-0/"
    assert found[f"cms-{first.pk}"]["type"] == "articlepage"
    assert found[f"cms-{tree.landing.pk}"]["type"] == "landingpage"
    # search_description first; otherwise the text of the model's declared search fields
    assert found[f"cms-{described.pk}"]["text"] == "Described"
    assert found[f"cms-{first.pk}"]["text"] == "Intro 0 Heading 0 Body 0 & more"
    assert found[f"cms-{plain.pk}"]["text"].startswith("Heading 2 Body 2")
    assert found[f"cms-{tree.landing.pk}"]["text"] == "Us"
    assert found[f"cms-{tree.home.pk}"]["text"] == ""


@override_settings(WAGTAIL_I18N_ENABLED=False)
def test_without_i18n_every_store_serves_the_site_pages(client, tree, stores):
    # Without internationalisation only the Site's own tree is routable (no translations).
    for language in ("en", "da"):
        found = wagtail_items(crawl_legacy(client, language, limit=100))
        assert sorted(found) == sorted(f"cms-{page.pk}" for page in tree.live_en)


def test_the_wagtail_source_alone_sends_integer_ids(client, settings, tree, stores):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": WAGTAIL_ALONE}
    items = crawl_legacy(client, "en", limit=3)
    assert sorted(item["id"] for item in items) == sorted(page.pk for page in tree.live_en)
    assert [problem for item in items for problem in problems("pages", item)] == []


def test_subclasses_choose_page_types_text_and_type(client, settings, tree, stores):
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {
            "pages": [
                "tests.wagtailshop.clerk.ArticleSerializer",
                "tests.wagtailshop.clerk.OtherPagesSerializer",
            ]
        },
    }
    items = crawl_legacy(client, "en", limit=2)
    articles = wagtail_items(items, "article-")
    others = wagtail_items(items, "page-")
    assert sorted(articles) == sorted(f"article-{page.pk}" for page in tree.articles)
    assert sorted(others) == sorted(
        f"page-{page.pk}" for page in (tree.home, tree.blog, tree.landing)
    )
    assert {item["type"] for item in articles.values()} == {"blog"}
    assert articles[f"article-{tree.articles[0].pk}"]["text"] == "Intro 0"
    assert articles[f"article-{tree.articles[1].pk}"]["text"] == ""
    assert articles[f"article-{tree.articles[2].pk}"]["keywords"] == ["Heading 2"]
    assert [problem for item in items for problem in problems("pages", item)] == []


def test_site_root_url_when_asked(settings, tree, stores):
    from tests.wagtailshop.clerk import CmsPageSerializer

    class SiteURLs(CmsPageSerializer):
        use_site_root_url = True

    [item] = SiteURLs.serialize(SiteURLs.feed_queryset(stores["en"]).filter(pk=tree.landing.pk),
                                stores["en"])  # fmt: skip
    assert item["url"] == "http://localhost/en/about/"


def test_modified_after_takes_the_pages_published_since(client, clerk_api, tree, stores):
    now = timezone.now()
    Page.objects.update(last_published_at=now - timedelta(days=1))
    Page.objects.filter(pk=tree.landing.pk).update(last_published_at=now + timedelta(seconds=5))
    response = client.get(
        "/clerk/v2/pages",
        {"key": KEYS["en"][0], "modified_after": int(now.timestamp())},
        secure=True,
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {clerk_api.issue_token(KEYS['en'][0])}",
    )
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()] == [f"cms-{tree.landing.pk}"]


@pytest.mark.parametrize("protocol", ["legacy", "v2"])
def test_next_to_the_shop_pages_a_crawl_spans_both_sources(
    client, clerk_api, tree, stores, protocol
):
    from shop.models import Page as ShopPage

    shop_pages = [
        ShopPage.objects.create(title=f"Shop page {n}", slug=f"shop-page-{n}", body="Text")
        for n in range(3)
    ]
    items = crawl(client, clerk_api, protocol, "en", limit=2)
    assert [problem for item in items for problem in problems("pages", item)] == []
    expected = [str(page.pk) for page in shop_pages]  # the source without a prefix: first
    expected += sorted((f"cms-{page.pk}" for page in tree.live_en), key=lambda i: int(i[4:]))
    assert [item["id"] for item in items] == expected
    assert {item["url"].split("/")[2] for item in items} == {"shop.example.com"}
