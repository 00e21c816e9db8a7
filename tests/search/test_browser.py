"""The search tags' output in headless Chromium, Clerk.js replaced by the recording stub,
under a strict Content-Security-Policy with a nonce.

Chromium is driven from a thread of its own: Playwright's sync API refuses to start where
another instance (the storefront tests' session browser) already runs an event loop.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.chromium import CHROMIUM_ARGS
from tests.storefront.conftest import STUB_DIR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("CLERK_SKIP_BROWSER_TESTS") == "1", reason="CLERK_SKIP_BROWSER_TESTS=1"
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.search.urls"),
]


def in_chromium(url: str, steps: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Open ``url`` in a fresh headless Chromium that may reach only its host, run ``steps``
    on the page, and return what they found (with the console's errors)."""

    def run() -> dict[str, Any]:
        from playwright.sync_api import sync_playwright

        path = os.environ.get("CLERK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
        if not Path(path).exists():
            raise RuntimeError(f"Chromium not found at {path}: apt-get install chromium")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                host = urlparse(url).netloc
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if urlparse(route.request.url).netloc == host
                        else route.abort()
                    ),
                )
                page = context.new_page()
                errors: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                response = page.goto(url)
                page.wait_for_function("window.__clerk_ready === true")
                found = steps(page)
                found["errors"] = errors
                found["csp"] = response.headers.get("content-security-policy", "")
                found["cookies"] = {c["name"] for c in context.cookies()}
                return found
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=120)


@pytest.fixture
def tags_page(live_server: Any, make_store: Any, settings: Any) -> str:
    settings.STATICFILES_DIRS = [*getattr(settings, "STATICFILES_DIRS", []), str(STUB_DIR)]
    settings.SHOP_CSP = True  # the example shop's nonce policy: inline scripts need the nonce
    settings.CLERK = {
        **settings.CLERK,
        "CLERK_JS_URL": "/static/clerk-stub.js",
        "ADD_TO_CART_URL": "/cart/add/{id}/",
        "REALTIME_SYNC": False,
    }
    make_store(code="default", public_key="pub", base_url="")
    return live_server.url + "/tags/"


def test_search_tags_in_the_browser(tags_page: str, boots: Any) -> None:
    def steps(page: Any) -> dict[str, Any]:
        found: dict[str, Any] = {"calls": page.evaluate("window.__clerk_calls")}
        found["action"] = page.evaluate(
            "document.querySelector('form.search').getAttribute('action')"
        )
        found["search"] = page.evaluate("({...document.getElementById('clerk-search').dataset})")
        # Clerk.js calls the after-render hook with its answer: 2 of 5 shown -> "More" shows
        page.evaluate("window.clerkSearchAfterRender({response: {result: [1, 2], hits: 5}})")
        found["more_after_2"] = page.is_visible("#clerk-search-load-more")
        found["empty_after_2"] = page.is_visible("#clerk-search-no-results")
        page.click("#clerk-search-load-more button")
        found["offset"] = page.evaluate("document.getElementById('clerk-search').dataset.offset")
        found["more_clicked"] = page.is_visible("#clerk-search-load-more")
        found["calls_after"] = page.evaluate("window.__clerk_calls")
        page.evaluate("window.clerkSearchAfterRender({response: {result: [3, 4, 5], hits: 5}})")
        found["more_after_5"] = page.is_visible("#clerk-search-load-more")
        return found

    found = in_chromium(tags_page, steps)
    assert "nonce-" in found["csp"]
    (config,) = [c[1] for c in found["calls"] if c[0] == "config"]
    assert config["globals"]["add_to_cart_url"] == "/cart/add/{id}/"
    assert config["globals"]["csrf_url"] == "/clerk/csrf/" and "csrf_token" not in config["globals"]
    assert "csrftoken" not in found["cookies"]  # the page sets no CSRF cookie
    metadata = {"product": boots[0].pk, "path": "/tags/", "logged_in": False}
    assert ["chat", "metadata", metadata] in found["calls"]
    assert found["action"] == "/search/"  # the live search's form goes to the search page
    assert found["search"]["facetsInUrl"] == "true"
    assert found["search"]["afterRender"] == "clerkSearchAfterRender"
    assert found["more_after_2"] and not found["empty_after_2"]
    assert found["offset"] == "2" and not found["more_clicked"]
    assert found["calls_after"].count(["content", "#clerk-search"]) == 1
    assert not found["more_after_5"]
    assert found["errors"] == []  # no script refused by the policy, no script error


def test_nothing_found_shows_the_no_results_text(tags_page: str) -> None:
    def steps(page: Any) -> dict[str, Any]:
        found = {"before": page.is_visible("#clerk-search-no-results")}
        page.evaluate("window.clerkSearchAfterRender({response: {result: [], hits: 0}})")
        found["after"] = page.is_visible("#clerk-search-no-results")
        found["text"] = page.inner_text("#clerk-search-no-results")
        return found

    found = in_chromium(tags_page, steps)
    assert not found["before"] and found["after"] and found["text"] == "Nothing found"
    assert found["errors"] == []


ADD_TO_CART = """async (product) => {
    const g = window.__clerk_calls.find((c) => c[0] === "config")[1].globals;
    const token = await (await fetch(g.csrf_url, {credentials: "same-origin"})).json();
    const post = (headers) => fetch(g.add_to_cart_url.replace("{id}", product), {
        method: "POST", credentials: "same-origin",
        headers: {Accept: "application/json", ...headers},
        body: new URLSearchParams({quantity: "1"}),
    });
    const refused = await post({});
    const added = await post({[g.csrf_header]: token.csrf_token});
    return {refused: refused.status, added: added.status, landed: added.url};
}"""


def test_a_design_adds_to_cart_with_a_token_it_asks_for(tags_page: str, boots: Any) -> None:
    def steps(page: Any) -> dict[str, Any]:
        cookies_before = {c["name"] for c in page.context.cookies()}
        return {"before": cookies_before, **page.evaluate(ADD_TO_CART, boots[0].pk)}

    found = in_chromium(tags_page, steps)
    assert "csrftoken" not in found["before"] and "csrftoken" in found["cookies"]
    assert found["refused"] == 403  # Django's CSRF check stands: no token, no cart
    assert found["added"] == 200 and found["landed"].endswith("/cart/added/")
