"""Fixtures of the tests of an entity with several sources: the pages of the example shop as
CMS pages (ids as text) and blog posts (``"blog-<pk>"``), interleaved in one table."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.sources.serializers import SOURCES

KEYS = ("pub-en", "priv-en-secret")
_serial = itertools.count(1)


@pytest.fixture
def two_sources(settings: Any) -> None:
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {**settings.CLERK.get("SERIALIZERS", {}), "pages": SOURCES},
        "SYNC_DELIVERY": "manual",
    }


@pytest.fixture
def store(make_store: Any, two_sources: None) -> Any:
    return make_store(code="default", public_key=KEYS[0], private_key=KEYS[1], legacy_auth=True)


@pytest.fixture
def make_page(db: Any) -> Any:
    from shop.models import Page

    def make(kind: str = "cms", **fields: Any) -> Any:
        n = next(_serial)
        values = {"title": f"{kind} {n}", "slug": f"{kind}-{n}", "body": "Text", "kind": kind}
        return Page.objects.create(**{**values, **fields})

    return make


@pytest.fixture
def pages(make_page: Any, store: Any) -> dict[str, list[Any]]:
    """23 CMS pages and 17 blog posts, their keys interleaved."""
    from django_clerk.sync import sync_paused

    found: dict[str, list[Any]] = {"cms": [], "blog": []}
    with sync_paused():
        for n in range(40):
            kind = "blog" if n % 7 in (1, 4, 6) and len(found["blog"]) < 17 else "cms"
            found[kind].append(make_page(kind))
    return found


def feed_ids() -> list[str]:
    """The ids of the pages' feed as Clerk should get them: CMS pages, then blog posts."""
    from shop.models import Page

    published = Page.objects.filter(is_published=True).order_by("pk")
    cms = [str(pk) for pk in published.filter(kind="cms").values_list("pk", flat=True)]
    blog = [f"blog-{pk}" for pk in published.filter(kind="blog").values_list("pk", flat=True)]
    return cms + blog
