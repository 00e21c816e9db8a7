"""The template tags, rendered with Django's template engine and test client."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from shop.models import Category, Customer, Order, OrderLine, Product

from django_clerk.mapping import get_serializer
from django_clerk.models import StorefrontSettings
from django_clerk.storefront.placements import data_name

pytestmark = pytest.mark.django_db
HOSTILE = "</script><script>window.__xss=1</script>\"'><img src=x onerror=alert(1)>&amp;\u2028"


class Elements(HTMLParser):
    """The start tags of a fragment as ``(tag, {attr: value})``, attributes unescaped."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def clerk_spans(html: str) -> list[dict[str, str]]:
    return [a for tag, a in parse(html).found if "clerk" in a.get("class", "").split()]


def calls(html: str) -> list[list]:
    """The arguments of every ``Clerk(...)`` call in the scripts of ``html``."""
    found = []
    for script in parse(html).scripts:
        for args in re.findall(r"Clerk\((.*?)\);", script):
            found.append(json.loads(f"[{args}]"))
    return found


def render(source: str, request=None, **context) -> str:
    if request is None:
        request = RequestFactory().get("/")
        request.session = {}
        request.user = AnonymousUser()
    return Template("{% load clerk %}" + source).render(Context({"request": request, **context}))


@pytest.fixture
def product():
    return Product.objects.create(name="Mug", slug="mug", sku="M1", price=Decimal("10.50"), stock=3)


def test_nothing_at_all_without_a_public_key(make_store, product):
    make_store(code="default", public_key="")
    html = render(
        "{% clerk_js %}{% clerk_context product=p %}{% clerk_product_placements p %}"
        "{% clerk_live_search %}{% clerk_exit_intent %}{% clerk_cart ids %}",
        p=product,
        ids=[1],
    )
    assert html == ""


def test_config_call_has_key_language_visitor_email_and_globals(store, settings):
    settings.CLERK = {
        **settings.CLERK,
        "CURRENCY_SYMBOL": "kr.",
        "CURRENCY_ISO": "DKK",
        "TRACKING_CONSENT": True,
    }
    request = RequestFactory().get("/")
    request.session = {}
    request.user = AnonymousUser()
    html = render("{% clerk_js %}", request)
    (config,) = calls(html)
    assert config[0] == "config"
    assert config[1] == {
        "key": "default-public",
        "language": "english",
        "visitor": request.session["clerk_visitor"],
        "collect_email": True,
        "globals": {"currency_symbol": "kr.", "currency_iso": "DKK", "customer_logged_in": False},
    }
    (loader,) = [a for tag, a in parse(html).found if tag == "script"]
    assert "nonce" not in loader
    assert '"https://cdn.clerk.io/clerk.js"' in html


def test_store_currency_and_language_of_the_danish_store(make_store, settings):
    make_store(code="default")
    danish = make_store(code="dk", language="da")
    StorefrontSettings.objects.create(store=danish, currency_iso="DKK", currency_symbol="kr.")
    settings.CLERK = {**settings.CLERK, "JS_VISITOR_FROM_SESSION": False}
    from django.utils import translation

    with translation.override("da"):
        (config,) = calls(render("{% clerk_js %}"))
    assert config[1]["key"] == "dk-public" and config[1]["language"] == "danish"
    assert config[1]["globals"]["currency_iso"] == "DKK"
    assert "visitor" not in config[1]


def test_logged_in_customer_email_only_when_collecting(make_store, django_user_model):
    store = make_store(code="default")
    user = django_user_model.objects.create_user("ann", "ann@example.com", "x")
    request = RequestFactory().get("/")
    request.session, request.user = {}, user
    found = calls(render("{% clerk_js %}", request))
    assert found[0][1]["globals"]["customer_logged_in"] is True
    assert found[1] == ["call", "log/email", {"email": "ann@example.com"}]
    store.collect_emails = False
    store.save()
    request = RequestFactory().get("/")
    request.session, request.user = {}, user
    found = calls(render("{% clerk_js %}", request))
    assert len(found) == 1 and "collect_email" not in found[0][1]


