"""Several stores in one fake, each with its own data, and what they received over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from django_clerk.testing import DEFAULT_PUBLIC_KEY, FakeClerkAPI
from django_clerk.testing.recording import REDACTED

EN = ("en-public", "en-private")
DA = ("da-public", "da-private")


@pytest.fixture
def fake() -> Iterator[FakeClerkAPI]:
    with FakeClerkAPI() as server:
        server.add_store(*EN)
        server.add_store(*DA)
        yield server


def send(fake: FakeClerkAPI, method: str, path: str, store: tuple[str, str], **body: Any) -> Any:
    keys = {"key": store[0], "private_key": store[1]}
    return requests.request(method, fake.url + path, json={**keys, **body}, timeout=5)


def inspect(fake: FakeClerkAPI, path: str, **params: Any) -> Any:
    answer = requests.get(fake.origin + "/_fake/" + path, params=params, timeout=5)
    assert answer.headers["Content-Type"] == "application/json"
    return answer.status_code, answer.json()


def test_each_store_keeps_its_own_data(fake: FakeClerkAPI) -> None:
    send(fake, "POST", "products", EN, products=[{"id": 1, "name": "Red mug"}])
    send(fake, "POST", "products", DA, products=[{"id": 1, "name": "Rød krus"}, {"id": 2}])
    send(fake, "DELETE", "products", DA, products=[2])
    assert fake.store_data("en-public")["products"] == {1: {"id": 1, "name": "Red mug"}}
    assert fake.store_data("da-public")["products"] == {1: {"id": 1, "name": "Rød krus"}}
    assert [p["name"] for p in fake.received("products", "en-public")] == ["Red mug"]
    assert (
        fake.deleted("products", "da-public") == [2] and fake.deleted("products", "en-public") == []
    )
    assert len(fake.received("products")) == 3  # every store together, in arrival order
    found = send(fake, "POST", "search/search", EN, query="mug").json()
    assert found["result"] == [1]
    assert send(fake, "POST", "search/search", DA, query="mug").json()["result"] == []
    assert fake.count("products", store="da-public") == 2


def test_private_calls_need_the_stores_own_private_key(fake: FakeClerkAPI) -> None:
    crossed = send(fake, "POST", "products", ("en-public", DA[1]), products=[{"id": 1}])
    assert crossed.status_code == 403 and crossed.json()["type"] == "AuthenticationError"
    assert fake.received("products") == [] and fake.store_data("en-public")["products"] == {}


def test_inspection_over_http(fake: FakeClerkAPI) -> None:
    send(fake, "POST", "categories", EN, categories=[{"id": 5, "name": "Mugs"}])
    send(fake, "DELETE", "categories", EN, categories=[9])
    send(fake, "POST", "log/sale", EN, sale=7, products=[{"id": 1, "quantity": 2}])
    status, stores = inspect(fake, "stores")
    assert status == 200
    by_key = {s["public_key"]: s for s in stores["stores"]}
    assert set(by_key) == {DEFAULT_PUBLIC_KEY, "en-public", "da-public"}
    assert by_key["en-public"]["counts"]["categories"] == 1
    assert "en-private" not in str(stores)
    status, got = inspect(fake, "stores/en-public/received")
    assert got["upserted"]["categories"] == [{"id": 5, "name": "Mugs"}]
    assert got["deleted"]["categories"] == [9] and got["upserted"]["products"] == []
    assert got["logged"]["log/sale"] == [{"sale": 7, "products": [{"id": 1, "quantity": 2}]}]
    assert inspect(fake, "stores/en-public/received", entity="pages")[1]["upserted"] == {
        "pages": []
    }
    assert inspect(fake, "stores/en-public/data")[1]["data"]["categories"] == [
        {"id": 5, "name": "Mugs"}
    ]
    status, calls = inspect(fake, "calls", store="en-public", method="delete")
    assert status == 200 and [c["path"] for c in calls["calls"]] == ["categories"]
    assert calls["calls"][0]["json"]["private_key"] == REDACTED and calls["total"] == 3
    assert "en-private" not in str(inspect(fake, "calls")[1])
    assert len(inspect(fake, "calls", since=2)[1]["calls"]) == 1
    assert fake.count() == 3  # inspecting is not a call


def test_inspection_errors_are_json(fake: FakeClerkAPI) -> None:
    assert inspect(fake, "stores/nobody/received")[0] == 404
    assert inspect(fake, "stores/en-public/received", entity="mugs")[0] == 400
    assert inspect(fake, "calls", since="x")[0] == 400
    assert inspect(fake, "what")[0] == 404
    assert inspect(fake, "reset")[0] == 405


def test_reset_over_http(fake: FakeClerkAPI) -> None:
    send(fake, "POST", "products", EN, products=[{"id": 1}])
    assert requests.post(fake.origin + "/_fake/reset", timeout=5).json() == {"status": "ok"}
    assert fake.requests == [] and fake.received("products") == []
    assert "en-public" not in fake.store_keys()


def test_cors_and_the_sandbox_script(fake: FakeClerkAPI) -> None:
    preflight = requests.options(fake.url + "search/search", timeout=5)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert fake.requests == []
    answer = send(fake, "POST", "recommendations/popular", EN)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    script = requests.get(fake.sandbox_js_url, timeout=5)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "Clerk" in script.text


def test_command_line_takes_several_stores() -> None:
    command = [
        sys.executable,
        "-m",
        "django_clerk.testing",
        "--port",
        "0",
        "--store",
        "a-public:a-private",
        "--store",
        "b-public:b-private",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" on ")[1].strip()
        lines = [process.stdout.readline() for _ in range(2)]
        assert "a-public" in lines[0] and "b-public" in lines[1]
        assert "private" not in "".join(lines)
        good = requests.post(
            url + "products",
            json={"key": "b-public", "private_key": "b-private", "products": [{"id": 1}]},
            timeout=5,
        )
        assert good.json() == {"status": "ok"}
        origin = url[: -len("/v2/")]
        held = requests.get(origin + "/_fake/stores/b-public/received", timeout=5).json()
        assert held["upserted"]["products"] == [{"id": 1}]
        crossed = requests.post(
            url + "products",
            json={"key": "a-public", "private_key": "b-private", "products": [{"id": 2}]},
            timeout=5,
        )
        assert crossed.status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_command_line_refuses_a_malformed_store() -> None:
    command = [sys.executable, "-m", "django_clerk.testing", "--store", "no-colon"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=20)
    assert done.returncode == 2 and "PUBLIC:PRIVATE" in done.stderr


def test_the_documented_multi_store_example_is_this_repositorys_test() -> None:
    root = Path(__file__).resolve().parent.parent.parent
    example = (root / "tests/testing/test_multi_store_example.py").read_text()
    assert example in (root / "docs/testing.md").read_text()
