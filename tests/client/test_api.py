"""ClerkClient against the fake Clerk.io API over real HTTP."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from django_clerk.client import (
    ClerkAPIError,
    ClerkAuthenticationError,
    ClerkClient,
    ClerkResult,
    ClerkTransientError,
    ClerkUnavailableError,
)
from django_clerk.client.api import MAX_BATCH
from django_clerk.testing import DEFAULT_CONTENT_IDS, FakeClerkAPI

PUBLIC, PRIVATE = "pub-key", "very-secret-private-key"
PRODUCTS = [
    {"id": 3, "name": "Blue Mug", "price": 9.0, "categories": [10]},
    {"id": 1, "name": "Red mug", "price": 8.0, "categories": [10]},
    {"id": 2, "name": "Plate", "price": 5.0, "categories": [11]},
]


@pytest.fixture
def fake(clerk_api: FakeClerkAPI) -> FakeClerkAPI:
    clerk_api.add_store(PUBLIC, PRIVATE)
    return clerk_api


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(fake: FakeClerkAPI, sleeps: list[float]) -> Iterator[ClerkClient]:
    # api_url is not given: it comes from settings.CLERK, which clerk_api points at the fake.
    with ClerkClient(PUBLIC, PRIVATE, timeout=2, retries=3, backoff=0.5, sleep=sleeps.append) as c:
        yield c


# -- data calls ---------------------------------------------------------------------------
def test_upsert_sends_keys_and_objects(client: ClerkClient, fake: FakeClerkAPI) -> None:
    assert client.upsert("products", PRODUCTS) == {"status": "ok"}
    assert fake.received("products") == PRODUCTS
    call = fake.calls("POST", "products")[0]
    assert call.json == {"key": PUBLIC, "private_key": PRIVATE, "products": PRODUCTS}
    assert call.headers["Content-Type"] == "application/json"
    assert sorted(fake.data["products"]) == [1, 2, 3]


def test_upsert_splits_big_batches(client: ClerkClient, fake: FakeClerkAPI) -> None:
    objects = [{"id": i, "name": f"p{i}"} for i in range(MAX_BATCH + 5)]
    client.upsert("customers", objects)
    assert [len(c.json["customers"]) for c in fake.calls("POST", "customers")] == [MAX_BATCH, 5]
    assert len(fake.data["customers"]) == MAX_BATCH + 5


def test_upsert_of_nothing_makes_no_call(client: ClerkClient, fake: FakeClerkAPI) -> None:
    assert client.upsert("pages", []) == {"status": "ok"}
    assert fake.requests == []


def test_unknown_entity_is_refused_locally(client: ClerkClient, fake: FakeClerkAPI) -> None:
    with pytest.raises(ValueError, match="product"):
        client.upsert("product", PRODUCTS)
    assert fake.requests == []


def test_delete_sends_ids_in_query_and_body(client: ClerkClient, fake: FakeClerkAPI) -> None:
    client.upsert("products", PRODUCTS)
    assert client.delete("products", [1, 3]) == {"status": "ok"}
    call = fake.calls("DELETE", "products")[0]
    assert call.query == {"key": PUBLIC, "private_key": PRIVATE, "products": [1, 3]}
    assert call.json["products"] == [1, 3]
    assert fake.deleted("products") == [1, 3]
    assert list(fake.data["products"]) == [2]


def test_data_calls_need_a_private_key(fake: FakeClerkAPI) -> None:
    client = ClerkClient(PUBLIC)
    with pytest.raises(ClerkAuthenticationError, match="private key"):
        client.upsert("products", PRODUCTS)
    assert fake.requests == []


def test_wrong_private_key_raises_authentication_error(fake: FakeClerkAPI) -> None:
    client = ClerkClient(PUBLIC, "wrong-key", sleep=pytest.fail)
    with pytest.raises(ClerkAuthenticationError) as info:
        client.upsert("products", PRODUCTS)
    assert info.value.type == "AuthenticationError"
    assert info.value.status_code == 403
    assert info.value.retryable is False
    assert fake.received("products") == []
    assert fake.count("products") == 1  # not retried


def test_account_info_and_content_list(client: ClerkClient, fake: FakeClerkAPI) -> None:
    info = client.account_info()
    assert info["status"] == "ok"
    assert info["store"]["public_key"] == PUBLIC
    assert client.content_ids() == list(DEFAULT_CONTENT_IDS)
    fake.set_contents(["home-page-popular"])
    assert client.content_list()["contents"][0]["id"] == "home-page-popular"
    assert fake.calls("GET", "client/account/info")[0].query["private_key"] == PRIVATE


def test_log_debug(client: ClerkClient, fake: FakeClerkAPI) -> None:
    assert client.log_debug("Sync failed", "error", store="default")["status"] == "ok"
    logged = fake.logged("log/debug")[0]
    assert logged["message"] == "Sync failed"
    assert logged["type"] == "error"
    assert logged["metadata"] == {"store": "default"}
    assert "private_key" not in fake.calls("POST", "log/debug")[0].json


def test_for_store_uses_the_store_credentials(fake: FakeClerkAPI) -> None:
    store = SimpleNamespace(
        credentials=lambda: SimpleNamespace(public_key=PUBLIC, private_key=PRIVATE)
    )
    client = ClerkClient.for_store(store, retries=0)
    assert client.public_key == PUBLIC
    assert client.retries == 0
    assert client.account_info()["status"] == "ok"


def test_settings_are_read_at_call_time(client: ClerkClient, settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "API_TIMEOUT": 3.5, "API_RETRIES": 7}
    default = ClerkClient(PUBLIC)
    assert (default.timeout, default.retries) == (3.5, 7)
    settings.CLERK = {**settings.CLERK, "API_URL": "http://example.invalid/v2"}
    assert default.api_url == "http://example.invalid/v2/"


# -- token verification -------------------------------------------------------------------
def test_verify_token(client: ClerkClient, fake: FakeClerkAPI) -> None:
    token = fake.issue_token(PUBLIC)
    assert client.verify_token(token) is True
    assert client.verify_token("forged") is False
    assert client.verify_token(fake.issue_token("someone-else")) is False
    assert client.verify_token("") is False
    assert fake.count("token/verify") == 3
    assert fake.calls(path="token/verify")[0].json == {"key": PUBLIC, "token": token}


def test_verify_token_unreachable_retries_once(
    client: ClerkClient, fake: FakeClerkAPI, sleeps: list[float]
) -> None:
    fake.go_down("close")
    with pytest.raises(ClerkUnavailableError) as info:
        client.verify_token(fake.issue_token(PUBLIC))
    assert info.value.attempts == 2
    assert fake.count("token/verify") == 2
    assert sleeps == [0.5]


def test_verify_token_recovers_from_one_503(client: ClerkClient, fake: FakeClerkAPI) -> None:
    fake.fail_next(1, status=503, path="token/verify")
    assert client.verify_token(fake.issue_token(PUBLIC)) is True


def test_verify_token_nowhere_to_connect() -> None:
    client = ClerkClient(PUBLIC, api_url="http://127.0.0.1:9/v2/", retries=0, timeout=1)
    with pytest.raises(ClerkTransientError):
        client.verify_token("token")


# -- prediction API ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "path", "expected", "sent"),
    [
        (lambda c: c.substituting(1), "recommendations/substituting", [3, 2], {"products": [1]}),
        (lambda c: c.complementary([1, 2]), "recommendations/complementary", [3], None),
        (lambda c: c.bundle((3,)), "recommendations/bundle", [1, 2], None),
        (lambda c: c.popular(limit=2), "recommendations/popular", [1, 2], {"limit": 2}),
        (lambda c: c.trending(), "recommendations/trending", [1, 2, 3], None),
        (lambda c: c.new(), "recommendations/new", [1, 2, 3], None),
        (lambda c: c.currently_watched(), "recommendations/currently_watched", [1, 2, 3], None),
        (lambda c: c.recently_bought(), "recommendations/recently_bought", [1, 2, 3], None),
        (lambda c: c.category_popular(11), "recommendations/category/popular", [2], None),
        (lambda c: c.visitor_history("v1"), "recommendations/visitor/history", [1, 2, 3], None),
        (lambda c: c.customer_history("a@b.c"), "recommendations/customer/history", None, None),
        (lambda c: c.keywords("mug"), "recommendations/keywords", None, {"keywords": ["mug"]}),
        (lambda c: c.recommendations("popular", offset=2), "recommendations/popular", [3], None),
        (lambda c: c.predictive("MUG"), "search/predictive", [1, 3], {"query": "MUG"}),
    ],
)
def test_prediction_calls(
    client: ClerkClient, fake: FakeClerkAPI, call: Any, path: str, expected: Any, sent: Any
) -> None:
    fake.set_products(PRODUCTS)
    result = call(client)
    assert isinstance(result, ClerkResult)
    if expected is not None:
        assert result.result == expected
    request = fake.calls("POST", path)[-1]
    assert request.json["key"] == PUBLIC
    assert "private_key" not in request.json
    for name, value in (sent or {}).items():
        assert request.json[name] == value


def test_search_with_paging_and_product_data(client: ClerkClient, fake: FakeClerkAPI) -> None:
    client.upsert("products", PRODUCTS)
    result = client.search("mug", limit=1, offset=1, attributes=["name", "price"], facets=["b"])
    assert result.result == [3]
    assert result.count == 2
    assert result.facets == {}
    assert result.product_data == [{"name": "Blue Mug", "price": 9.0}]
    assert list(result) == [3] and len(result) == 1
    sent = fake.calls("POST", "search/search")[0].json
    assert sent["facets"] == ["b"] and "filter" not in sent  # None is not sent


def test_search_categories_pages_and_campaigns(client: ClerkClient, fake: FakeClerkAPI) -> None:
    client.upsert("categories", [{"id": 10, "name": "Mugs"}, {"id": 11, "name": "Plates"}])
    client.upsert("pages", [{"id": "faq", "title": "Shipping FAQ"}])
    client.upsert("customers", [{"id": 7, "name": "Ann"}, {"id": 5, "name": "Bob"}])
    assert client.search_categories("plate").result == [11]
    assert client.search_pages("faq").result == ["faq"]
    assert client.campaign_customers(1).result == [5, 7]
    assert fake.calls(path="campaigns/customers")[0].json["interest"] == [1]


def test_log_calls(client: ClerkClient, fake: FakeClerkAPI) -> None:
    lines = [{"id": 1, "quantity": 2, "price": 8.0}]
    assert client.log_sale("o-1", lines, customer=4, email="a@b.c", visitor="v1")["status"] == "ok"
    assert client.log_click(1, "search/search", visitor="v1")["status"] == "ok"
    assert client.log_basket([1, 2], email="a@b.c")["status"] == "ok"
    sale = fake.logged("log/sale")[0]
    assert sale == {
        "sale": "o-1",
        "products": lines,
        "customer": 4,
        "email": "a@b.c",
        "visitor": "v1",
    }
    assert fake.logged("log/click") == [{"product": 1, "api": "search/search", "visitor": "v1"}]
    assert fake.logged("log/basket/set") == [{"products": [1, 2], "email": "a@b.c"}]


def test_with_visitor_fills_in_the_visitor(client: ClerkClient, fake: FakeClerkAPI) -> None:
    bound = client.with_visitor("abc123")
    bound.popular()
    bound.log_basket([1])
    bound.search("x", visitor="explicit")
    client.popular()
    visitors = [r.json.get("visitor") for r in fake.requests]
    assert visitors == ["abc123", "abc123", "explicit", None]


# -- failures and retries -----------------------------------------------------------------
def test_error_json_raises_api_error_without_retry(client: ClerkClient, fake: FakeClerkAPI) -> None:
    fake.error_next(1, type="ParsingError", message="products must be a list", path="products")
    with pytest.raises(ClerkAPIError) as info:
        client.upsert("products", PRODUCTS)
    error = info.value
    assert (error.type, error.message, error.status_code) == (
        "ParsingError",
        "products must be a list",
        400,
    )
    assert error.error_id and error.more_info
    assert not isinstance(error, ClerkTransientError)
    assert fake.received("products") == []
    assert fake.count("products") == 1


def test_error_status_with_http_200_is_a_failure(client: ClerkClient, fake: FakeClerkAPI) -> None:
    fake.error_next(1, type="LogicalError", message="Unknown store", status=200)
    with pytest.raises(ClerkAPIError, match="Unknown store") as info:
        client.popular()
    assert info.value.status_code == 200


def test_5xx_is_retried_then_succeeds(
    client: ClerkClient, fake: FakeClerkAPI, sleeps: list[float]
) -> None:
    fake.fail_next(2, status=503, path="products")
    assert client.upsert("products", PRODUCTS) == {"status": "ok"}
    assert sleeps == [0.5, 1.0]
    assert [r.status for r in fake.calls("POST", "products")] == [503, 503, 200]
    assert fake.received("products") == PRODUCTS  # failed attempts stored nothing


def test_internal_error_json_is_retried(
    client: ClerkClient, fake: FakeClerkAPI, sleeps: list[float]
) -> None:
    fake.error_next(1, type="InternalError", message="Oops")
    assert client.popular().raw["status"] == "ok"
    assert sleeps == [0.5]


def test_429_honours_retry_after(
    client: ClerkClient, fake: FakeClerkAPI, sleeps: list[float]
) -> None:
    fake.rate_limit(1, retry_after=7)
    fake.rate_limit(1, retry_after=3600)
    client.upsert("orders", [{"id": 1, "products": [], "time": 1}])
    assert sleeps == [7.0, 60.0]  # the second one capped at MAX_RETRY_AFTER
    assert len(fake.received("orders")) == 1


def test_retries_exhausted_raise_unavailable(
    client: ClerkClient, fake: FakeClerkAPI, sleeps: list[float]
) -> None:
    fake.fail_next(10, status=502)
    with pytest.raises(ClerkUnavailableError) as info:
        client.delete("products", [1])
    assert info.value.attempts == 4
    assert info.value.status_code == 502
    assert info.value.retryable is True
    assert sleeps == [0.5, 1.0, 2.0]
    assert fake.deleted("products") == []


def test_retries_zero_means_one_attempt(fake: FakeClerkAPI, sleeps: list[float]) -> None:
    client = ClerkClient(PUBLIC, PRIVATE, retries=0, sleep=sleeps.append)
    fake.go_down("503")
    with pytest.raises(ClerkUnavailableError):
        client.popular()
    assert fake.count() == 1
    assert sleeps == []


def test_timeout_on_hang(fake: FakeClerkAPI, sleeps: list[float]) -> None:
    client = ClerkClient(PUBLIC, PRIVATE, timeout=0.2, retries=1, sleep=sleeps.append)
    fake.hang(2, n=1)
    started = time.monotonic()
    assert client.popular().raw["status"] == "ok"  # the retry is answered at once
    assert time.monotonic() - started < 1.5
    assert fake.count("recommendations/popular") == 2
    fake.hang(2)
    with pytest.raises(ClerkUnavailableError, match="timed out"):
        client.popular()


def test_non_json_answer_is_transient(client: ClerkClient, fake: FakeClerkAPI) -> None:
    fake.fail_next(1, status=200)
    assert client.popular().raw["status"] == "ok"
    assert fake.count() == 2


# -- secrets -------------------------------------------------------------------------------
def test_private_key_never_leaks(
    fake: FakeClerkAPI, caplog: pytest.LogCaptureFixture, sleeps: list[float]
) -> None:
    caplog.set_level(logging.DEBUG)
    client = ClerkClient(PUBLIC, PRIVATE, retries=1, timeout=0.2, sleep=sleeps.append)
    assert PRIVATE not in repr(client) and PUBLIC in repr(client)
    errors: list[Exception] = []
    for setup in (
        lambda: fake.go_down("close"),
        lambda: fake.go_down("503"),
        lambda: fake.hang(1),
        lambda: fake.error_next(2, type="AuthenticationError", message=f"bad {PRIVATE}"),
    ):
        fake.clear_faults()
        setup()
        for call in (lambda: client.delete("products", [1]), client.account_info):
            with pytest.raises(Exception) as info:
                call()
            errors.append(info.value)
    unreachable = ClerkClient(PUBLIC, PRIVATE, api_url="http://127.0.0.1:9/v2/", retries=0)
    with pytest.raises(ClerkTransientError) as info:
        unreachable.delete("products", [1])
    errors.append(info.value)
    assert len(errors) == 9 and caplog.records
    for error in errors:
        assert PRIVATE not in str(error) and PRIVATE not in repr(error)
        assert PRIVATE not in str(error.__cause__ or "")
    assert any("127.0.0.1" in r.getMessage() for r in caplog.records)  # urllib3 did log URLs
    assert all(PRIVATE not in r.getMessage() for r in caplog.records)


def test_shared_session_is_used_and_not_closed(fake: FakeClerkAPI) -> None:
    session = requests.Session()
    with ClerkClient(PUBLIC, PRIVATE, session=session) as client:
        client.upsert("products", PRODUCTS[:1])
    assert client.transport.session is session
    assert session.get(fake.url + "token/verify").json()["status"] == "error"  # still usable
    session.close()
    assert json.loads(json.dumps(fake.data["products"][3])) == PRODUCTS[0]
