"""Hostile input to every URL of the app: the answer is always JSON, and never a 5xx.

A property checked over generated requests (legacy and Feed V2 endpoints, service endpoints,
unknown paths; GET, POST and other methods; without credentials, with the private key, with
a bearer token): huge and deeply nested bodies, binary garbage, wrong content types,
extreme dates and offsets, unicode, negative and huge integers. The Django test client
reads the whole body up front, so the same property is also checked over real HTTP against
a live server, where a too big body is only found out when the view reads it.
"""

from __future__ import annotations

import http.client
import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import BadRequest as DjangoBadRequest
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, UnreadablePostError

from django_clerk.feeds.errors import BadParameter, api_exception
from django_clerk.feeds.filters import EARLIEST, LATEST, parse_time
from django_clerk.feeds.parsers import MAX_DEPTH
from tests.feeds.conftest import KEYS

PUBLIC, PRIVATE = KEYS["default"]
SEED = int(os.environ.get("CLERK_FUZZ_SEED", "20240501"))
FEEDS = ["product", "category", "order", "customer", "page"]
SERVICES = ["version", "plugin", "getconfig", "setconfig", "rotatekey"]
V2 = ["v2/products", "v2/categories", "v2/orders", "v2/customers", "v2/pages"]
UNKNOWN = [
    "nope",
    "v2/nope",
    "v2/products/extra",
    "product/extra",
    "v2",
    "v3/products",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 3000,
    "%E2%80%A8",
    "product%20",
]
TIMES = [
    "9999-12-31",
    "9999-12-30",
    "0001-01-01",
    "0001-01-02",
    "0001-01-01T00:00:00+14:00",
    "0001-01-02T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-30T23:59:59-14:00",
    "2024-02-30",
    "2024-13-01",
    "2024-01-01T25:00",
    "2024-01-01T00:00+25:00",
    "2024-01-01T00:00+23:59",
    "1e400",
    "-1e400",
    "nan",
    "inf",
    "-62135596800",
    "253402300799",
    "99999999999999999999",
    "1700000000.5",
    "\u0662\u0660\u0662\u0664-01-01",
    "2024-01-01\u2028",
    "\x00",
    "x" * 10000,
    "",
]
INTEGERS = ["-1", "0", "1", "-0", "+5", "1e3", "1.5", "", "abc", "\u0661\u0662", "9" * 5000]
INTEGERS += [str(2**63), str(-(2**63)), str(2**53 + 1), " 7 ", "0x10", "\x00", "all", "ALL"]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-16",
    "application/json; charset=bogus",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/octet-stream",
    "",
]


def deep_json(depth: int) -> bytes:
    return b'{"key": ' + b"[" * depth + b"]" * depth + b"}"


BODIES: list[bytes] = [
    deep_json(100_000),
    deep_json(MAX_DEPTH + 1),
    b'{"a": ' * 5000 + b"1" + b"}" * 5000,
    b'{"limit": ' + b"9" * 5000 + b"}",
    b'{"limit": {"a": 1}, "page": [1], "offset": null, "modified_after": true}',
    b'{"key": "\\ud800", "private_key": "\\udfff"}',
    b'{"\\ud800": 1}',
    b'{"debug": "\\u2028\\u2029", "start_date": "9999-12-31", "end_date": "0001-01-01"}',
    b'{"start_date": 1e400, "end_date": -1e400, "modified_after": 99999999999999999999}',
    b"[1, 2, 3]",
    b'"a string"',
    b"null",
    b"NaN",
    b"\xff\xfe\x00\x01garbage\x00",
    bytes(range(256)),
    b"\xef\xbb\xbf{}",
    b"&".join(b"f%d=%d" % (i, i) for i in range(1500)),
    b"key=" + b"%FF" * 100 + b"&private_key=%00",
    b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n',
    json.dumps({"key": PUBLIC, "private_key": PRIVATE, "pad": "x" * 100}).encode(),
    b'{"pad": "' + b"x" * 2_700_000 + b'"}',  # past Django's default 2.5 MB upload limit
]


