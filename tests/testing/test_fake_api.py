"""The fake Clerk.io API, driven with plain ``requests`` over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.conf import settings as django_settings

from django_clerk.testing import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, FakeClerkAPI
from tests import settings as test_settings

KEYS = {"key": DEFAULT_PUBLIC_KEY, "private_key": DEFAULT_PRIVATE_KEY}
MUGS = [{"id": 2, "name": "Blue MUG"}, {"id": 1, "name": "red mug"}, {"id": 3, "name": "Plate"}]


@pytest.fixture
def fake() -> Iterator[FakeClerkAPI]:
    with FakeClerkAPI() as server:
        yield server


def post(fake: FakeClerkAPI, path: str, body: Any, **kw: Any) -> requests.Response:
    kw.setdefault("timeout", 5)
    return requests.post(fake.url + path, json=body, **kw)


def test_url_and_lifecycle() -> None:
    fake = FakeClerkAPI()
    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake:
        assert fake.url.startswith("http://127.0.0.1:") and fake.url.endswith("/v2/")
        assert fake.start() is fake  # idempotent
        url = fake.url
        assert requests.get(url + "token/verify", timeout=5).status_code == 400
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "token/verify", timeout=2)
    fake.stop()  # idempotent


def test_upsert_and_delete_track_state(fake: FakeClerkAPI) -> None:
    assert post(fake, "products", {**KEYS, "products": MUGS}).json() == {"status": "ok"}
    post(fake, "products", {**KEYS, "products": [{"id": 1, "name": "Red mug v2"}]})
    assert [p["id"] for p in fake.received("products")] == [2, 1, 3, 1]
    assert fake.data["products"][1]["name"] == "Red mug v2"
    # The official extensions send everything in the query string.
    query = {**KEYS, "products": "[2, 3]"}
    answer = requests.delete(fake.url + "products", params=query, timeout=5)
    assert answer.json() == {"status": "ok"}
    requests.delete(fake.url + "products", json={**KEYS, "products": [1]}, timeout=5)
    assert fake.deleted("products") == [2, 3, 1]
    assert fake.data["products"] == {}
    call = fake.calls("DELETE", "products")[0]
    assert (call.method, call.path, call.query["products"], call.status) == (
        "DELETE",
        "products",
        [2, 3],
        200,
    )
    assert call.time <= time.time()


def test_strict_keys(fake: FakeClerkAPI) -> None:
    bad = post(fake, "products", {**KEYS, "private_key": "nope", "products": MUGS})
    assert bad.status_code == 403
    assert bad.json()["type"] == "AuthenticationError" and bad.json()["status"] == "error"
    unknown = post(fake, "recommendations/popular", {"key": "who"})
    assert unknown.json()["type"] == "AuthenticationError"
    fake.add_store("who", "pw")
    assert post(fake, "recommendations/popular", {"key": "who"}).json()["status"] == "ok"
    assert post(fake, "categories", {"key": "who", "private_key": "pw", "categories": []}).ok
    assert fake.received("products") == []
    assert fake.count("products") == 1


def test_lenient_keys_accept_unknown_stores() -> None:
    with FakeClerkAPI(strict_keys=False) as fake:
        assert post(fake, "pages", {"key": "x", "private_key": "y", "pages": [{"id": 1}]}).ok
        refused = post(fake, "pages", {**KEYS, "private_key": "wrong", "pages": [{"id": 2}]})
        assert refused.status_code == 403
        assert list(fake.data["pages"]) == [1]


def test_parsing_errors(fake: FakeClerkAPI) -> None:
    no_id = post(fake, "products", {**KEYS, "products": [{"name": "x"}]})
    assert (no_id.status_code, no_id.json()["type"]) == (400, "ParsingError")
    not_json = requests.post(fake.url + "products", data=b"{oops", timeout=5)
    assert not_json.json()["type"] == "ParsingError"
    unknown = requests.get(fake.url + "nowhere", params={"key": DEFAULT_PUBLIC_KEY}, timeout=5)
    assert unknown.status_code == 404 and unknown.json()["status"] == "error"
    outside = requests.get(fake.url.replace("/v2/", "/v1/x"), timeout=5)
    assert outside.status_code == 404 and outside.headers["Content-Type"] == "application/json"


def test_token_verify_post_and_get(fake: FakeClerkAPI) -> None:
    token = fake.issue_token()
    assert post(fake, "token/verify", {"token": token, "key": DEFAULT_PUBLIC_KEY}).ok
    query = {"token": token, "key": DEFAULT_PUBLIC_KEY}
    assert requests.get(fake.url + "token/verify", params=query, timeout=5).json()["status"] == "ok"
    wrong_key = post(fake, "token/verify", {"token": token, "key": "other"})
    assert wrong_key.json()["type"] == "AuthenticationError"
    fake.revoke_token(token)
    assert post(fake, "token/verify", query).json()["status"] == "error"
    assert fake.count("token/verify") == 4
    assert fake.count("token/verify", method="GET") == 1


def test_path_specific_failures_store_nothing(fake: FakeClerkAPI) -> None:
    fake.fail_next(1, status=500, path="products")
    fake.error_next(1, type="LogicalError", path="categories", method="POST")
    failed = post(fake, "products", {**KEYS, "products": MUGS})
    assert failed.status_code == 500 and failed.headers["Content-Type"].startswith("text/html")
    logical = post(fake, "categories", {**KEYS, "categories": [{"id": 1}]})
    assert (logical.status_code, logical.json()["type"]) == (400, "LogicalError")
    assert fake.received("products") == [] and fake.data["categories"] == {}
    assert post(fake, "products", {**KEYS, "products": MUGS}).ok  # the faults were used up
    assert [r.status for r in fake.requests] == [500, 400, 200]


def test_rate_limit_and_error_statuses(fake: FakeClerkAPI) -> None:
    fake.rate_limit(1, retry_after=5, path="recommendations")
    fake.rate_limit(1, retry_after="Wed, 21 Oct 2037 07:28:00 GMT")
    limited = post(fake, "recommendations/popular", {"key": DEFAULT_PUBLIC_KEY})
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "5")
    dated = post(fake, "search/search", {"key": DEFAULT_PUBLIC_KEY, "query": ""})
    assert dated.headers["Retry-After"].endswith("GMT")
    fake.error_next(1, type="InternalError", message="boom")
    internal = post(fake, "search/search", {"key": DEFAULT_PUBLIC_KEY, "query": ""})
    assert (internal.status_code, internal.json()["message"]) == (500, "boom")


def test_errors_with_http_200_without_type_and_for_every_request(fake: FakeClerkAPI) -> None:
    fake.error_next(None, type=None, status=200, path="products")
    for _ in range(3):
        answer = post(fake, "products", {**KEYS, "products": MUGS})
        assert answer.status_code == 200
        assert answer.json()["status"] == "error" and "type" not in answer.json()
    assert fake.received("products") == []
    fake.clear_faults()
    assert post(fake, "products", {**KEYS, "products": MUGS}).json()["status"] == "ok"


def test_refuse_spoils_every_batch_holding_the_object(fake: FakeClerkAPI) -> None:
    fake.refuse("products", [3], message="Bad price")
    refused = post(fake, "products", {**KEYS, "products": MUGS})
    assert (refused.status_code, refused.json()["type"]) == (400, "ParsingError")
    assert refused.json()["message"] == "Bad price"
    assert post(fake, "products", {**KEYS, "products": MUGS[:2]}).json()["status"] == "ok"
    assert post(fake, "products", {**KEYS, "products": MUGS[2:]}).status_code == 400  # again
    assert post(fake, "categories", {**KEYS, "categories": [{"id": 3}]}).ok  # other entity
    assert sorted(fake.data["products"]) == [1, 2]
    fake.reset()
    assert post(fake, "products", {**KEYS, "products": MUGS}).ok


def test_hang_is_bounded_and_reset_drops_the_request(fake: FakeClerkAPI) -> None:
    fake.hang(0.3, n=1)
    started = time.monotonic()
    assert post(fake, "recommendations/popular", {"key": DEFAULT_PUBLIC_KEY}).ok
    assert 0.3 <= time.monotonic() - started < 1.5
    # A request the client gave up on is still processed once the hang is over, as Clerk would.
    fake.hang(0.3, n=1, path="products")
    with pytest.raises(requests.ReadTimeout):
        post(fake, "products", {**KEYS, "products": MUGS[:1]}, timeout=0.1)
    time.sleep(0.4)
    assert list(fake.data["products"]) == [2]
    # ...unless the fake was reset meanwhile: it must not land in the new state.
    fake.hang(0.3, n=1, path="products")
    with pytest.raises(requests.ReadTimeout):
        post(fake, "products", {**KEYS, "products": MUGS}, timeout=0.1)
    fake.reset()
    time.sleep(0.4)
    assert fake.data["products"] == {}


def test_stop_returns_promptly_with_a_hanging_request() -> None:
    fake = FakeClerkAPI().start()
    fake.hang(30)
    errors: list[Exception] = []

    def call() -> None:
        try:
            post(fake, "recommendations/popular", {"key": DEFAULT_PUBLIC_KEY})
        except requests.RequestException as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    fake.stop()
    thread.join(timeout=3)
    assert time.monotonic() - started < 2
    assert not thread.is_alive() and len(errors) == 1


def test_go_down_and_come_up(fake: FakeClerkAPI) -> None:
    body = {"key": DEFAULT_PUBLIC_KEY}
    fake.go_down()
    with pytest.raises(requests.ConnectionError):
        post(fake, "recommendations/popular", body)
    fake.go_down("503")
    assert post(fake, "recommendations/popular", body).status_code == 503
    with pytest.raises(ValueError):
        fake.go_down("sideways")
    fake.come_up()
    assert post(fake, "recommendations/popular", body).ok
    assert [r.status for r in fake.requests] == [None, 503, 200]


def test_predictions_are_deterministic(fake: FakeClerkAPI) -> None:
    key = {"key": DEFAULT_PUBLIC_KEY}
    post(fake, "products", {**KEYS, "products": MUGS})
    recs = post(fake, "recommendations/substituting", {**key, "products": [2], "limit": 1}).json()
    assert (recs["result"], recs["count"]) == ([1], 2)
    fake.set_products([{"id": "b"}, {"id": "a"}])
    assert post(fake, "recommendations/popular", key).json()["result"] == ["a", "b"]
    fake.set_products(None)
    query = {**key, "query": "MUG", "attributes": '["name"]'}
    found = requests.get(fake.url + "search/search", params=query, timeout=5).json()
    assert found["result"] == [1, 2] and found["count"] == 2 and found["facets"] == {}
    assert found["product_data"] == [{"name": "red mug"}, {"name": "Blue MUG"}]
    paged = post(fake, "search/search", {**key, "query": "mug", "offset": 1, "limit": 5}).json()
    assert paged["result"] == [2] and "product_data" not in paged
    bad_limit = post(fake, "search/search", {**key, "query": "m", "limit": "many"})
    assert bad_limit.json()["type"] == "ParsingError"


def test_logs_account_and_contents(fake: FakeClerkAPI) -> None:
    post(fake, "log/sale", {"key": DEFAULT_PUBLIC_KEY, "sale": 5, "products": []})
    assert fake.logged("log/sale") == [{"sale": 5, "products": []}]
    info = requests.get(fake.url + "client/account/info", params=KEYS, timeout=5).json()
    assert info["status"] == "ok" and info["store"]["public_key"] == DEFAULT_PUBLIC_KEY
    contents = requests.get(fake.url + "client/account/content/list", params=KEYS, timeout=5)
    ids = [c["id"] for c in contents.json()["contents"]]
    assert ids[0] == "product-page-alternatives" and "live-search" in ids and len(ids) == 10
    public_only = {"key": DEFAULT_PUBLIC_KEY}
    refused = requests.get(fake.url + "client/account/info", params=public_only, timeout=5)
    assert refused.json()["type"] == "AuthenticationError"


def test_reset_forgets_everything(fake: FakeClerkAPI) -> None:
    fake.add_store("s", "p")
    token = fake.issue_token()
    post(fake, "products", {**KEYS, "products": MUGS})
    fake.fail_next(5)
    fake.reset()
    assert fake.requests == [] and fake.data["products"] == {} and fake.received("products") == []
    assert "s" not in fake.stores and token not in fake.tokens
    assert post(fake, "products", {**KEYS, "products": MUGS}).ok  # no fault left


# -- pytest plugin ---------------------------------------------------------------------------
def test_clerk_api_fixture_points_settings_at_the_fake(
    clerk_api: FakeClerkAPI, clerk_api_url: str
) -> None:
    assert clerk_api.requests == []
    assert django_settings.CLERK["API_URL"] == clerk_api_url == clerk_api.url
    assert django_settings.CLERK["BASE_URL"] == test_settings.CLERK["BASE_URL"]  # rest kept
    assert test_settings.CLERK["API_URL"] == "http://127.0.0.1:9/v2/"  # original not mutated
    clerk_api.fail_next(100)  # must not leak into other tests


def test_clerk_fake_api_is_reset_per_test(clerk_fake_api: FakeClerkAPI) -> None:
    assert clerk_fake_api.requests == []
    assert post(clerk_fake_api, "recommendations/popular", {"key": DEFAULT_PUBLIC_KEY}).ok


# -- command line ----------------------------------------------------------------------------
def test_command_line_serves_until_interrupted() -> None:
    command = [sys.executable, "-m", "django_clerk.testing", "--port", "0", "--token"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.rsplit(" ", 1)[-1].strip()
        process.stdout.readline()
        token = process.stdout.readline().split("token:")[1].strip()
        answer = post_url(url + "token/verify", {"token": token, "key": DEFAULT_PUBLIC_KEY})
        assert answer == {"status": "ok"}
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()


def post_url(url: str, body: dict[str, Any]) -> Any:
    return requests.post(url, json=body, timeout=5).json()
