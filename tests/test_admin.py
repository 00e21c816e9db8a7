"""The Store admin: several stores, write-only private key."""

import pytest
from django.urls import reverse

from django_clerk.models import Store

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Danish store",
        "code": "da",
        "is_active": "on",
        "language": "da",
        "base_url": "https://shop.example.dk/",
        "public_key": "pub-da",
        "private_key": "",
        "realtime_updates": "on",
        "collect_emails": "on",
        "sync_orders": "on",
        "storefront_settings-TOTAL_FORMS": "0",
        "storefront_settings-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_add_store_and_private_key_is_never_rendered(admin_client):
    response = admin_client.post(
        reverse("admin:django_clerk_store_add"), form_data(private_key="s3cret-da")
    )
    assert response.status_code == 302, response.content
    store = Store.objects.get(code="da")
    assert store.private_key == "s3cret-da"
    change = admin_client.get(reverse("admin:django_clerk_store_change", args=[store.pk]))
    listing = admin_client.get(reverse("admin:django_clerk_store_changelist"))
    for page in (change, listing):
        assert page.status_code == 200
        assert b"s3cret-da" not in page.content
    assert b"A private key is stored" in change.content


def test_empty_private_key_keeps_the_stored_one_and_a_new_one_replaces_it(admin_client, make_store):
    store = make_store(code="da", private_key="old-secret")
    url = reverse("admin:django_clerk_store_change", args=[store.pk])
    assert admin_client.post(url, form_data(private_key="")).status_code == 302
    store.refresh_from_db()
    assert store.private_key == "old-secret"
    assert admin_client.post(url, form_data(private_key="new-secret")).status_code == 302
    store.refresh_from_db()
    assert store.private_key == "new-secret"
    assert admin_client.post(url, form_data(clear_private_key="on")).status_code == 302
    store.refresh_from_db()
    assert store.private_key == ""


def test_several_stores_listed_with_key_status(admin_client, make_store, settings):
    make_store(code="default", private_key="")
    make_store(code="da", private_key="x")
    settings.CLERK = {**settings.CLERK, "STORES": {"se": {"PRIVATE_KEY": "env-s3cret"}}}
    make_store(code="se", private_key="")
    content = admin_client.get(reverse("admin:django_clerk_store_changelist")).content.decode()
    assert content.count("not set") == 1
    assert "set in settings" in content
    assert "env-s3cret" not in content
