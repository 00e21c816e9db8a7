"""Recommendations in the shop's own e-mails: one Clerk call, never held up by Clerk."""

from __future__ import annotations

import time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template
from shop.emails import order_confirmation_email
from shop.models import Order, OrderLine, Product

from django_clerk.templatetags.clerk_email import tracked

pytestmark = pytest.mark.django_db

CATALOGUE = [
    {"id": 0, "name": "Mug", "url": "https://shop.example.com/product/mug/", "price": 19.95},
    {
        "id": -2,
        "name": "Plate <b>",
        "url": "https://shop.example.com/product/plate/?ref=x",
        "image": "https://shop.example.com/media/plate.jpg",
        "price": 5.5,
    },
    {"id": -3, "name": "Bowl", "url": "https://shop.example.com/product/bowl/", "price": 7.0},
]


@pytest.fixture
def order(make_store, clerk_api):
    make_store(code="default", public_key="test-public-key", private_key="test-private-key")
    mug = Product.objects.create(name="Mug", slug="mug", sku="M", price=Decimal("19.95"), stock=3)
    # Clerk's catalogue, the mug under its own key (the others' keys do not exist here).
    clerk_api.set_products([{**CATALOGUE[0], "id": mug.pk}, *CATALOGUE[1:]])
    placed = Order.objects.create(email="ann@example.com")
    OrderLine.objects.create(order=placed, product=mug, quantity=2, unit_price=Decimal("19.95"))
    return placed


def html_of(message):
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    return html


def test_the_order_email_shows_recommendations_from_one_call(order, clerk_api):
    html = html_of(order_confirmation_email(order))
    (call,) = clerk_api.requests
    assert call.path == "recommendations/complementary"
    assert call.json["products"] == [order.lines.get().product_id]
    assert call.json["labels"] == ["Order confirmation"] and call.json["limit"] == 4
    assert "Goes well with your order" in html and "Plate &lt;b&gt;" in html
    assert "<b>" not in html.split("Goes well")[1]
    assert 'href="https://shop.example.com/product/bowl/?utm_source=clerk&amp;' in html
    assert "https://shop.example.com/media/plate.jpg" in html
    assert "Mug</span>" not in html  # the product bought is not recommended (the fake's rule)


def test_links_keep_their_own_parameters_and_gain_the_tracking_ones(settings):
    settings.CLERK = {**settings.CLERK, "EMAIL_LINK_PARAMETERS": {"utm_source": "mail"}}
    query = parse_qs(urlsplit(tracked("https://x.dk/p/?ref=a&utm_source=own", "popular")).query)
    assert query == {"ref": ["a"], "utm_source": ["own"], "utm_content": ["popular"]}


def test_a_hanging_clerk_never_holds_the_email_up(order, clerk_api, settings):
    settings.CLERK = {**settings.CLERK, "EMAIL_RECOMMENDATIONS_TIMEOUT": 0.3}
    clerk_api.hang(30)
    started = time.perf_counter()
    html = html_of(order_confirmation_email(order))
    elapsed = time.perf_counter() - started
    # It gave up long before Clerk answered (how close to the timeout: the benchmark).
    assert elapsed < 10, elapsed
    assert clerk_api.count("recommendations/complementary") == 1  # one attempt, no retry
    assert "clerk-email-recommendations" not in html and "Thank you for your order" in html


@pytest.mark.parametrize(
    "fault", ["down", "error", "html"], ids=["unreachable", "clerk-error", "not-json"]
)
def test_a_failing_clerk_leaves_the_block_out(order, clerk_api, fault):
    if fault == "down":
        clerk_api.go_down()
    elif fault == "error":
        clerk_api.error_next(1, "AuthenticationError")
    else:
        clerk_api.fail_next(1, 502)
    html = html_of(order_confirmation_email(order))
    assert "clerk-email-recommendations" not in html and "Thank you for your order" in html


def test_no_public_key_no_call(make_store, clerk_api):
    make_store(code="default", public_key="")
    html = Template('{% load clerk_email %}{% clerk_email_recommendations "popular" %}').render(
        Context({})
    )
    assert html == "" and clerk_api.count() == 0


def test_a_store_by_code_and_extra_parameters(make_store, clerk_api):
    clerk_api.add_store("dk-public", "dk-private")
    make_store(code="default", public_key="test-public-key")
    make_store(code="dk", public_key="dk-public")
    clerk_api.set_products(CATALOGUE)
    template = Template(
        '{% load clerk_email %}{% clerk_email_recommendations "customer/history" '
        'store="dk" email=email limit=2 %}'
    )
    html = template.render(Context({"email": "ann@example.com"}))
    (call,) = clerk_api.requests
    assert call.json["key"] == "dk-public" and call.json["email"] == "ann@example.com"
    assert html.count("<td valign") == 2
