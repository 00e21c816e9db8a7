"""Tracking consent in headless Chromium: the example shop stores nothing on the device
until the visitor accepts; then Clerk.js gets the session's persistent visitor id. (Here,
not in tests/consent, to share this directory's browser: one Playwright per process.)"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib.sessions.models import Session

from django_clerk.client.visitor import SESSION_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any, clerk_stub: str, make_store: Any, settings: Any) -> Any:
    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    make_store(code="default", public_key="en-public", base_url="")
    context = browser.new_context(locale="en-US")
    host = urlparse(live_server.url).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlparse(route.request.url).netloc == host else route.abort()
        ),
    )
    tab = context.new_page()
    yield tab
    context.close()


def clerk_config(tab: Any) -> dict[str, Any]:
    tab.wait_for_function("window.__clerk_ready === true")
    (config,) = [c[1] for c in tab.evaluate("window.__clerk_calls") if c[0] == "config"]
    return config


def test_no_session_and_no_cookie_until_the_visitor_accepts(page: Any, live_server: Any) -> None:
    for path in ("/", "/search/?q=mug", "/blog/"):
        page.goto(live_server.url + path)
        assert "visitor" not in clerk_config(page)  # Clerk.js' cookieless default
    assert page.context.cookies() == []
    assert page.evaluate("document.cookie") == ""
    assert Session.objects.count() == 0

    page.goto(live_server.url + "/tracking/")
    page.click("button[value=accept]")
    page.wait_for_selector("#tracking-state")
    assert page.text_content("#tracking-state") == "accepted"

    page.goto(live_server.url + "/")
    visitor = clerk_config(page)["visitor"]
    (session,) = Session.objects.all()
    assert session.get_decoded()[SESSION_KEY] == visitor and len(visitor) == 32
    assert "sessionid" in {cookie["name"] for cookie in page.context.cookies()}
    page.goto(live_server.url + "/blog/")
    assert clerk_config(page)["visitor"] == visitor  # the same visitor on every page

    page.goto(live_server.url + "/tracking/")
    page.click("button[value=decline]")
    page.goto(live_server.url + "/")
    assert "visitor" not in clerk_config(page)
