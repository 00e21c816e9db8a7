"""Who may read a feed: the store's key-based toggle governs private keys in the query string
and in the body alike; the bearer token always works; key and store changes apply on the
next request, whoever made them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_clerk.feeds.authentication import KEYS_OFF
from django_clerk.models import Store
from tests.feeds.conftest import KEYS

PUBLIC, PRIVATE = KEYS["default"]


def by_query(client: Any, private_key: str = PRIVATE, public_key: str = PUBLIC) -> Any:
    return client.get("/clerk/product", {"key": public_key, "private_key": private_key})


def by_body(client: Any, private_key: str = PRIVATE, public_key: str = PUBLIC) -> Any:
    body = json.dumps({"key": public_key, "private_key": private_key})
    return client.post("/clerk/product", body, content_type="application/json")


GENERATIONS = [pytest.param(by_query, id="query-string"), pytest.param(by_body, id="body")]


def set_toggle(store: Store, on: bool) -> None:
    store.legacy_auth = on
    store.save()


@pytest.mark.parametrize("send", GENERATIONS)
def test_private_keys_refused_while_the_toggle_is_off(client, en, send):
    set_toggle(en, False)
    response = send(client)
    assert response.status_code == 403
    assert response.json() == {"error": {"code": 403, "message": KEYS_OFF}}
    set_toggle(en, True)
    assert send(client).status_code == 200


@pytest.mark.parametrize("send", GENERATIONS)
def test_the_answer_never_tells_a_right_key_from_a_wrong_one(client, en, send):
    """With the toggle off, a right and a wrong private key get the same answer (no oracle
    for a guessed or stolen key); with it on, a wrong key is just invalid."""
    set_toggle(en, False)
    right, wrong = send(client), send(client, private_key="not-the-key")
    assert right.json() == wrong.json() == {"error": {"code": 403, "message": KEYS_OFF}}
    set_toggle(en, True)
    response = send(client, private_key="not-the-key")
    assert response.json() == {"error": {"code": 403, "message": "Invalid credentials."}}


def test_the_toggle_of_the_named_store_decides(client, en, da):
    set_toggle(en, False)
    assert by_query(client).status_code == 403
    public, private = KEYS["da"]
    assert by_query(client, private, public).status_code == 200  # da's toggle is on


def test_the_token_works_whatever_the_toggle(client, en, clerk_api):
    set_toggle(en, False)
    clerk_api.add_store(PUBLIC, PRIVATE)
    token = clerk_api.issue_token(PUBLIC)
    response = client.get(
        "/clerk/product", {"key": PUBLIC}, HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200


def test_a_new_store_accepts_only_the_token():
    assert Store._meta.get_field("legacy_auth").default is False


@pytest.mark.parametrize("send", GENERATIONS)
def test_changes_made_elsewhere_apply_to_the_next_request(client, en, send):
    """``QuerySet.update()`` sends no signal, as a change saved by another process would
    not reach this one: the next request sees it all the same."""
    assert send(client).status_code == 200
    Store.objects.filter(pk=en.pk).update(private_key="rotated-secret")
    assert send(client).status_code == 403
    assert send(client, private_key="rotated-secret").status_code == 200
    Store.objects.filter(pk=en.pk).update(legacy_auth=False)
    assert send(client, private_key="rotated-secret").status_code == 403
    Store.objects.filter(pk=en.pk).update(legacy_auth=True, is_active=False)
    assert send(client, private_key="rotated-secret").status_code == 403
    Store.objects.filter(pk=en.pk).update(is_active=True, private_key="")
    assert send(client, private_key="rotated-secret").status_code == 403
    assert send(client, private_key="").status_code == 401  # no key sent at all


def test_keys_in_settings_are_read_live(client, en, settings):
    settings.CLERK = {**settings.CLERK, "STORES": {"default": {"PRIVATE_KEY": "from-settings"}}}
    assert by_query(client).status_code == 403
    assert by_query(client, "from-settings").status_code == 200
    settings.CLERK = {**settings.CLERK, "STORES": {}}
    assert by_query(client).status_code == 200
    assert by_query(client, "from-settings").status_code == 403


def test_rotatekey_applies_to_the_next_request(client, en):
    body = {"key": PUBLIC, "private_key": PRIVATE, "new_private_key": "brand-new-secret"}
    response = client.post("/clerk/rotatekey", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert by_query(client).status_code == 403
    assert by_body(client, "brand-new-secret").status_code == 200


def test_every_feed_request_reads_the_stores(client, en):
    """The stores are not cached for feeds: each request has its own store query."""
    table = f'FROM "{Store._meta.db_table}"'
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert by_query(client).status_code == 200
        assert sum(q["sql"].startswith("SELECT") and table in q["sql"] for q in queries) == 1
