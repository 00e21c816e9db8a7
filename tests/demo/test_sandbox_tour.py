"""``make demo`` without Clerk keys, in headless Chromium: every Clerk feature shows real
products from the fake, every picture loads, and no request leaves 127.0.0.1."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory, browser):
    from sandbox.screenshots import take_tour
    from sandbox.stack import PUBLIC_KEY, DemoStack

    out = tmp_path_factory.mktemp("screenshots")
    with DemoStack(tmp_path_factory.mktemp("demo")) as stack:
        walked = take_tour(stack, out, browser)
        products = stack.fake.received("products", PUBLIC_KEY)
        images = [requests.get(p["image"], timeout=5) for p in products[:5]]
        yield walked, out, products, images


def test_placements_show_products(tour) -> None:
    walked, *_ = tour
    expected = {
        "home": ["@home-page-popular", "@home-page-trending"],
        "product": ["@product-page-alternatives", "@product-page-others-also-bought"],
        "category": ["@category-page-popular"],
        "powerstep": ["@power-step-others-also-bought", "@power-step-popular"],
        "cart": ["@cart-others-also-bought"],
    }
    for page, templates in expected.items():
        for template in templates:
            assert walked.pages[page].placements[template] > 0, (page, template)
    assert walked.pages["home"].extra["popular_now"] > 0  # server-side, from the fake


def test_search_live_search_and_exit_intent(tour) -> None:
    walked, *_ = tour
    search = walked.pages["search"]
    assert search.placements["search-results"] > 0 and search.extra["facets"] > 0
    assert search.extra["filtered_count_text"] != search.extra["count_text"]
    assert not search.extra["filtered_count_text"].startswith("0 ")
    assert walked.pages["home"].extra["live_search"] > 0
    assert walked.pages["home"].extra["exit_intent"] > 0


def test_images_load_in_the_pages_and_from_the_feed(tour) -> None:
    walked, _, products, images = tour
    for page in ("home", "product", "category", "search", "cart"):
        assert walked.pages[page].images, page
        assert walked.pages[page].broken_images == [], page
    assert products and all(p["image"].endswith(".svg") for p in products)
    assert [(i.status_code, i.headers["Content-Type"]) for i in images] == [
        (200, "image/svg+xml")
    ] * len(images)


def test_the_sale_is_recorded_by_the_fake(tour) -> None:
    walked, *_ = tour
    assert len(walked.sales) == 1
    assert walked.sales[0]["products"] and walked.sales[0]["sale"]


def test_no_request_leaves_the_machine(tour) -> None:
    walked, *_ = tour
    assert len(walked.requests) > 50
    assert walked.foreign_requests == []
    assert walked.failed_requests == []


def test_screenshots_are_saved(tour) -> None:
    _, out, *_ = tour
    names = {p.name for p in out.glob("*.png")}
    assert {"home.png", "product.png", "category.png", "search.png", "cart.png"} <= names
    assert all((out / n).stat().st_size > 10_000 for n in names)
