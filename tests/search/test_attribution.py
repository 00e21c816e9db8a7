"""Each server-side call site sends Clerk the visitor and its label (over HTTP to the fake):
the storefront API, the server-rendered pages, e-mails and the example shop's own block."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from shop.models import Page

from django_clerk.client.visitor import SESSION_KEY, is_valid_visitor_id
from django_clerk.testing import DEFAULT_PUBLIC_KEY, FakeClerkAPI
from tests.sources.serializers import SOURCES

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.search.urls")]


@pytest.fixture
def consent(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": True}


def results_calls(clerk_api: FakeClerkAPI) -> list[tuple[str, Any, Any]]:
    """``(path, visitor, labels)`` of every results call the fake received."""
    return [
        (call.path, call.params.get("visitor"), call.params.get("labels"))
        for call in clerk_api.requests
        if call.path.startswith(("recommendations/", "search/"))
    ]


def test_every_storefront_api_call_carries_the_sessions_visitor_and_its_label(
    client: Any, shop_store: Any, boots: Any, clerk_api: FakeClerkAPI, consent: None
) -> None:
    category = boots[0].categories.get()
    for path, params in [
        ("search/", {"q": "boot"}),
        ("search/live/", {"q": "boo", "categories": 2, "pages": 2}),
        (f"categories/{category.pk}/products/", {}),
        ("recommendations/popular/", {}),
        ("recommendations/substituting/", {"products": boots[0].pk}),
    ]:
        assert client.get("/clerk/api/" + path, params).status_code == 200, path
    visitor = client.session[SESSION_KEY]
    assert is_valid_visitor_id(visitor)
    assert results_calls(clerk_api) == [
        ("search/search", visitor, ["Search (API)"]),
        ("search/predictive", visitor, ["Live search (API)"]),
        ("search/categories", visitor, ["Live search (API)"]),
        ("search/pages", visitor, ["Live search (API)"]),
        ("recommendations/category/popular", visitor, ["Category page (API)"]),
        ("recommendations/popular", visitor, ["Recommendations (API)"]),
        ("recommendations/substituting", visitor, ["Recommendations (API)"]),
    ]


def test_without_consent_the_calls_of_one_request_share_a_visitor_kept_nowhere(
    client: Any, shop_store: Any, boots: Any, clerk_api: FakeClerkAPI
) -> None:
    client.get("/clerk/api/search/live/", {"q": "boo", "categories": 2})
    client.get("/clerk/api/search/live/", {"q": "boot", "categories": 2})
    visitors = [visitor for _, visitor, _ in results_calls(clerk_api)]
    assert len(visitors) == 4 and all(is_valid_visitor_id(v) for v in visitors)
    assert visitors[0] == visitors[1] and visitors[2] == visitors[3]
    assert visitors[0] != visitors[2]  # one id per request: nothing ties two requests
    assert SESSION_KEY not in client.session


def test_server_rendered_pages_carry_the_visitor_and_their_label(
    client: Any, shop_store: Any, boots: Any, clerk_api: FakeClerkAPI, consent: None
) -> None:
    category = boots[0].categories.get()
    assert client.get("/find/", {"q": "boot"}).status_code == 200
    assert client.get(f"/browse/{category.slug}/").status_code == 200
    visitor = client.session[SESSION_KEY]
    assert results_calls(clerk_api) == [
        ("search/search", visitor, ["Search page (server)"]),
        ("recommendations/category/popular", visitor, ["Category page (server)"]),
    ]


EMAIL = Template(
    '{% load clerk_email %}{% clerk_email_recommendations "popular" store="default" page=post %}'
)


@pytest.fixture
def blog_post(shop_store: Any, settings: Any) -> Any:
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {**settings.CLERK["SERIALIZERS"],
                                                        "pages": SOURCES}}  # fmt: skip
    return Page.objects.create(title="Care", slug="care", body="Oil", kind=Page.Kind.BLOG)


def test_an_email_rendered_in_a_request_sends_its_visitor_and_clerk_ids(
    blog_post: Any, clerk_api: FakeClerkAPI, consent: None
) -> None:
    request = RequestFactory().get("/checkout/")
    request.session = {SESSION_KEY: "abc123"}  # type: ignore[assignment]
    EMAIL.render(RequestContext(request, {"post": blog_post}))
    (call,) = clerk_api.calls("POST", "recommendations/popular")
    assert call.params["visitor"] == "abc123" and call.params["labels"] == ["E-mail popular"]
    assert call.params["page"] == f"blog-{blog_post.pk}"  # the source's prefix, not the pk


def test_an_email_rendered_without_a_request_sends_no_visitor_and_no_store_query(
    blog_post: Any, clerk_api: FakeClerkAPI, django_assert_num_queries: Any
) -> None:
    EMAIL.render(Context({"post": blog_post}))  # the stores are read (and cached) once
    with django_assert_num_queries(0):
        EMAIL.render(Context({"post": blog_post}))
    calls = clerk_api.calls("POST", "recommendations/popular")
    assert len(calls) == 2 and all(c.params["key"] == DEFAULT_PUBLIC_KEY for c in calls)
    assert all("visitor" not in c.params for c in calls)


def test_the_example_shops_popular_block_sends_the_visitor_and_its_label(
    client: Any, shop_store: Any, boots: Any, clerk_api: FakeClerkAPI, consent: None
) -> None:
    html = client.get("/").content.decode()
    assert "Popular right now" in html
    visitor = client.session[SESSION_KEY]
    assert ("recommendations/popular", visitor, ["Home page - Popular right now"]) in (
        results_calls(clerk_api)
    )
