"""The search tags' output in headless Chromium, Clerk.js replaced by the recording stub,
under a strict Content-Security-Policy with a nonce."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.storefront.conftest import browser, clerk_stub  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.search.urls"),
]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:  # noqa: F811
    context = browser.new_context()
    host = urlparse(live_server.url).netloc

    def only_local(route: Any) -> None:
        if urlparse(route.request.url).netloc == host:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.errors = errors
    yield tab
    context.close()


def test_search_tags_in_the_browser(
    page: Any,
    live_server: Any,
    clerk_stub: str,  # noqa: F811
    make_store: Any,
    boots: Any,
    settings: Any,
) -> None:
    settings.SHOP_CSP = True  # the example shop's nonce policy: inline scripts need the nonce
    settings.CLERK = {
        **settings.CLERK,
        "ADD_TO_CART_URL": "/cart/add/{id}/",
        "REALTIME_SYNC": False,
    }
    make_store(code="default", public_key="pub", base_url="")
    response = page.goto(live_server.url + "/tags/")
    assert "nonce-" in response.headers["content-security-policy"]
    page.wait_for_function("window.__clerk_ready === true")
    calls = page.evaluate("window.__clerk_calls")
    (config,) = [c[1] for c in calls if c[0] == "config"]
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert config["globals"]["add_to_cart_url"] == "/cart/add/{id}/"
    assert config["globals"]["csrf_token"] and "csrftoken" in cookies
    assert [
        "chat",
        "metadata",
        {"product": boots[0].pk, "path": "/tags/", "logged_in": False},
    ] in calls
    # the live search's form now goes to the shop's search page
    assert page.evaluate("document.querySelector('form.search').getAttribute('action')") == (
        "/search/"
    )
    search = page.evaluate(
        "[...document.querySelectorAll('.clerk')].find(e => e.id === 'clerk-search').dataset"
    )
    assert search["facetsInUrl"] == "true" and search["afterRender"] == "clerkSearchAfterRender"
    # Clerk.js calls the after-render hook with its answer: 2 of 5 shown -> "More" shows
    page.evaluate("window.clerkSearchAfterRender({response: {result: [1, 2], hits: 5}})")
    assert page.is_visible("#clerk-search-load-more")
    assert not page.is_visible("#clerk-search-no-results")
    page.click("#clerk-search-load-more button")
    assert page.evaluate("document.getElementById('clerk-search').dataset.offset") == "2"
    assert page.evaluate("window.__clerk_calls").count(["content", "#clerk-search"]) == 1
    assert not page.is_visible("#clerk-search-load-more")
    page.evaluate("window.clerkSearchAfterRender({response: {result: [3, 4, 5], hits: 5}})")
    assert not page.is_visible("#clerk-search-load-more")
    assert page.errors == []  # no script refused by the policy, no error


def test_nothing_found_shows_the_no_results_text(
    page: Any,
    live_server: Any,
    clerk_stub: str,  # noqa: F811
    make_store: Any,
    settings: Any,
) -> None:
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    make_store(code="default", public_key="pub", base_url="")
    page.goto(live_server.url + "/tags/")
    page.wait_for_function("window.__clerk_ready === true")
    assert not page.is_visible("#clerk-search-no-results")
    page.evaluate("window.clerkSearchAfterRender({response: {result: [], hits: 0}})")
    assert page.is_visible("#clerk-search-no-results")
    assert page.inner_text("#clerk-search-no-results") == "Nothing found"
