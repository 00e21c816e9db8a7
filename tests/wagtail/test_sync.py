"""Wagtail's page events reach the fake Clerk over real HTTP, for the store of the page's
locale: publish, unpublish, delete, move and slug changes (with the pages below)."""

from __future__ import annotations

from typing import Any

import pytest

from django_clerk.contrib.wagtail.signals import queue_pages
from django_clerk.models import PendingChange
from django_clerk.sync import sync_paused
from django_clerk.sync.delivery import deliver_due
from tests.wagtail.conftest import KEYS, publish
from tests.wagtailshop.models import ArticlePage

pytestmark = pytest.mark.django_db
EN, DA = KEYS["en"][0], KEYS["da"][0]


def sent(clerk_api: Any, method: str) -> dict[str, list[Any]]:
    """``{public key: ids}`` of the pages upserted (``POST``) or deleted (``DELETE``)."""
    found: dict[str, list[Any]] = {}
    for call in clerk_api.calls(method, "pages"):
        ids = [item["id"] if isinstance(item, dict) else item for item in call.params["pages"]]
        found.setdefault(call.params["key"], []).extend(ids)
    return {key: sorted(ids) for key, ids in found.items()}


def upserted(clerk_api: Any) -> dict[Any, dict[str, Any]]:
    return {item["id"]: item for item in clerk_api.received("pages")}


def test_publishing_a_page_pushes_it_to_the_store_of_its_locale(clerk_api, tree, stores):
    page = tree.blog.add_child(instance=ArticlePage(title="New", slug="new", live=False))
    assert deliver_due().calls == 0  # a draft is not pushed
    publish(page)
    deliver_due()
    assert sent(clerk_api, "POST") == {EN: [f"cms-{page.pk}"]}
    item = upserted(clerk_api)[f"cms-{page.pk}"]
    assert item["url"] == "https://shop.example.com/en/blog/new/"
    assert (item["title"], item["type"]) == ("New", "articlepage")


def test_a_danish_translation_goes_to_the_danish_store(clerk_api, tree, stores):
    translation = tree.da[tree.landing.pk]
    translation.title = "Om os"
    publish(translation)
    deliver_due()
    assert sent(clerk_api, "POST") == {DA: [f"cms-{translation.pk}"]}
    assert upserted(clerk_api)[f"cms-{translation.pk}"]["url"] == (
        "https://shop.example.com/da/about-da/"
    )


def test_unpublishing_deletes_the_page(clerk_api, tree, stores):
    article = tree.articles[2]
    article.unpublish()
    deliver_due()
    assert sent(clerk_api, "DELETE") == {EN: [f"cms-{article.pk}"]}
    assert "POST" not in {call.method for call in clerk_api.calls(path="pages")}


def test_deleting_a_page_deletes_it_and_its_descendants(clerk_api, tree, stores):
    removed = [f"cms-{page.pk}" for page in (tree.blog, *tree.articles)]
    tree.blog.delete()
    deliver_due()
    assert set(sent(clerk_api, "DELETE")[EN]) == set(removed)
    assert PendingChange.objects.count() == 0


def test_moving_a_page_repushes_its_subtree_with_new_urls(clerk_api, tree, stores):
    tree.blog.move(tree.landing, pos="last-child")
    deliver_due()
    moved = sorted(f"cms-{page.pk}" for page in (tree.blog, *tree.articles))
    assert sent(clerk_api, "POST") == {EN: moved}
    urls = {item["id"]: item["url"] for item in clerk_api.received("pages")}
    assert urls[f"cms-{tree.articles[0].pk}"] == (
        "https://shop.example.com/en/about/blog/article-0/"
    )


def test_a_slug_change_repushes_the_pages_below(
    clerk_api, tree, stores, django_capture_on_commit_callbacks
):
    blog = tree.blog
    blog.slug = "news"
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail signals it on commit
        publish(blog)
    deliver_due()
    assert sent(clerk_api, "POST") == {
        EN: sorted(f"cms-{page.pk}" for page in (blog, *tree.articles))
    }
    urls = {item["id"]: item["url"] for item in clerk_api.received("pages")}
    assert urls[f"cms-{tree.articles[2].pk}"] == "https://shop.example.com/en/news/article-2/"


def test_nothing_is_recorded_while_paused_or_with_realtime_sync_off(
    clerk_api, tree, stores, settings
):
    with sync_paused():
        publish(tree.landing)
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    tree.articles[0].unpublish()
    assert PendingChange.objects.count() == 0


def test_queue_pages_by_hand_for_one_store(clerk_api, tree, stores):
    from wagtail.models import Page

    assert queue_pages(Page.objects.filter(pk=tree.landing.pk), stores["en"]) == 1
    deliver_due()
    assert sent(clerk_api, "POST") == {EN: [f"cms-{tree.landing.pk}"]}


def test_each_page_goes_to_the_source_that_holds_it(clerk_api, tree, stores, settings):
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {
            "pages": [
                "tests.wagtailshop.clerk.ArticleSerializer",
                "tests.wagtailshop.clerk.OtherPagesSerializer",
            ]
        },
    }
    publish(tree.articles[0])
    publish(tree.landing)
    deliver_due()
    assert sent(clerk_api, "POST") == {
        EN: sorted([f"article-{tree.articles[0].pk}", f"page-{tree.landing.pk}"])
    }
    assert upserted(clerk_api)[f"article-{tree.articles[0].pk}"]["type"] == "blog"


def test_clerk_sync_pushes_each_store_its_locale_pages(clerk_api, tree, stores):
    from io import StringIO

    from django.core.management import call_command

    call_command("clerk_sync", "--no-progress", "--entity", "pages", stdout=StringIO())
    assert sent(clerk_api, "POST") == {
        EN: sorted(f"cms-{page.pk}" for page in tree.live_en),
        DA: sorted(f"cms-{page.pk}" for page in tree.da.values()),
    }
