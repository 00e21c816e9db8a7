"""The feed renderers: U+2028/U+2029 escaped (N objects are N lines), never a failed render."""

from __future__ import annotations

import json

import pytest
from shop.models import Product

from django_clerk.feeds.renderers import JSONRenderer, NDJSONRenderer
from django_clerk.mapping import get_serializer
from tests.feeds.conftest import KEYS

SEPARATORS = "\u2028\u2029"


def objects(count: int) -> list[dict]:
    """``count`` objects with line and paragraph separators, and other line breaks of
    ``str.splitlines`` that JSON escapes anyway, in keys and values."""
    return [
        {
            "id": index,
            "name": f"line\u2028{index}\u2029para",
            f"key\u2028{index}": ["\u2029", "\n\r\x0b\x0c\x1c\x1d\x1e\x85"],
        }
        for index in range(count)
    ]


class Page:
    pretty = False


def test_ndjson_has_exactly_one_line_per_object():
    items = objects(55)
    text = NDJSONRenderer().render(items).decode()
    assert not set(SEPARATORS) & set(text)
    lines = text.splitlines()
    assert len(lines) == 55
    assert [json.loads(line) for line in lines] == items
    assert "\\u2028" in lines[0] and "\\u2029" in lines[0]


def test_ndjson_stream_has_exactly_one_line_per_object():
    items = objects(30)
    chunks = [items[:7], items[7:20], items[20:]]
    text = b"".join(NDJSONRenderer().stream(iter(chunks))).decode()
    assert len(text.splitlines()) == 30
    assert [json.loads(line) for line in text.splitlines()] == items


@pytest.mark.parametrize("pretty", [False, True])
def test_json_escapes_the_separators(pretty):
    items = objects(5)
    Page.pretty = pretty
    text = JSONRenderer().render(items, renderer_context={"view": Page}).decode()
    Page.pretty = False
    assert not set(SEPARATORS) & set(text)
    assert json.loads(text) == items
    streamed = b"".join(JSONRenderer().stream(iter([items[:2], items[2:]]), pretty)).decode()
    assert not set(SEPARATORS) & set(streamed)
    assert json.loads(streamed) == items


def test_other_text_stays_utf8():
    text = JSONRenderer().render([{"name": "Ærø café ☕ 日本"}]).decode()
    assert "Ærø café ☕ 日本" in text


@pytest.mark.parametrize("renderer", [JSONRenderer(), NDJSONRenderer()])
def test_a_lone_surrogate_is_escaped_not_a_failure(renderer):
    items = [{"id": 1, "name": "broken \ud800 text"}, {"id": 2, "name": "fine"}]
    body = renderer.render(items)
    assert b"\\ud800" in body
    text = body.decode("utf-8")
    parsed = (
        json.loads(text)
        if renderer.format == "json"
        else list(map(json.loads, text.split("\n")[:-1]))
    )
    assert parsed == items
    assert renderer.render({"error": {"code": 400, "message": "x\ud800"}}).decode("utf-8")


def test_feed_v2_ndjson_of_names_with_separators(client, en, clerk_api):
    clerk_api.add_store(*KEYS["default"])
    token = clerk_api.issue_token(KEYS["default"][0])
    Product.objects.update(name="Two\u2028lines\u2029here")
    total = get_serializer("products").feed_queryset(en).count()
    for limit, expected in (("25", min(25, total)), ("all", total)):
        response = client.get(
            "/clerk/v2/products",
            {"key": KEYS["default"][0], "limit": limit},
            secure=True,
            HTTP_ACCEPT="application/x-ndjson",
            HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        lines = body.decode().splitlines()
        assert len(lines) == expected
        assert all(json.loads(line)["name"] == "Two\u2028lines\u2029here" for line in lines)
