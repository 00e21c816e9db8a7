"""Storefront system checks and the storefront inline of the store admin."""

from __future__ import annotations

import copy

import pytest
from django.core.cache import cache
from django.urls import reverse

from django_clerk.models import StorefrontSettings
from django_clerk.storefront.checks import check_storefront
from django_clerk.testing.fake_api import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY


def ids(settings, **clerk):
    settings.CLERK = {**settings.CLERK, **clerk}
    return [message.id for message in check_storefront()]


def test_defaults_pass(settings):
    assert ids(settings) == []


@pytest.mark.parametrize(
    "url", ["https://cdn.clerk.io/clerk.js", "//cdn.example.com/c.js", "/static/clerk.js"]
)
def test_script_urls_accepted(settings, url):
    assert ids(settings, CLERK_JS_URL=url) == []


@pytest.mark.parametrize("url", ["", "cdn.clerk.io/clerk.js", "javascript:alert(1)", 42, "/a b"])
def test_bad_script_url_is_e040(settings, url):
    assert ids(settings, CLERK_JS_URL=url) == ["django_clerk.E040"]


@pytest.mark.parametrize(
    "clerk",
    [
        {"CURRENCY_SYMBOL": 5},
        {"CURRENCY_ISO": "kroner"},
        {"CSP_NONCE_ATTRIBUTE": None},
        {"JS_VISITOR_FROM_SESSION": "yes"},
    ],
)
def test_wrong_types_are_e041(settings, clerk):
    assert ids(settings, **clerk) == ["django_clerk.E041"]


def test_missing_request_context_processor_is_w040(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].remove(
        "django.template.context_processors.request"
    )
    settings.TEMPLATES = templates
    assert ids(settings) == ["django_clerk.W040"]


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(user)
    cache.clear()
    yield client
    cache.clear()


@pytest.mark.django_db
def test_admin_inline_saves_settings_and_lists_clerks_contents(staff_client, make_store, clerk_api):
    store = make_store(
        code="default", public_key=DEFAULT_PUBLIC_KEY, private_key=DEFAULT_PRIVATE_KEY
    )
    clerk_api.set_contents(["product-page-alternatives", "frontpage"])
    url = reverse("admin:django_clerk_store_change", args=[store.pk])
    html = staff_client.get(url).content.decode()
    assert "In Clerk: product-page-alternatives, frontpage." in html
    assert "Not in Clerk: product-page-others-also-bought." in html
    staff_client.get(url)
    assert clerk_api.count("client/account/content/list") == 1  # cached
    assert DEFAULT_PRIVATE_KEY not in html

    form = {
        "name": store.name,
        "code": store.code,
        "is_active": "on",
        "language": "en",
        "public_key": store.public_key,
        "realtime_updates": "on",
        "collect_emails": "on",
        "storefront_settings-TOTAL_FORMS": "1",
        "storefront_settings-INITIAL_FORMS": "0",
        "storefront_settings-MIN_NUM_FORMS": "0",
        "storefront_settings-MAX_NUM_FORMS": "1",
    }
    inline = {
        "product_placements": "on",
        "product_content_ids": "frontpage, @product-page-alternatives",
        "cart_content_ids": "bad id!",
        "powerstep_type": "popup",
        "exit_intent_content_id": "exit-intent",
        "search_content_id": "search-page",
        "live_search_content_id": "live-search",
        "live_search_selector": "#q",
        "live_search_suggestions": "4",
        "live_search_categories": "0",
        "live_search_pages": "0",
        "live_search_positioning": "below",
    }
    data = {**form, **{f"storefront_settings-0-{k}": v for k, v in inline.items()}}
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "Content ids are letters" in response.content.decode()
    data["storefront_settings-0-cart_content_ids"] = "cart-others-also-bought"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = StorefrontSettings.objects.get(store=store)
    assert saved.content_ids("product") == ["frontpage", "product-page-alternatives"]
    assert saved.content_ids("category") == []  # unchecked box: switched off
    assert saved.powerstep_type == "popup" and saved.live_search_selector == "#q"


@pytest.mark.django_db
def test_admin_works_when_clerk_is_down(staff_client, make_store, clerk_api):
    store = make_store(
        code="default", public_key=DEFAULT_PUBLIC_KEY, private_key=DEFAULT_PRIVATE_KEY
    )
    clerk_api.go_down()
    response = staff_client.get(reverse("admin:django_clerk_store_change", args=[store.pk]))
    assert response.status_code == 200 and "In Clerk:" not in response.content.decode()