@dataclass
class Probe:
    """One request of the property: method, path, query, body and headers."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def url(self) -> str:
        return f"/clerk/{self.path}" + (f"?{urlencode(self.query)}" if self.query else "")


def credentials(kind: str, token: str) -> tuple[dict[str, str], dict[str, str]]:
    """(query, headers) for ``kind``: none, the private key, or the bearer token."""
    if kind == "keys":
        return {"key": PUBLIC, "private_key": PRIVATE}, {}
    if kind == "token":
        return {"key": PUBLIC}, {"X-Clerk-Authorization": f"Bearer {token}"}
    if kind == "wrong":
        return {"key": PUBLIC, "private_key": "wrong"}, {"X-Clerk-Authorization": "Basic x"}
    if kind == "hostile":
        return {"key": "\x00\u2028" * 500, "private_key": "\x00"}, {
            "X-Clerk-Authorization": "Bearer \x00\u00e6" + "x" * 5000
        }
    return {}, {}


def probes(rng: random.Random, token: str, count: int) -> Iterator[Probe]:
    """``count`` generated requests, plus each hostile body and path at least once."""
    paths = FEEDS + SERVICES + V2
    for index in range(count):
        kind = rng.choice(["none", "keys", "token", "wrong", "hostile"])
        query, headers = credentials(kind, token)
        query = dict(query)
        for name in rng.sample(["modified_after", "start_date", "end_date"], rng.randint(0, 2)):
            query[name] = rng.choice(TIMES)
        for name in rng.sample(["limit", "page", "offset"], rng.randint(0, 2)):
            query[name] = rng.choice(INTEGERS)
        if rng.random() < 0.2:
            query["debug"] = rng.choice(["1", "true", "\u2028", "\x00"])
        if rng.random() < 0.2:
            headers["Accept"] = rng.choice(["application/x-ndjson", "text/html", "*/*", "\x7f"])
        method = rng.choice(["GET", "GET", "POST", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"])
        path = UNKNOWN[index % len(UNKNOWN)] if index % 7 == 0 else rng.choice(paths)
        body = b""
        content_type = ""
        if method in ("POST", "PUT"):
            body = BODIES[index % len(BODIES)] if index < 3 * len(BODIES) else rng.choice(BODIES)
            content_type = rng.choice(CONTENT_TYPES)
        yield Probe(method, path, query, body, content_type, headers)


def assert_json_answer(status: int, content_type: str, body: bytes, method: str, what: Any):
    assert status < 500, (what, status, body[:300])
    media_type = content_type.split(";")[0].strip()
    assert media_type in ("application/json", "application/x-ndjson"), (what, content_type)
    if method == "HEAD":
        return
    text = body.decode("utf-8")
    if media_type == "application/x-ndjson":
        documents = [json.loads(line) for line in text.split("\n") if line]
    else:
        documents = [json.loads(text)]
    if status >= 400:
        assert all(set(doc["error"]) == {"code", "message"} for doc in documents), what
        assert all(doc["error"]["code"] == status for doc in documents), what


@pytest.fixture
def keyed(shop, clerk_api, settings):
    """The English store accepting its private key, and a token Clerk vouches for."""
    en = shop["default"]
    en.legacy_auth = True
    en.save()
    settings.CLERK = {**settings.CLERK, "API_RETRIES": 0}
    clerk_api.add_store(PUBLIC, PRIVATE)
    return clerk_api.issue_token(PUBLIC)


def send(client: Any, probe: Probe) -> Any:
    headers = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in probe.headers.items()
    }
    return client.generic(
        probe.method,
        probe.url(),
        probe.body,
        content_type=probe.content_type,
        secure=True,
        **headers,
    )


def test_generated_requests_always_get_json_and_no_5xx(client, keyed):
    rng = random.Random(SEED)
    statuses: dict[int, int] = {}
    for probe in probes(rng, keyed, 400):
        response = send(client, probe)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_json_answer(
            response.status_code, response["Content-Type"], body, probe.method, probe
        )
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    # The generator reaches the feeds too, not only the error paths.
    assert statuses.get(200, 0) > 20 and statuses.get(400, 0) > 20, statuses
    assert {401, 403, 404, 405, 413} <= set(statuses), statuses


@pytest.mark.parametrize("name", ["modified_after", "start_date", "end_date"])
@pytest.mark.parametrize("path", ["order", "v2/orders", "v2/products"])
def test_every_time_value_is_served_or_a_400_naming_it(client, keyed, name, path):
    query, headers = credentials("token" if path.startswith("v2") else "keys", keyed)
    served = []
    for value in TIMES:
        response = send(client, Probe("GET", path, {**query, name: value}, headers=headers))
        assert response.status_code in (200, 400), (value, response.content)
        if response.status_code == 400:
            assert response.json()["error"]["message"].startswith(f"{name}: "), value
        else:
            served.append(value)
    assert "9999-12-30" in served and "1700000000.5" in served and "" in served
    assert "9999-12-31" not in served and "0001-01-01T00:00:00+14:00" not in served


@pytest.mark.parametrize(
    "body",
    [deep_json(100_000), deep_json(MAX_DEPTH + 1), b'{"key": "\\ud800"}', b"\xff{"],
    ids=["nesting-100000", "nesting-past-limit", "lone-surrogate", "binary"],
)
def test_malformed_bodies_are_400(client, keyed, body):
    response = client.post("/clerk/product", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("JSON parse error")


def test_nesting_up_to_the_limit_is_read(client, keyed):
    body = json.dumps({"key": PUBLIC, "private_key": PRIVATE, "limit": 2})
    nested = body[:-1].encode() + b', "extra": ' + deep_json(MAX_DEPTH - 2) + b"}"
    response = client.post("/clerk/product", nested, content_type="application/json")
    assert response.status_code == 200, response.content
    assert len(response.json()) == 2


def test_body_over_the_upload_limit_is_413(client, keyed, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"key": PUBLIC, "private_key": PRIVATE, "pad": "x" * 1000})
    response = client.post("/clerk/product", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == 413


def test_too_many_form_fields_is_400(client, keyed, settings):
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    body = urlencode({"key": PUBLIC, "private_key": PRIVATE, **fields})
    response = client.post("/clerk/product", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "too many fields" in response.json()["error"]["message"]


def test_a_form_body_still_authenticates(client, keyed):
    body = urlencode({"key": PUBLIC, "private_key": PRIVATE, "limit": "3"})
    response = client.post("/clerk/product", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.content
    assert len(response.json()) == 3


@pytest.mark.parametrize(
    ("raised", "status"),
    [
        (RequestDataTooBig(), 413),
        (TooManyFieldsSent(), 400),
        (TooManyFilesSent(), 400),
        (UnreadablePostError(), 400),
        (DjangoBadRequest(), 400),
        (DisallowedHost(), 400),
        (Http404(), 404),
        (RuntimeError(), None),
    ],
)
def test_django_exceptions_of_bad_requests_are_4xx(raised, status):
    mapped = api_exception(raised)
    assert getattr(mapped, "status_code", None) == status


# -- the time parser -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01",
        "0001-01-01T23:59:59+14:00",
        "9999-12-31T00:00:00-14:00",
        "9999-12-31",
        "-62135596800",
        "1e400",
        "nan",
        10**30,
        "2024-01-01T00:00+25:00",
        "2024-02-30",
        "soon",
        None,
        ["2024-01-01"],
        True,
    ],
)
def test_parse_time_refuses_with_the_parameter_name(value):
    with pytest.raises(BadParameter) as raised:
        parse_time("end_date", value, "end")
    assert str(raised.value.detail).startswith("end_date: ")


@pytest.mark.parametrize(
    ("value", "bound", "expected"),
    [
        ("0001-01-02", "start", EARLIEST),
        ("9999-12-30", "end", LATEST),
        ("0001-01-02T14:00:00+14:00", "start", EARLIEST),
        ("9999-12-30T09:59:59.999999-14:00", "start", LATEST),
        ("1700000000", "start", None),
        (1700000000, "start", None),
        (1700000000.25, "start", None),
    ],
)
def test_parse_time_accepts_the_whole_range(value, bound, expected):
    moment = parse_time("modified_after", value, bound)
    assert moment.utcoffset().total_seconds() == 0
    if expected is None:
        assert moment.timestamp() == float(value)
    else:
        assert moment == expected


# -- over real HTTP ----------------------------------------------------------------------------
def raw_request(base: str, probe: Probe) -> tuple[int, str, bytes]:
    """``probe`` sent with http.client: the body streamed as is, nothing read ahead."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        # http.client refuses control characters in headers: send what a client could.
        headers = {
            name: value.replace("\x00", "?").encode("utf-8")
            for name, value in probe.headers.items()
        }
        if probe.content_type:
            headers["Content-Type"] = probe.content_type
        headers["X-Forwarded-Proto"] = "https"
        connection.request(probe.method, probe.url(), body=probe.body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@pytest.fixture
def live_keyed(live_server, keyed, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return live_server.url, keyed


def test_hostile_requests_over_http(live_keyed):
    base, token = live_keyed
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    huge = json.dumps({"key": PUBLIC, "private_key": PRIVATE, "pad": "x" * limit}).encode()
    query, headers = credentials("keys", token)
    fixed = [
        Probe("POST", "product", {}, huge, "application/json"),
        Probe("POST", "product", query, huge, "application/json"),
        Probe(
            "POST",
            "v2/products",
            credentials("token", token)[0],
            huge,
            "application/json",
            credentials("token", token)[1],
        ),
        Probe("POST", "setconfig", query, huge, "application/x-www-form-urlencoded"),
        Probe("POST", "product", {}, BODIES[0], "application/json"),
        Probe("POST", "product", query, BODIES[16], "application/x-www-form-urlencoded"),
        Probe("GET", "order", {**query, "end_date": "9999-12-31"}, headers=headers),
        Probe("GET", "order", {**query, "start_date": "0001-01-01T00:00:00+14:00"}),
        Probe("GET", "v2/nope"),
        Probe("GET", "v2/products/extra"),
        Probe("PATCH", "product", query),
    ]
    statuses = []
    for probe in fixed + list(probes(random.Random(SEED + 1), token, 40)):
        status, content_type, body = raw_request(base, probe)
        assert_json_answer(status, content_type, body, probe.method, probe)
        statuses.append(status)
    assert statuses[:4] == [413, 413, 405, 413]  # Feed V2 is GET only: 405 before the body
    assert statuses[4:11] == [400, 400, 400, 400, 404, 404, 405]
