"""JSON Feed V2: bearer token verified with Clerk over HTTP, limit/offset, modified_after,
NDJSON, HTTPS only."""

from __future__ import annotations

import datetime
import json

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError
from django.test import override_settings
from django.utils import timezone
from shop.models import Product

from django_clerk.mapping import clerk_id, get_serializers

HTTPS = {"secure": True}


@pytest.fixture
def token(clerk_api, en):
    clerk_api.add_store("pub-en", "priv-en-secret")
    return clerk_api.issue_token("pub-en")


def feed(client, entity="products", token="", secure=True, accept=None, **params):
    params.setdefault("key", "pub-en")
    params = {name: value for name, value in params.items() if value is not None}
    headers = {"HTTP_X_CLERK_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if accept:
        headers["HTTP_ACCEPT"] = accept
    return client.get(f"/clerk/v2/{entity}", params, secure=secure, **headers)


def ids_of(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def expected_ids(entity, store):
    """The Clerk ids of the entity's feed, source after source."""
    return [
        clerk_id(source, pk)
        for source in get_serializers(entity)
        for pk in source.feed_queryset(store).values_list("pk", flat=True)
    ]


@pytest.mark.parametrize("entity", ["products", "categories", "orders", "customers", "pages"])
def test_each_entity(client, en, token, entity):
    response = feed(client, entity, token, key="pub-en", limit=1000)
    assert response["Content-Type"] == "application/json"
    assert ids_of(response) == expected_ids(entity, en)


def test_limit_default_max_and_offset(client, en, da, token):
    da.is_active = False
    da.save()
    everything = expected_ids("products", en)
    assert ids_of(feed(client, token=token, key=None)) == everything[:25]  # the only store
    assert ids_of(feed(client, token=token, limit=10, offset=20)) == everything[20:30]
    assert ids_of(feed(client, token=token, offset=len(everything))) == []
    response = feed(client, token=token, limit=1001)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("limit:")


def test_importer_crawl_gets_every_object_exactly_once(client, en, token):
    """Clerk's importer: offset += limit until an empty array."""
    seen, offset = [], 0
    while True:
        batch = feed(client, token=token, limit=13, offset=offset).json()
        if not batch:
            break
        seen += batch
        offset += 13
    assert [item["id"] for item in seen] == expected_ids("products", en)
    from django_clerk.mapping import problems

    assert all(problems("products", item) == [] for item in seen if "brand" in item)


@pytest.mark.parametrize("form", ["unix", "iso", "iso-naive"])
def test_modified_after(client, en, token, form):
    recent = list(expected_ids("products", en)[:3])
    old = timezone.now() - datetime.timedelta(days=30)
    Product.objects.exclude(pk__in=recent).update(updated_at=old)
    moment = old + datetime.timedelta(days=1)
    value = {
        "unix": str(int(moment.timestamp())),
        "iso": moment.isoformat(),
        "iso-naive": moment.replace(tzinfo=None).isoformat(),
    }[form]
    assert ids_of(feed(client, token=token, modified_after=value, limit=100)) == recent


def test_bad_modified_after_is_400(client, en, token):
    response = feed(client, token=token, modified_after="last tuesday")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("modified_after:")


def test_ndjson_by_accept_header(client, en, token):
    response = feed(client, token=token, accept="application/x-ndjson", limit=5)
    assert response["Content-Type"] == "application/x-ndjson"
    lines = response.content.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == expected_ids("products", en)[:5]


@pytest.mark.parametrize("accept", ["application/x-ndjson", "application/json"])
def test_the_empty_page_after_the_last_keeps_its_content_type(client, en, token, accept):
    total = len(expected_ids("products", en))
    response = feed(client, token=token, accept=accept, limit=5, offset=total + 10)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(accept)
    assert response.content in (b"", b"[]")


@pytest.mark.parametrize("accept", ["application/x-ndjson", "application/json"])
def test_limit_all_streams_the_whole_feed(client, en, token, accept):
    response = feed(client, token=token, accept=accept, limit="all")
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    items = (
        [json.loads(line) for line in body.splitlines()]
        if accept.endswith("ndjson")
        else json.loads(body)
    )
    assert [item["id"] for item in items] == expected_ids("products", en)


def test_plain_http_refused_unless_allowed(client, en, token, settings):
    response = feed(client, token=token, secure=False)
    assert response.status_code == 403
    assert "HTTPS" in response.json()["error"]["message"]
    settings.CLERK = {**settings.CLERK, "FEED_ALLOW_HTTP": True}
    assert feed(client, token=token, secure=False).status_code == 200


def test_secure_proxy_ssl_header_is_honoured(client, en, token, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get(
        "/clerk/v2/products?key=pub-en",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200


def test_missing_token_401_bad_token_403(client, en, token, clerk_api):
    assert feed(client).status_code == 401
    response = feed(client, token="not-a-token")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == 403


def test_verified_token_is_cached_briefly(client, en, token, clerk_api):
    for _ in range(3):
        assert feed(client, token=token).status_code == 200
    assert clerk_api.count("token/verify") == 1


def test_rejected_token_is_asked_once_and_never_let_through(client, en, token, clerk_api):
    for _ in range(2):
        assert feed(client, token="forged").status_code == 403
    assert clerk_api.count("token/verify") == 1  # the refusal is remembered
    clerk_api.revoke_token(token)
    assert feed(client, token=token).status_code == 403  # never verified: not in the cache


def test_token_for_another_store_is_refused(client, en, da, clerk_api):
    clerk_api.add_store("pub-da", "priv-da-secret")
    danish_token = clerk_api.issue_token("pub-da")
    assert feed(client, token=danish_token, key="pub-en").status_code == 403
    assert feed(client, token=danish_token, key="pub-da").status_code == 200


def test_key_required_when_several_stores_are_active(client, en, da, token):
    response = feed(client, token=token, key=None)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("key:")


def test_clerk_unreachable_is_503(client, en, token, clerk_api, settings):
    settings.CLERK = {**settings.CLERK, "API_RETRIES": 0, "TOKEN_VERIFY_COOLDOWN": 0}
    clerk_api.go_down()
    response = feed(client, token=token)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == 503
    clerk_api.come_up()
    assert feed(client, token=token).status_code == 200


def test_post_is_405_json(client, en, token):
    response = client.post(
        "/clerk/v2/products", secure=True, HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 405
    assert response.json()["error"]["code"] == 405


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9999-12-31", "1e400", "nan"],
)
def test_modified_after_out_of_range_is_400(client, en, token, value):
    response = feed(client, token=token, modified_after=value)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"].startswith("modified_after:")


OFFSETS = {"+14:00": 14 * 60, "-14:00": -14 * 60, "+05:30": 5 * 60 + 30, "Z": 0}


@pytest.mark.parametrize("offset", OFFSETS)
def test_modified_after_with_any_offset_is_the_same_instant(client, en, token, offset):
    recent = list(expected_ids("products", en)[:4])
    old = timezone.now() - datetime.timedelta(days=30)
    Product.objects.exclude(pk__in=recent).update(updated_at=old)
    zone = datetime.timezone(datetime.timedelta(minutes=OFFSETS[offset]))
    local = (old + datetime.timedelta(days=1)).astimezone(zone)
    value = local.replace(tzinfo=None).isoformat() + offset
    assert ids_of(feed(client, token=token, modified_after=value, limit=100)) == recent


@pytest.mark.parametrize("path", ["v2/nope", "v2/products/extra", "v2/products/1", "v2"])
def test_unknown_v2_paths_are_json_404(client, path):
    response = client.get(f"/clerk/{path}", secure=True)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "message": "No feed or service at this address."}
    }


def test_limit_and_offset_extremes_are_400(client, en, token):
    for params in ({"limit": "-1"}, {"limit": "9" * 5000}, {"offset": str(2**64)}, {"offset": "x"}):
        response = feed(client, token=token, **params)
        assert response.status_code == 400, params
        assert response.json()["error"]["message"].split(":")[0] in params


@pytest.mark.parametrize("accept", ["application/x-ndjson", "application/json"])
def test_a_stream_that_fails_midway_never_looks_complete(client, en, token, accept, monkeypatch):
    """Clerk deletes what a full feed leaves out: a whole-feed export that fails after its
    status was sent must break off (the server drops the connection), never end as a valid,
    shorter document."""
    from django_clerk.feeds.views import EntityFeedView

    rendered = EntityFeedView.render_page
    pages = []

    def failing_second_chunk(self, items, source, objects):
        pages.append(len(items))
        if len(pages) == 2:
            raise DatabaseError("statement timeout")
        return rendered(self, items, source, objects)

    monkeypatch.setattr(EntityFeedView, "render_page", failing_second_chunk)
    settings_limit = {"FEED_MAX_LIMIT": 10}
    with override_settings(CLERK={**django_settings.CLERK, **settings_limit}):
        response = feed(client, token=token, accept=accept, limit="all")
        assert response.status_code == 200
        received = []
        with pytest.raises(DatabaseError):
            for part in response.streaming_content:
                received.append(part)
    body = b"".join(received).decode()
    assert pages == [10, 10]
    assert not body.rstrip().endswith("]")
    if accept.endswith("ndjson"):
        assert len(body.splitlines()) == 10
