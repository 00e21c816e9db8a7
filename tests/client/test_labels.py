"""Every results call of the API client carries the visitor and labels (over HTTP to the fake)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory
from django.urls import resolve

from django_clerk.client import ClerkClient
from django_clerk.client.visitor import is_valid_visitor_id
from django_clerk.testing import DEFAULT_PUBLIC_KEY, FakeClerkAPI


@pytest.fixture
def client(clerk_api: FakeClerkAPI) -> Iterator[ClerkClient]:
    with ClerkClient(DEFAULT_PUBLIC_KEY, retries=0) as made:
        yield made


def routed(path: str) -> Any:
    """A request as a view sees it: routed, so ``resolver_match`` is set."""
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    return request


def sent(clerk_api: FakeClerkAPI, path: str) -> dict[str, Any]:
    (call,) = clerk_api.calls("POST", path)
    return dict(call.json)


def test_a_bound_client_sends_the_visitor_and_the_page_and_endpoint_as_label(
    client: ClerkClient, clerk_api: FakeClerkAPI
) -> None:
    request = routed("/")
    client.with_visitor(request).popular(limit=3)
    body = sent(clerk_api, "recommendations/popular")
    assert body["labels"] == ["shop:home - recommendations/popular"]
    assert is_valid_visitor_id(body["visitor"])
    client.with_visitor(request).search("mug")  # the same request: the same visitor
    assert sent(clerk_api, "search/search")["visitor"] == body["visitor"]
    assert sent(clerk_api, "search/search")["labels"] == ["shop:home - search/search"]


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.substituting(12), "recommendations/substituting"),
        (lambda c: c.category_popular(3), "recommendations/category/popular"),
        (lambda c: c.visitor_history(), "recommendations/visitor/history"),
        (lambda c: c.predictive("mu"), "search/predictive"),
        (lambda c: c.search_categories("mu"), "search/categories"),
        (lambda c: c.search_pages("mu"), "search/pages"),
    ],
)
def test_every_results_call_has_a_label_even_without_a_request(
    client: ClerkClient, clerk_api: FakeClerkAPI, call: Any, path: str
) -> None:
    call(client.with_visitor("abc123"))
    body = sent(clerk_api, path)
    assert body["labels"] == [path] and body["visitor"] == "abc123"


def test_labels_given_win_over_the_clients_which_win_over_the_default(
    client: ClerkClient, clerk_api: FakeClerkAPI
) -> None:
    bound = client.with_visitor(routed("/")).labelled("Home - Trending")
    bound.trending(limit=2)
    bound.new(limit=2, labels="Home - New")
    bound.popular(labels=["A", "B"])
    assert sent(clerk_api, "recommendations/trending")["labels"] == ["Home - Trending"]
    assert sent(clerk_api, "recommendations/new")["labels"] == ["Home - New"]
    assert sent(clerk_api, "recommendations/popular")["labels"] == ["A", "B"]


def test_a_view_without_a_url_name_labels_with_the_endpoint(
    client: ClerkClient, clerk_api: FakeClerkAPI
) -> None:
    request = RequestFactory().get("/anywhere/")  # never routed: no resolver_match
    client.with_visitor(request).trending()
    assert sent(clerk_api, "recommendations/trending")["labels"] == ["recommendations/trending"]


def test_default_labels_can_be_switched_off(
    client: ClerkClient, clerk_api: FakeClerkAPI, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "DEFAULT_LABELS": False}
    client.with_visitor(routed("/")).popular()
    client.trending(labels=["Mine"])
    assert "labels" not in sent(clerk_api, "recommendations/popular")
    assert sent(clerk_api, "recommendations/trending")["labels"] == ["Mine"]


def test_calls_that_return_no_results_to_show_carry_no_label(
    client: ClerkClient, clerk_api: FakeClerkAPI
) -> None:
    client.with_visitor(routed("/")).campaign_customers([1])
    client.with_visitor(routed("/")).log_click(1, "recommendations/popular")
    assert "labels" not in sent(clerk_api, "campaigns/customers")
    assert "labels" not in sent(clerk_api, "log/click")


def test_default_labels_must_be_a_bool(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "DEFAULT_LABELS": "yes"}
    messages = [m for m in run_checks() if m.id == "django_clerk.E041"]
    assert any("DEFAULT_LABELS" in m.msg for m in messages)


@pytest.mark.parametrize("given", [[], "", ()])
def test_empty_labels_are_no_labels_the_default_applies(
    client: ClerkClient, clerk_api: FakeClerkAPI, given: Any
) -> None:
    client.popular(limit=3, labels=given)
    assert sent(clerk_api, "recommendations/popular")["labels"] == ["recommendations/popular"]
    clerk_api.reset()
    client.labelled(given).search("mug")
    assert sent(clerk_api, "search/search")["labels"] == ["search/search"]


@pytest.mark.parametrize("given", [5, 1.5, object(), b"x", {"a": 1}])
def test_labels_that_are_no_list_are_refused_plainly(
    client: ClerkClient, clerk_api: FakeClerkAPI, given: Any
) -> None:
    with pytest.raises(ValueError, match="labels must be a string or a list of strings"):
        client.popular(limit=3, labels=given)
    with pytest.raises(ValueError, match="labels must be a string or a list of strings"):
        client.labelled(given)
    assert clerk_api.calls("POST", "recommendations/popular") == []
