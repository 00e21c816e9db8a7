"""Walking a journey in a real browser (Playwright): the calls Clerk.js makes are seen as the
fake Clerk receives them.

The browser may reach only the shop and the fake Clerk: every other request (Clerk's CDN,
Clerk's API, anything) is aborted, so a run never talks to Clerk.io.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from django_clerk.testing.validator.journeys import Post, Step
from django_clerk.testing.validator.markup import read_markup
from django_clerk.testing.validator.pages import PageVisit

READY_TIMEOUT_MS = 5000
SUBMIT_FORM = """([url, fields]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  for (const [name, value] of fields) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""
PAGE_CSRF_TOKEN = """() => {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}"""


class BrowserWalker:
    mode = "browser"
    browser = True

    def __init__(self, browser: Any, base_url: str, fake_origin: str) -> None:
        self.base_url = base_url.rstrip("/")
        allowed = {urlsplit(self.base_url).netloc, urlsplit(fake_origin).netloc}
        self.context = browser.new_context()

        def only_shop_and_fake(route: Any) -> None:
            if urlsplit(route.request.url).netloc in allowed:
                route.continue_()
            else:
                route.abort()

        self.context.route("**/*", only_shop_and_fake)
        self.page = self.context.new_page()

    def walk(self, step: Step) -> PageVisit:
        url = urljoin(self.base_url + "/", step.path)
        if isinstance(step, Post):
            fields = [(str(k), str(v)) for k, v in step.data.items()]
            token = self._csrf_token()
            if token:
                fields.append(("csrfmiddlewaretoken", token))
            with self.page.expect_navigation() as navigation:
                self.page.evaluate(SUBMIT_FORM, [url, fields])
            response = navigation.value
        else:
            response = self.page.goto(url)
        self._settle()
        status = response.status if response is not None else 0
        content_type = (response.headers.get("content-type", "") if response else "") or ""
        path = (
            self.page.url[len(self.base_url) :]
            if self.page.url.startswith(self.base_url)
            else self.page.url
        )
        visit = PageVisit(step.name, path, status, content_type)
        if response is not None and "html" in content_type:
            visit.markup = read_markup(response.text())
        return visit

    def _csrf_token(self) -> str:
        token = (
            str(self.page.evaluate(PAGE_CSRF_TOKEN) or "")
            if self.page.url.startswith("http")
            else ""
        )
        if token:
            return token
        name = settings.CSRF_COOKIE_NAME
        return next((c["value"] for c in self.context.cookies() if c["name"] == name), "")

    def _settle(self) -> None:
        """Wait until Clerk.js has rendered every placement and the network is quiet."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        with suppress(PlaywrightTimeout):  # no Clerk.js on the page: its checks report it
            self.page.wait_for_function(
                "window.__clerk_sandbox_ready === true", timeout=READY_TIMEOUT_MS
            )
        self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        self.context.close()
