"""``python -m sandbox.screenshots --out DIR``: the sandbox demo in headless Chromium.

Starts a :class:`~sandbox.stack.DemoStack`, walks home, product, category, search (with a
facet ticked), live search, exit intent, the powerstep, cart and checkout, saves a
screenshot of each, and prints what every page showed. Chromium resolves no host name but
127.0.0.1, and every request the pages make is recorded, to show none leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sandbox.stack import DemoStack

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing but 127.0.0.1 resolves: a request for any other host fails.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SHOWN = "[data-clerk-product-id]"
# The pointer leaving the window at the top, as it does before a visitor closes the tab.
LEAVE_WINDOW = (
    "document.documentElement.dispatchEvent("
    "new MouseEvent('mouseout', {bubbles: true, clientY: 0}))"
)
IMAGES_LOADED = """sel => Array.from(document.querySelectorAll(sel)).map(
    i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0}))"""


@dataclass
class PageReport:
    """What one page showed: products per Clerk element, images and whether they loaded."""

    name: str
    url: str
    placements: dict[str, int] = field(default_factory=dict)
    images: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def broken_images(self) -> list[str]:
        return [i["src"] for i in self.images if not i["ok"]]


@dataclass
class Tour:
    pages: dict[str, PageReport] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)

    @property
    def foreign_requests(self) -> list[str]:
        """Requests to anything but 127.0.0.1 (data: URLs aside)."""
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme != "data" and urlsplit(u).hostname != "127.0.0.1"
        ]


def chromium_path() -> str:
    return os.environ.get("CLERK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def take_tour(stack: DemoStack, out: Path, browser: Any = None) -> Tour:
    """Walk the sandbox shop in headless Chromium, saving ``out/<page>.png``; in ``browser``
    (a Playwright browser) when given, else in one launched for it (Playwright's sync API
    runs one instance per process, so tests pass theirs)."""
    if browser is not None:
        return walk(stack, out, browser)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            return walk(stack, out, launched)
        finally:
            launched.close()


def walk(stack: DemoStack, out: Path, browser: Any) -> Tour:
    out.mkdir(parents=True, exist_ok=True)
    tour = Tour()
    product_id, slug, name = stack.most_popular()
    word = max(name.split(), key=len)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.on("request", lambda request: tour.requests.append(request.url))
    context.on("requestfailed", lambda request: tour.failed_requests.append(request.url))
    page = context.new_page()

    def visit(label: str, path: str) -> PageReport:
        page.goto(stack.shop_url + path)
        return photograph(label)

    def photograph(label: str) -> PageReport:
        page.wait_for_function("window.__clerk_sandbox_ready === true", timeout=15_000)
        page.wait_for_load_state("networkidle")
        report = PageReport(label, page.url)
        for element in page.query_selector_all(".clerk[data-template], .clerk-search-results"):
            key = element.get_attribute("data-template") or "search-results"
            report.placements[key] = len(element.query_selector_all(SHOWN))
        report.images = page.evaluate(IMAGES_LOADED, "main img, .clerk img")
        page.screenshot(path=str(out / f"{label}.png"), full_page=True)
        tour.pages[label] = report
        return report

    visit("home", "/")
    tour.pages["home"].extra["popular_now"] = len(page.query_selector_all("#popular-now .card"))
    page.fill("#search", word)
    page.wait_for_selector(".clerk-sandbox-live:not([hidden]) " + SHOWN, timeout=10_000)
    page.screenshot(path=str(out / "live-search.png"))
    tour.pages["home"].extra["live_search"] = len(
        page.query_selector_all(".clerk-sandbox-live " + SHOWN)
    )
    page.keyboard.press("Escape")
    page.goto(stack.shop_url + "/")
    page.wait_for_function("window.__clerk_sandbox_ready === true")
    page.evaluate(LEAVE_WINDOW)
    page.wait_for_selector("dialog.clerk-sandbox-exit-intent[open] " + SHOWN, timeout=10_000)
    page.screenshot(path=str(out / "exit-intent.png"))
    tour.pages["home"].extra["exit_intent"] = len(page.query_selector_all("dialog " + SHOWN))

    visit("product", f"/product/{slug}/")
    visit("category", f"/category/{stack.category_of(product_id)}/")
    search = visit("search", f"/search/?q={word}")
    search.extra["facets"] = len(page.query_selector_all("#clerk-search-filters fieldset"))
    search.extra["count_text"] = page.inner_text(".clerk-sandbox-count")
    page.check("#clerk-search-filters fieldset input >> nth=0")
    page.wait_for_function(
        "t => document.querySelector('.clerk-sandbox-count').innerText !== t",
        arg=search.extra["count_text"],
        timeout=10_000,
    )
    search.extra["filtered_count_text"] = page.inner_text(".clerk-sandbox-count")
    page.screenshot(path=str(out / "search-filtered.png"), full_page=True)

    page.goto(stack.shop_url + f"/product/{slug}/")
    page.click("form.panel button[type=submit]")
    page.wait_for_url("**/cart/added/")
    photograph("powerstep")
    visit("cart", "/cart/")
    page.fill("input[name=email]", "ann@example.com")
    page.fill("input[name=first_name]", "Ann")
    page.fill("input[name=last_name]", "Example")
    page.fill("input[name=zip_code]", "8000")
    page.click("text=Place order")
    page.wait_for_url("**/order/*/")
    photograph("order")
    deadline = time.monotonic() + 10
    while not stack.fake.logged("log/sale") and time.monotonic() < deadline:
        time.sleep(0.1)
    tour.sales = stack.fake.logged("log/sale")
    context.close()
    return tour


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.screenshots")
    parser.add_argument("--out", type=Path, default=Path("demo-screenshots"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, DemoStack(Path(tmp)) as stack:
        tour = take_tour(stack, args.out)
    for report in tour.pages.values():
        print(
            f"{report.name:10} {json.dumps(report.placements)} images {len(report.images)}"
            f" broken {len(report.broken_images)} {json.dumps(report.extra)}"
        )
    print(f"requests {len(tour.requests)}, not to 127.0.0.1: {len(tour.foreign_requests)}")
    print(f"sales recorded by the fake: {len(tour.sales)}")
    print(f"screenshots in {args.out.resolve()}")
    return 0 if not tour.foreign_requests else 1


if __name__ == "__main__":
    sys.exit(main())
