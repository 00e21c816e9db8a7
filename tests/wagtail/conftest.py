"""Fixtures of the Wagtail tests: a site in English and Danish, an English and a Danish
store known to the fake Clerk API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from wagtail.models import Locale, Page, Site

from django_clerk.models import Store
from tests.wagtailshop.models import ArticlePage, HomePage, LandingPage

KEYS = {"en": ("en-public", "en-private"), "da": ("da-public", "da-private")}


@pytest.fixture(autouse=True)
def manual_delivery(settings: Any) -> None:
    """Deliveries run when a test says so."""
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}


@dataclass
class SiteTree:
    """The English pages and their Danish translations (``da[page.pk]``)."""

    home: HomePage
    blog: LandingPage
    articles: list[ArticlePage]
    landing: LandingPage
    draft: ArticlePage
    private: ArticlePage
    da: dict[int, Page]

    @property
    def live_en(self) -> list[Page]:
        return [self.home, self.blog, *self.articles, self.landing]


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def tree(db: Any) -> SiteTree:
    """Root > Home > (Blog > 3 articles, About (landing), a draft, a private article), plus
    the Danish translation of everything published; one Wagtail Site."""
    from wagtail.models import PageViewRestriction

    english = Locale.objects.create(language_code="en")
    danish = Locale.objects.create(language_code="da")
    root = Page.add_root(instance=Page(title="Root", slug="root", locale=english))
    home = root.add_child(instance=HomePage(title="Home", slug="home", locale=english))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    blog = home.add_child(instance=LandingPage(title="Blog", slug="blog", summary="<p>News</p>"))
    articles = []
    for n in range(3):
        articles.append(
            blog.add_child(
                instance=ArticlePage(
                    title=f"Article {n}",
                    slug=f"article-{n}",
                    intro="Intro 0" if n == 0 else "",
                    search_description="Described" if n == 1 else "",
                    body=[
                        ("heading", f"Heading {n}"),
                        ("paragraph", f"<p>Body <b>{n}</b> &amp; more</p>"),
                        ("clerk", {"content_id": "blog-related", "limit": 4}),
                    ],
                )
            )
        )
    landing = home.add_child(instance=LandingPage(title="About", slug="about", summary="<p>Us</p>"))
    draft = home.add_child(instance=ArticlePage(title="Draft", slug="draft", live=False))
    private = home.add_child(instance=ArticlePage(title="Private", slug="private"))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    translations: dict[int, Page] = {}
    for page in [home, blog, *articles, landing]:
        copy = page.copy_for_translation(danish)
        copy.title, copy.slug = f"{page.title} (da)", f"{page.slug}-da"
        copy.save()
        translations[page.pk] = publish(copy)
    return SiteTree(
        home=home,
        blog=blog,
        articles=articles,
        landing=landing,
        draft=draft,
        private=private,
        da=translations,
    )


@pytest.fixture
def stores(db: Any, clerk_api: Any) -> dict[str, Store]:
    """An English and a Danish store, keys known to the fake API, accepting the private key
    in requests (the legacy feed tests send it in the query string)."""
    found = {}
    for code, (public, private) in KEYS.items():
        found[code] = Store.objects.create(
            code="default" if code == "en" else code,
            name=code,
            language=code,
            public_key=public,
            private_key=private,
            base_url="https://shop.example.com/",
            legacy_auth=True,
        )
        clerk_api.add_store(public, private)
    return found