def test_csp_nonce_on_every_script_from_request_or_context(store):
    request = RequestFactory().get("/")
    request.session, request.user = {}, AnonymousUser()
    request.csp_nonce = "n0nce"
    source = "{% clerk_js %}{% clerk_context product=1 %}{% clerk_cart ids %}"
    html = render(source, request, ids=[1])
    scripts = [a for tag, a in parse(html).found if tag == "script"]
    assert len(scripts) == 3 and all(a["nonce"] == "n0nce" for a in scripts)
    assert "e.setAttribute('nonce',\"n0nce\")" in html
    html = render("{% clerk_cart ids %}", ids=[1], csp_nonce="ctx")  # Django 6's context variable
    assert parse(html).found[0][1]["nonce"] == "ctx"


def test_context_and_cart_calls(store, product):
    category = Category.objects.create(name="Cups", slug="cups")
    html = render(
        "{% clerk_context product=p category=c %}{% clerk_cart products %}",
        p=product,
        c=category,
        products=[product, 7],
    )
    assert calls(html) == [
        ["context", {"product": product.pk, "category": category.pk}],
        ["cart", "set", [product.pk, 7]],
    ]
    assert render("{% clerk_context %}") == ""


def test_product_placements_filter_duplicates_across_the_page(store, product):
    html = render(
        "{% clerk_product_placements p %}{% clerk_placement 'home-page-popular' limit=4 %}",
        p=product,
    )
    spans = clerk_spans(html)
    assert [s["data-template"] for s in spans] == [
        "@product-page-alternatives",
        "@product-page-others-also-bought",
        "@home-page-popular",
    ]
    assert [s["class"] for s in spans] == ["clerk clerk_0", "clerk clerk_1", "clerk clerk_2"]
    assert "data-exclude-from" not in spans[0]
    assert spans[1]["data-exclude-from"] == ".clerk_0"
    assert spans[2]["data-exclude-from"] == ".clerk_0,.clerk_1"
    assert spans[0]["data-products"] == f"[{product.pk}]" and spans[2]["data-limit"] == "4"


def test_store_settings_switch_placements_and_content_ids(store, product):
    StorefrontSettings.objects.create(
        store=store,
        product_content_ids="@my-alternatives",
        filter_duplicates=False,
        category_placements=False,
        cart_content_ids="cart-a, cart-b",
    )
    category = Category.objects.create(name="Cups", slug="cups")
    html = render(
        "{% clerk_product_placements p %}{% clerk_category_placement c %}"
        "{% clerk_cart_placement ids %}",
        p=product,
        c=category,
        ids=[1, 2],
    )
    spans = clerk_spans(html)
    assert [(s["data-template"], s["class"]) for s in spans] == [
        ("@my-alternatives", "clerk"),
        ("@cart-a", "clerk"),
        ("@cart-b", "clerk"),
    ]
    assert spans[1]["data-products"] == "[1,2]"


def test_category_placement(store):
    category = Category.objects.create(name="Cups", slug="cups")
    (span,) = clerk_spans(render("{% clerk_category_placement c %}", c=category))
    assert span["data-template"] == "@category-page-popular"
    assert span["data-category"] == str(category.pk)


def test_live_search_search_page_and_exit_intent(store):
    html = render(
        "{% clerk_live_search '#q' %}{% clerk_search_page 'red \"mug\"' %}{% clerk_exit_intent %}"
    )
    live, search, exit_intent = clerk_spans(html)
    assert live == {
        "class": "clerk",
        "data-template": "@live-search",
        "data-instant-search": "#q",
        "data-instant-search-suggestions": "6",
        "data-instant-search-categories": "6",
        "data-instant-search-pages": "6",
        "data-instant-search-positioning": "right",
    }
    assert search["id"] == "clerk-search" and search["data-template"] == "@search-page"
    assert search["data-query"] == 'red "mug"'
    assert search["data-target"] == "#clerk-search-results"
    assert search["data-facets-target"] == "#clerk-search-filters"
    assert json.loads(search["data-facets-attributes"]) == ["price", "categories", "brand"]
    ids = [a.get("id") for _, a in parse(html).found]
    assert "clerk-search-results" in ids and "clerk-search-filters" in ids
    assert exit_intent["data-template"] == "@exit-intent"
    assert exit_intent["data-exit-intent"] == "true"
    assert render("{% clerk_live_search %}").count('data-instant-search="#search"') == 1


