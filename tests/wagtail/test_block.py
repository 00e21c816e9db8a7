"""``ClerkPlacementBlock`` in a page's StreamField renders the Clerk placement of the
request's store, like ``{% clerk_placement %}``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from wagtail.blocks import StructBlockValidationError

from django_clerk.contrib.wagtail.blocks import ClerkPlacementBlock
from tests.wagtail.conftest import KEYS

pytestmark = pytest.mark.django_db


def test_a_page_renders_its_placement_block(client, tree, stores):
    response = client.get("/en/blog/article-0/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="clerk clerk_0" data-template="@blog-related" data-limit="4">' in html
    assert KEYS["en"][0] in html  # Clerk.js of the English store


def test_the_danish_page_uses_the_danish_store(client, tree, stores):
    response = client.get("/da/blog-da/article-1-da/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-template="@blog-related"' in html
    assert KEYS["da"][0] in html and KEYS["en"][0] not in html


def test_no_public_key_renders_nothing(client, tree, stores):
    stores["en"].public_key = ""
    stores["en"].save()
    response = client.get("/en/blog/article-0/")
    assert response.status_code == 200
    assert 'class="clerk"' not in response.content.decode()


def test_values_are_escaped():
    block = ClerkPlacementBlock()
    value = block.to_python({"content_id": '"><script>alert(1)</script>', "limit": None})
    html = block.render(value, context={})
    assert "<script>" not in html


def test_the_block_renders_like_the_template_tag(rf, stores):
    block = ClerkPlacementBlock()
    value = block.to_python({"content_id": "home-page-popular", "limit": None})
    html = block.render(value, context={"request": rf.get("/", HTTP_HOST="shop.example.com")})
    tag = Template('{% load clerk %}{% clerk_placement "home-page-popular" %}').render(
        Context({"request": rf.get("/", HTTP_HOST="shop.example.com")})
    )
    assert html.strip() == tag.strip()
    assert 'data-template="@home-page-popular"' in html


@pytest.mark.parametrize("content_id", ["", "@", "  "])
def test_a_content_id_is_required(content_id):
    block = ClerkPlacementBlock()
    with pytest.raises((StructBlockValidationError, ValidationError)):
        block.clean(block.to_python({"content_id": content_id, "limit": 3}))


def test_a_placement_is_no_text_of_the_page():
    block = ClerkPlacementBlock()
    value = block.to_python({"content_id": "home-page-popular", "limit": 4})
    assert block.get_searchable_content(value) == []


def test_the_page_context_names_the_page_with_its_source_prefix(client, tree, stores):
    html = client.get("/en/blog/article-0/").content.decode()
    assert f'Clerk("context", {{"page":"cms-{tree.articles[0].pk}"}});' in html


def test_clerk_page_id_filter(settings, tree):
    from django_clerk.contrib.wagtail.templatetags.clerk_wagtail import clerk_page_id

    assert clerk_page_id(tree.articles[0]) == f"cms-{tree.articles[0].pk}"
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {"pages": ["tests.wagtailshop.clerk.ArticleSerializer"]},
    }
    assert clerk_page_id(tree.articles[0]) == f"article-{tree.articles[0].pk}"
    assert clerk_page_id(tree.landing) == ""  # no source serves landing pages
