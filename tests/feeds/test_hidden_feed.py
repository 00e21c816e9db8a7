"""Hidden objects (``Meta.hidden_filter``) stay in the feeds with ``"index": false``."""

from __future__ import annotations

import pytest
from shop.models import Product

from tests.feeds.conftest import legacy
from tests.feeds.test_v2 import feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_mapping(settings):
    serializers = {**settings.CLERK.get("SERIALIZERS", {})}
    serializers["products"] = "tests.feeds.serializers.UnpublishedHiddenSerializer"
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": serializers}


@pytest.fixture
def token(clerk_api, en):
    clerk_api.add_store("pub-en", "priv-en-secret")
    return clerk_api.issue_token("pub-en")


def test_hidden_products_are_served_with_index_false(client, en, token, hidden_mapping):
    hidden = set(
        Product.objects.filter(stock__gt=0).order_by("pk").values_list("pk", flat=True)[:5]
    )
    Product.objects.filter(pk__in=hidden).update(is_published=False)
    hidden |= set(
        Product.objects.filter(stock__gt=0, is_published=False).values_list("pk", flat=True)
    )
    old = legacy(client, "product", page=1, limit=1000).json()
    new = feed(client, token=token, limit=1000).json()
    ndjson = feed(client, token=token, limit="all", accept="application/x-ndjson")
    streamed = [line for line in b"".join(ndjson.streaming_content).splitlines() if line]
    assert old == new and len(streamed) == len(old)
    assert {item["id"] for item in old if item["index"] is False} == hidden
    assert all(item["index"] is True for item in old if item["id"] not in hidden)
    assert len({item["id"] for item in old}) == len(old)
