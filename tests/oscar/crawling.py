"""Clerk's importer on the sandbox Oscar shop's feeds, in every feed mode and every
generation of authentication the feeds accept."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.oscar.conftest import PRIVATE, PUBLIC

ENDPOINTS = {"products": "product", "categories": "category", "orders": "order",
             "customers": "customer", "pages": "page"}  # fmt: skip


def legacy_get(client: Any, token: str, endpoint: str, **params: Any) -> Any:
    """Today's importer on the extension endpoints: the public key and the bearer token."""
    return client.get(
        f"/clerk/{endpoint}",
        {"key": PUBLIC, **params},
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
    )


def legacy_post_token(client: Any, token: str, endpoint: str, **params: Any) -> Any:
    """A POST with ``{"key": ...}`` in the body and the bearer token."""
    body = json.dumps({"key": PUBLIC, **params})
    return client.post(
        f"/clerk/{endpoint}",
        body,
        content_type="application/json",
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
    )


def legacy_query_keys(client: Any, token: str, endpoint: str, **params: Any) -> Any:
    """Generation 1: both keys in the query string."""
    return client.get(f"/clerk/{endpoint}", {"key": PUBLIC, "private_key": PRIVATE, **params})


def legacy_body_keys(client: Any, token: str, endpoint: str, **params: Any) -> Any:
    """Generation 2: both keys in a JSON body."""
    body = json.dumps({"key": PUBLIC, "private_key": PRIVATE, **params})
    return client.post(f"/clerk/{endpoint}", body, content_type="application/json")


LEGACY_AUTH: dict[str, Callable[..., Any]] = {
    "token": legacy_get,
    "token-post": legacy_post_token,
    "query-keys": legacy_query_keys,
    "body-keys": legacy_body_keys,
}


def ok_json(response: Any) -> Any:
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body


def crawl_legacy(client: Any, token: str, entity: str, auth: str, limit: int) -> list[Any]:
    """Page 1, 2, ... until an empty page."""
    request = LEGACY_AUTH[auth]
    seen: list[Any] = []
    page = 1
    while True:
        batch = json.loads(
            ok_json(request(client, token, ENDPOINTS[entity], page=page, limit=limit))
        )
        if not batch:
            return seen
        assert len(batch) <= limit
        seen += batch
        page += 1


def v2_request(client: Any, token: str, entity: str, ndjson: bool, **params: Any) -> list[Any]:
    headers = {"HTTP_X_CLERK_AUTHORIZATION": f"Bearer {token}"}
    if ndjson:
        headers["HTTP_ACCEPT"] = "application/x-ndjson"
    response = client.get(f"/clerk/v2/{entity}", {"key": PUBLIC, **params}, secure=True, **headers)
    body = ok_json(response).decode()
    if ndjson:
        assert response["Content-Type"] == "application/x-ndjson"  # the empty last page too
        return [json.loads(line) for line in body.splitlines() if line]
    return json.loads(body)


def crawl_v2(client: Any, token: str, entity: str, ndjson: bool, limit: int) -> list[Any]:
    """``offset += limit`` until an empty array."""
    seen: list[Any] = []
    offset = 0
    while batch := v2_request(client, token, entity, ndjson, limit=limit, offset=offset):
        assert len(batch) <= limit
        seen += batch
        offset += limit
    return seen


def crawl(client: Any, token: str, entity: str, mode: str, limit: int) -> list[Any]:
    """One whole crawl in ``mode``: a legacy authentication, ``v2-json``, ``v2-ndjson`` or
    ``v2-all`` (the whole feed in one NDJSON answer)."""
    if mode == "v2-json":
        return crawl_v2(client, token, entity, False, limit)
    if mode == "v2-ndjson":
        return crawl_v2(client, token, entity, True, limit)
    if mode == "v2-all":
        return v2_request(client, token, entity, True, limit="all")
    return crawl_legacy(client, token, entity, mode, limit)


MODES = [*LEGACY_AUTH, "v2-json", "v2-ndjson", "v2-all"]
