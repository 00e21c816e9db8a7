"""Clicks on results the shop renders itself: a signed attribute the click script beacons,
and a link that logs the click then redirects, only within the site."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from django_clerk.models import PendingChange
from django_clerk.models.sync import CLICK
from django_clerk.tracking.tokens import click_token, sale_token
from tests.shops import example_shop
from tests.tracking.conftest import deliver, pending

pytestmark = pytest.mark.django_db
API, LABEL = "recommendations/popular", "Home - Popular"


def render(source: str, **context: Any) -> str:
    request = RequestFactory().get("/")
    return Template("{% load clerk %}" + source).render(Context({"request": request, **context}))


def attribute_token(html: str) -> str:
    (token,) = re.findall(r'data-clerk-click="([^"]+)"', html)
    return token


def test_a_beaconed_click_reaches_clerk_with_api_labels_and_visitor(
    shop: Any, clerk_api: Any, client: Any
) -> None:
    html = render("<a {% clerk_click p api label %}>", p=shop.product, api=API, label=LABEL)
    answer = client.post("/clerk/click/", {"t": attribute_token(html)})
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "recorded": True}
    assert answer["Cache-Control"] == "private, no-store"
    other = render("<a {% clerk_click p api 'Other' %}>", p=shop.product, api=API)
    client.post("/clerk/click/", {"t": attribute_token(other)})  # each click counts
    assert len(pending(CLICK)) == 2
    deliver()
    first, second = sorted(clerk_api.logged("log/click"), key=lambda c: c["labels"] != [LABEL])
    assert first["product"] == second["product"] == shop.clerk_id(shop.product)
    assert first["api"] == API and first["labels"] == [LABEL]
    assert re.fullmatch(r"[0-9a-f]{32}", first["visitor"])


def test_the_no_script_link_logs_then_redirects_to_the_product(
    shop: Any, clerk_api: Any, client: Any
) -> None:
    page = f"/p/{shop.product.pk}/"  # the str shop's articles have no get_absolute_url()
    source = "{% clerk_click_url p api label url=u %}"
    url = render(source, p=shop.product, api=API, label=LABEL, u=page)
    assert urlparse(url).path == "/clerk/click/"
    answer = client.get(url.replace("&amp;", "&"))
    assert answer.status_code == 302 and answer["Location"] == page
    assert answer["Cache-Control"] == "private, no-store"  # each click goes through
    deliver()
    (logged,) = clerk_api.logged("log/click")
    assert logged["product"] == shop.clerk_id(shop.product) and logged["api"] == API


def test_clicks_off_leave_plain_links(clerk_store: Any, settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {"clicks": "browser"}}
    example = example_shop()
    source = "<a href='{% clerk_click_url p api %}' {% clerk_click p api %}>"
    source += "{% clerk_click_script %}"
    html = render(source, p=example.product, api=API)
    assert html == f"<a href='{example.product.get_absolute_url()}' >"


def test_a_beacon_for_clicks_left_to_the_browser_records_nothing(
    clerk_store: Any, client: Any, settings: Any
) -> None:
    token = click_token(clerk_store.pk, 1, API, [], "/p/1/")
    settings.CLERK = {**settings.CLERK, "TRACKING": {"clicks": "browser"}}
    answer = client.post("/clerk/click/", {"t": token})
    assert answer.json() == {"status": "ok", "recorded": False}
    assert client.get("/clerk/click/", {"t": token})["Location"] == "/p/1/"  # still a link
    assert not PendingChange.objects.exists()


def test_the_click_script_beacons_to_the_click_view(clerk_store: Any) -> None:
    html = render("{% clerk_click_script %}")
    assert 'var url = "/clerk/click/";' in html and "sendBeacon" in html


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_the_link_never_leaves_the_site(clerk_store: Any, client: Any, target: str) -> None:
    token = click_token(clerk_store.pk, 1, API, [], target)
    answer = client.get("/clerk/click/", {"t": token})
    assert answer.status_code == 400 and answer["Content-Type"] == "application/json"
    assert "no page of this site" in answer.json()["error"]["message"]
    assert not PendingChange.objects.exists()


def test_an_absolute_link_to_this_site_is_followed(clerk_store: Any, client: Any) -> None:
    token = click_token(clerk_store.pk, 1, API, [], "http://testserver/product/mug/")
    answer = client.get("/clerk/click/", {"t": token})
    assert answer.status_code == 302 and answer["Location"] == "http://testserver/product/mug/"


def test_bad_tokens_and_methods_answer_json(clerk_store: Any, client: Any) -> None:
    for token in ["", "nonsense", sale_token(clerk_store.pk, "1")]:
        answer = client.post("/clerk/click/", {"t": token})
        assert answer.status_code == 400 and "error" in answer.json()
    answer = client.put("/clerk/click/")
    assert answer.status_code == 405 and answer["Allow"] == "GET, POST"
    assert not PendingChange.objects.exists()


def test_the_token_is_signed_per_use(clerk_store: Any) -> None:
    example = example_shop()
    url = render("{% clerk_click_url p api label %}", p=example.product, api=API, label="L")
    (token,) = parse_qs(urlparse(url.replace("&amp;", "&")).query)["t"]
    from django_clerk.tracking.tokens import read_click_token

    assert read_click_token(token) == {
        "s": clerk_store.pk,
        "p": example.product.pk,
        "a": API,
        "l": ["L"],
        "u": example.product.get_absolute_url(),
    }
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    from django_clerk.tracking.tokens import BadToken

    with pytest.raises(BadToken):
        read_click_token(tampered)


def test_the_example_homes_popular_block_logs_clicks(
    clerk_store: Any, clerk_api: Any, client: Any
) -> None:
    from decimal import Decimal

    from shop.models import Product

    from django_clerk.tracking.tokens import read_click_token

    mug = Product.objects.create(name="Mug", slug="mug", sku="M1", price=Decimal("9"), stock=3)
    clerk_api.set_products([{"id": mug.pk}])  # what recommendations/popular answers
    html = client.get("/").content.decode()
    popular = html[html.index('id="popular-now"') :]
    tokens = set(re.findall(r'data-clerk-click="([^"]+)"', popular))
    assert len(tokens) == 1  # the card's picture and name links
    data = read_click_token(tokens.pop())
    assert (data["p"], data["a"], data["l"]) == (
        mug.pk,
        "recommendations/popular",
        ["Home - Popular right now"],
    )
    assert 'var url = "/clerk/click/";' in html


def test_a_replayed_click_token_is_one_click(
    clerk_store: Any, clerk_api: Any, client: Any, settings: Any
) -> None:
    token = click_token(clerk_store.pk, 1, API, [LABEL], "/p/1/")
    for _ in range(50):
        assert client.post("/clerk/click/", {"t": token}).json()["recorded"] is True
        assert client.get("/clerk/click/", {"t": token}).status_code == 302
    assert len(pending(CLICK)) == 1
    other = client.post("/clerk/click/", {"t": token}, REMOTE_ADDR="192.0.2.9")
    assert other.json()["recorded"] is True  # another client: another click
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": True}
    client.post("/clerk/click/", {"t": token})  # with consent: the session's visitor
    client.post("/clerk/click/", {"t": token})
    assert len(pending(CLICK)) == 3
    deliver()
    assert len(clerk_api.logged("log/click")) == 3


def test_a_replay_after_the_window_is_another_click(
    clerk_store: Any, client: Any, monkeypatch: Any
) -> None:
    from django_clerk.tracking import views

    token = click_token(clerk_store.pk, 1, API, [], "/p/1/")
    client.post("/clerk/click/", {"t": token})
    later = time.time() + views.CLICK_REPLAY_SECONDS
    monkeypatch.setattr(views.time, "time", lambda: later)
    client.post("/clerk/click/", {"t": token})
    assert len(pending(CLICK)) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
    ],
)
def test_a_prefetch_of_the_link_is_not_a_click(
    clerk_store: Any, client: Any, headers: dict[str, str]
) -> None:
    token = click_token(clerk_store.pk, 1, API, [], "/p/1/")
    answer = client.get("/clerk/click/", {"t": token}, **headers)
    assert answer.status_code == 302 and answer["Location"] == "/p/1/"
    assert pending(CLICK) == []
    assert client.get("/clerk/click/", {"t": token}).status_code == 302  # the click itself
    assert len(pending(CLICK)) == 1
