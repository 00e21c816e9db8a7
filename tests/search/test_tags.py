"""The search page and live search options, Chat, add-to-cart globals and the Clerk.js build."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from shop.models import Category, Product

from tests.storefront.test_tags import calls, clerk_spans, parse, render

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(make_store):
    return make_store(code="default", name="My Shop DK 2")


def test_search_page_options_from_tag_arguments(store):
    html = render(
        "{% clerk_search_page 'boot' facets_in_url=True facet_titles=titles "
        "facet_multiselect=multi facet_design='1234' include_categories=True categories=3 "
        "pages=2 pages_type='blog' no_results_text=empty load_more_text='More' %}",
        empty="Nothing <here>",
        titles={"brand": "Brand", "price": "Price"},
        multi=["brand"],
    )
    (span,) = clerk_spans(html)
    assert span["data-facets-in-url"] == "true"
    assert json.loads(span["data-facets-titles"]) == {"brand": "Brand", "price": "Price"}
    assert json.loads(span["data-facets-multiselect-attributes"]) == ["brand"]
    assert span["data-facets-design"] == "1234"
    assert span["data-search-categories"] == "3" and span["data-search-pages"] == "2"
    assert span["data-search-pages-type"] == "blog"
    assert span["data-offset"] == "0" and span["data-after-render"] == "clerkSearchAfterRender"
    assert "Nothing &lt;here&gt;" in html
    ids = {a.get("id") for _, a in parse(html).found}
    assert {"clerk-search-no-results", "clerk-search-load-more"} <= ids
    assert "window.clerkSearchAfterRender" not in html  # it is w.<name> inside the closure
    assert "w.clerkSearchAfterRender = function" in html


def test_search_page_options_from_settings_per_store(store, make_store, settings):
    settings.CLERK = {
        **settings.CLERK,
        "SEARCH": {
            "FACETS_IN_URL": True,
            "FACET_ATTRIBUTES": ["brand"],
            "STORES": {"default": {"FACETS_IN_URL": False, "NO_RESULTS_TEXT": "Ingen"}},
        },
    }
    (span,) = clerk_spans(html := render("{% clerk_search_page 'x' %}"))
    assert "data-facets-in-url" not in span
    assert json.loads(span["data-facets-attributes"]) == ["brand"]
    assert "Ingen" in html and 'id="clerk-search-load-more"' not in html
    (span,) = clerk_spans(render("{% clerk_search_page 'x' facet_attributes=none %}", none=[]))
    assert "data-facets-attributes" not in span and "data-facets-target" not in span


def test_search_page_defaults_are_unchanged(store):
    html = render("{% clerk_search_page 'x' %}")
    (span,) = clerk_spans(html)
    for name in ("data-facets-in-url", "data-search-categories", "data-after-render"):
        assert name not in span
    assert "<script" not in html


def test_live_search_options(store):
    html = render(
        "{% clerk_live_search '#q' suggestions=3 pages_type='cms' positioning='below' limit=8 "
        "form_selector='form.search' search_url='shop:search' %}"
    )
    (span,) = clerk_spans(html)
    assert span["data-instant-search"] == "#q"
    assert span["data-instant-search-suggestions"] == "3"
    assert span["data-instant-search-pages-type"] == "cms"
    assert span["data-instant-search-positioning"] == "below"
    assert span["data-limit"] == "8"
    (script,) = parse(html).scripts
    assert '"form.search"' in script and '"/search/"' in script
    (span,) = clerk_spans(render("{% clerk_live_search include_categories=False %}"))
    assert span["data-instant-search-categories"] == "0"
    assert span["data-instant-search-pages"] == "0"
    with pytest.raises(TypeError):
        render("{% clerk_live_search colour='red' %}")


def test_live_search_options_from_settings_per_store(store, settings):
    settings.CLERK = {
        **settings.CLERK,
        "SEARCH": {
            "LIVE_SEARCH_PAGES_TYPE": "blog",
            "LIVE_SEARCH_FORM_SELECTOR": "form.find",
            "LIVE_SEARCH_SEARCH_URL": "/find/",
            "STORES": {store.code: {"LIVE_SEARCH_INCLUDE_CATEGORIES": False}},
        },
    }
    html = render("{% clerk_live_search '#q' %}")
    (span,) = clerk_spans(html)
    assert span["data-instant-search-categories"] == "0"
    assert span["data-instant-search-pages"] == "0"
    assert span["data-instant-search-pages-type"] == "blog"
    (script,) = parse(html).scripts
    assert '"form.find"' in script and '"/find/"' in script
    (span,) = clerk_spans(render("{% clerk_live_search '#q' include_categories=True %}"))
    assert span["data-instant-search-categories"] != "0"  # the tag's argument wins


def test_chat_metadata(store, settings):
    settings.CLERK = {**settings.CLERK, "CUSTOMER_GROUP": "tests.search.test_tags.group_of"}
    category = Category.objects.create(name="Boots", slug="boots")
    product = Product.objects.create(name="Boot", slug="b", sku="B", price=Decimal(1), stock=1)
    request = RequestFactory().get("/product/b/")
    request.session = {}
    request.user = AnonymousUser()
    html = render("{% clerk_chat product=p category=c %}", request=request, p=product, c=category)
    assert calls(html) == [
        [
            "chat",
            "metadata",
            {
                "product": product.pk,
                "category": category.pk,
                "path": "/product/b/",
                "logged_in": False,
                "customer_group": "retail",
            },
        ]
    ]


def group_of(request):
    return "retail"


def test_add_to_cart_globals_in_the_config(store, settings):
    settings.CLERK = {**settings.CLERK, "ADD_TO_CART_URL": "/cart/add/{id}/"}
    (config,) = [c for c in calls(render("{% clerk_js %}")) if c[0] == "config"]
    globals_ = config[1]["globals"]
    assert globals_["add_to_cart_url"] == "/cart/add/{id}/"
    assert globals_["csrf_url"] == "/clerk/csrf/" and globals_["csrf_header"] == "X-CSRFToken"
    assert globals_["csrf_field"] == "csrfmiddlewaretoken" and "csrf_token" not in globals_
    settings.CLERK = {**settings.CLERK, "ADD_TO_CART_URL": "shop:cart"}
    (config,) = [c for c in calls(render("{% clerk_js %}")) if c[0] == "config"]
    assert config[1]["globals"]["add_to_cart_url"] == "/cart/"
    settings.CLERK = {**settings.CLERK, "ADD_TO_CART_URL": ""}
    (config,) = [c for c in calls(render("{% clerk_js %}")) if c[0] == "config"]
    assert "add_to_cart_url" not in config[1]["globals"]


def test_custom_clerk_js_build_per_store(store, settings):
    settings.CLERK = {**settings.CLERK, "CLERK_JS_URL": "https://custom.clerk.io/{slug}.js"}
    assert 'e.src="https://custom.clerk.io/myshopdk.js"' in render("{% clerk_js %}")
    settings.CLERK = {
        **settings.CLERK,
        "STORES": {"default": {"CLERK_JS_SLUG": "Acme-Shop"}},
    }
    assert 'e.src="https://custom.clerk.io/acmeshop.js"' in render("{% clerk_js %}")
    settings.CLERK = {**settings.CLERK, "CLERK_JS_URL": "https://cdn.clerk.io/clerk.js"}
    assert 'e.src="https://cdn.clerk.io/clerk.js"' in render("{% clerk_js %}")