def test_powerstep_page_and_popup(store, product):
    html = render("{% clerk_powerstep p %}", p=product)
    assert '<div id="clerk-powerstep" class="clerk-powerstep clerk-powerstep-page">' in html
    spans = clerk_spans(html)
    assert [s["data-template"] for s in spans] == [
        "@power-step-others-also-bought",
        "@power-step-visitor-complementary",
        "@power-step-popular",
    ]
    assert all(s["data-products"] == f"[{product.pk}]" for s in spans)
    StorefrontSettings.objects.create(store=store, powerstep_type="popup")
    assert "<dialog" in render("{% clerk_powerstep p %}", p=product)
    assert "<dialog" not in render("{% clerk_powerstep p popup=False %}", p=product)


def test_switched_off_placements_render_nothing(store, product):
    StorefrontSettings.objects.create(
        store=store,
        product_placements=False,
        powerstep=False,
        exit_intent=False,
        live_search=False,
        search_page=False,
    )
    html = render(
        "{% clerk_product_placements p %}{% clerk_powerstep p %}{% clerk_exit_intent %}"
        "{% clerk_live_search %}{% clerk_search_page 'q' %}",
        p=product,
    )
    assert html == ""


@pytest.fixture
def order(product):
    customer = Customer.objects.create(email="bo@example.com", first_name="Bo")
    order = Order.objects.create(customer=customer, email="bo@example.com", status="paid")
    OrderLine.objects.create(order=order, product=product, quantity=2, unit_price=Decimal("10.50"))
    return order


@pytest.fixture
def sales_from_the_browser(settings):
    """Clerk.js alone logs sales: the confirmation page renders the ``log/sale`` element."""
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "browser"}}


@pytest.mark.usefixtures("sales_from_the_browser")
def test_sales_tracking_is_the_order_feed_line_for_line(store, order):
    (span,) = clerk_spans(render("{% clerk_sales_tracking o %}", o=order))
    feed = get_serializer("orders").serialize([order], store)[0]
    assert span["data-api"] == "log/sale"
    assert span["data-sale"] == str(order.pk)
    assert json.loads(span["data-products"]) == feed["products"]
    assert feed["products"] == [{"id": order.lines.get().product_id, "quantity": 2, "price": 10.5}]
    assert span["data-customer"] == str(order.customer_id)
    assert span["data-email"] == "bo@example.com"


@pytest.mark.usefixtures("sales_from_the_browser")
def test_sales_tracking_leaves_the_email_out_when_not_collecting(make_store, order):
    make_store(code="default", collect_emails=False)
    (span,) = clerk_spans(render("{% clerk_sales_tracking o %}", o=order))
    assert "data-email" not in span and span["data-sale"] == str(order.pk)


def test_sales_tracking_without_an_order_mapping_renders_nothing(store, order, settings, caplog):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {}}
    assert render("{% clerk_sales_tracking o %}", o=order) == ""
    assert "SERIALIZERS" in caplog.text


def test_hostile_values_stay_inert_in_attributes_and_scripts(make_store, settings):
    make_store(code="default", public_key=HOSTILE)
    settings.CLERK = {**settings.CLERK, "CURRENCY_SYMBOL": HOSTILE}
    html = render(
        "{% clerk_js %}{% clerk_context page=v %}{% clerk_cart ids %}"
        "{% clerk_placement 'x' title=v %}{% clerk_search_page v %}",
        v=HOSTILE,
        ids=[HOSTILE],
    )
    # No markup leaks: the only tags are the ones the templates write.
    tags = [tag for tag, _ in parse(html).found]
    assert set(tags) == {"script", "span", "div", "ul"} and "img" not in tags
    assert html.count("</script>") == 3
    assert not any("\u2028" in script for script in parse(html).scripts)  # ends JS lines
    # The values arrive intact where Clerk.js reads them.
    config, context, cart = calls(html)
    assert config[1]["key"] == HOSTILE and config[1]["globals"]["currency_symbol"] == HOSTILE
    assert context == ["context", {"page": HOSTILE}] and cart == ["cart", "set", [HOSTILE]]
    placement, search = clerk_spans(html)
    assert placement["data-title"] == HOSTILE and search["data-query"] == HOSTILE


def test_one_storefront_per_request_two_queries(store, product, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.session, request.user = {}, AnonymousUser()
    with django_assert_num_queries(2):  # the stores, the storefront settings
        render(
            "{% clerk_js %}{% clerk_product_placements p %}{% clerk_live_search %}"
            "{% clerk_exit_intent %}{% clerk_powerstep p %}",
            request,
            p=product,
        )


def test_data_attribute_names_are_checked():
    assert data_name("facets_target") == "data-facets-target"
    with pytest.raises(ValueError, match="data-"):
        data_name('a"b')
