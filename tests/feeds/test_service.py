"""version, plugin, getconfig, setconfig and rotatekey."""

from __future__ import annotations

import json

import django

from django_clerk.models import Store
from tests.feeds.conftest import KEYS, legacy


def post(client, endpoint, body, store_code="default"):
    public, private = KEYS[store_code]
    return client.post(
        f"/clerk/{endpoint}?key={public}&private_key={private}",
        json.dumps(body),
        content_type="application/json",
    )


def test_version(client, en):
    data = legacy(client, "version").json()
    assert data["platform"] == "Django"
    assert data["platform_version"] == django.get_version()
    assert {"clerk_version", "python_version"} <= set(data)


def test_plugin_lists_installed_apps(client, en):
    names = {entry["name"] for entry in legacy(client, "plugin/").json()}
    assert {"django_clerk", "rest_framework", "shop"} <= names


def test_service_endpoints_need_credentials(client, en):
    for endpoint in ("version", "plugin", "getconfig", "setconfig", "rotatekey"):
        assert client.get(f"/clerk/{endpoint}").status_code == 401


def test_getconfig_never_shows_keys(client, en):
    response = legacy(client, "getconfig")
    data = response.json()
    assert data["include_out_of_stock"] is False and data["language"] == "en"
    assert "pub-en" not in response.content.decode()
    assert "priv-en-secret" not in response.content.decode()
    assert not {"public_key", "private_key", "legacy_auth"} & set(data)


def test_setconfig_changes_whitelisted_options(client, en):
    response = post(client, "setconfig", {"include_out_of_stock": True, "sync_pages": "false"})
    assert response.status_code == 200
    assert response.json()["include_out_of_stock"] is True
    en.refresh_from_db()
    assert en.include_out_of_stock and not en.sync_pages


def test_setconfig_refuses_keys_and_other_settings(client, en):
    for body in ({"public_key": "x"}, {"legacy_auth": False}, {"private_key_new": "x"}):
        response = post(client, "setconfig", body)
        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith(next(iter(body)))
    response = post(client, "setconfig", {"sync_orders": "maybe"})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("sync_orders:")
    en.refresh_from_db()
    assert en.public_key == "pub-en" and en.sync_orders and en.legacy_auth


def test_setconfig_needs_post(client, en):
    assert legacy(client, "setconfig").status_code == 405


def test_rotatekey_never_echoes_the_key(client, en):
    response = post(client, "rotatekey", {"new_private_key": "brand-new-private-key"})
    assert response.status_code == 200
    assert b"brand-new-private-key" not in response.content
    assert Store.objects.get(pk=en.pk).private_key == "brand-new-private-key"
    assert legacy(client, "product").status_code == 403  # the old key is gone at once
    response = client.get(
        "/clerk/product", {"key": "pub-en", "private_key": "brand-new-private-key"}
    )
    assert response.status_code == 200


def test_rotatekey_validates_and_respects_settings_keys(client, en, settings):
    assert post(client, "rotatekey", {"new_private_key": "short"}).status_code == 400
    settings.CLERK = {**settings.CLERK, "STORES": {"default": {"PRIVATE_KEY": "priv-en-secret"}}}
    response = post(client, "rotatekey", {"new_private_key": "brand-new-private-key"})
    assert response.status_code == 409
