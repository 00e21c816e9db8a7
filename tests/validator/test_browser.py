"""The validator in headless Chromium: the calls the pages' Clerk.js makes (the fake's
stand-in for Clerk.js) are what it checks, as the fake Clerk receives them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from shop.models import Order

from django_clerk.testing.validator import validate_tracking
from django_clerk.testing.validator.pages import from_browser
from tests.validator.seeded import TEMPLATES_DIR, UNKNOWN_PRODUCT, with_templates
from tests.validator.test_command import example_shop_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_example_shop_passes(
    browser: Any, live_server: Any, clerk_api: Any, example_shop: Any
) -> None:
    report = validate_tracking(None, browser, base_url=live_server.url, fake=clerk_api)
    report.assert_ok()
    assert report.mode == "browser"
    order = Order.objects.get()
    assert report.pages[-1].url == f"/order/{order.pk}/"
    (sale,) = clerk_api.calls(path="log/sale")
    assert from_browser(sale) and sale.params["sale"] == str(order.pk)
    assert all(page.clerk_calls >= 1 for page in report.pages)  # at least the cart's


def test_seeded_bugs_are_named(
    browser: Any, live_server: Any, clerk_api: Any, example_shop: Any, settings: Any
) -> None:
    with_templates(settings, TEMPLATES_DIR)
    report = validate_tracking(None, browser, base_url=live_server.url, fake=clerk_api)
    order = Order.objects.get()
    assert report.codes == ["product-id-unknown", "event-fired-twice"]
    unknown, twice = report.problems
    assert f"product id {UNKNOWN_PRODUCT} is not in the store's product feed" == unknown.message
    assert twice.message == f"the sale {order.pk} is logged 2 times"
    page = f"checkout (/order/{order.pk}/)"
    assert twice.element == f"browser (Clerk.js) on {page}; browser (Clerk.js) on {page}"


def test_the_command_in_a_browser(tmp_path: Path) -> None:
    """``--browser``: the command serves the shop and drives Chromium itself; the order the
    journey places is kept (a browser's requests commit), but nothing it queued for Clerk."""
    manage_py = example_shop_process(tmp_path)
    count = "from django_clerk.models import PendingChange as P; print(P.objects.count())"
    pending_before = manage_py("shell", "-c", count).stdout.strip()
    chromium = os.environ.get("CLERK_CHROMIUM") or "/usr/bin/chromium"
    passed = manage_py("clerk_validate_tracking", "--browser", "--chromium", chromium)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Tracking validation (browser), 6 pages:" in passed.stdout
    assert "  checkout: /order/3/ (200)" in passed.stdout  # after the 2 seeded orders
    assert manage_py("shell", "-c", count).stdout.strip() == pending_before
