"""Unit tests of the transport's pure parts: Retry-After, backoff, redaction, error types."""

from __future__ import annotations

import json
import logging
import uuid
from decimal import Decimal
from email.utils import formatdate

import pytest

from django_clerk.client import (
    ClerkAPIError,
    ClerkAuthenticationError,
    ClerkError,
    ClerkTransientError,
    ClerkUnavailableError,
    backoff_delay,
    parse_retry_after,
    redact,
)
from django_clerk.client.errors import Failure, classify
from django_clerk.client.transport import MAX_BACKOFF, MAX_RETRY_AFTER, encode_query, to_json

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-4", 0.0),
        (formatdate(NOW + 30, usegmt=True), 30.0),
        (formatdate(NOW - 30, usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_delay(n, 0.5) for n in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff_delay(20, 0.5) == MAX_BACKOFF
    assert backoff_delay(0, -1) == 0.0


def test_retry_after_wins_over_backoff_and_is_capped() -> None:
    assert backoff_delay(3, 0.5, retry_after=1.0) == 1.0
    assert backoff_delay(0, 0.5, retry_after=3600) == MAX_RETRY_AFTER


def test_redact_masks_private_key_in_urls_and_literal_secrets() -> None:
    url = "/v2/products?key=pub&private_key=s3cr%2Bet&products=%5B1%5D"
    assert redact(url) == "/v2/products?key=pub&private_key=***&products=%5B1%5D"
    assert redact('{"private_key": "abc"}') == '{"private_key": "***"}'
    text = redact("boom: s3cr+et and s3cr%2Bet", ["s3cr+et"])
    assert "s3cr" not in text
    assert redact("nothing to hide", [""]) == "nothing to hide"


def test_redact_masks_email_addresses_in_urls_and_json() -> None:
    """An address (a person Clerk is asked to forget, a customer's history) is personal data:
    it never reaches a log line or an error message."""
    url = "/v2/privacy/forget?key=pub&email=ann%40example.com&private_key=x"
    assert redact(url) == "/v2/privacy/forget?key=pub&email=***&private_key=***"
    assert redact('{"email": "ann@example.com"}') == '{"email": "***"}'
    assert redact("customer_email=kept") == "customer_email=kept"  # only the email parameter


def test_urllib3_debug_log_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="urllib3.connectionpool")
    logging.getLogger("urllib3.connectionpool").debug(
        '%s "%s %s"', "http://x", "DELETE", "/v2/products?key=k&private_key=TOPSECRET"
    )
    assert caplog.records
    assert "TOPSECRET" not in caplog.text
    assert "private_key=***" in caplog.text


def test_encode_query_json_encodes_structures() -> None:
    assert encode_query({"products": [1, "a"], "flag": True, "limit": 5, "skip": None}) == {
        "products": '[1, "a"]',
        "flag": "true",
        "limit": "5",
    }


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (ClerkTransientError("x"), True),
        (ClerkUnavailableError("x", attempts=3), True),
        (ClerkAPIError("x", type="ParsingError", status_code=400), False),
        (ClerkAPIError("x", type="ParsingError", status_code=500), False),
        (ClerkAPIError("x", type="LogicalError", status_code=200), False),
        (ClerkAuthenticationError("x", type="AuthenticationError", status_code=403), False),
        (ClerkAPIError("x", type="InternalError", status_code=500), True),
        (ClerkAPIError("x", type="InternalError", status_code=200), True),
        (ClerkAPIError("x", type=None, status_code=200), True),
        (ClerkAPIError("x", type="SomethingNew", status_code=400), True),
        (ClerkAPIError("x", type=None, status_code=413), False),
        (ClerkError("x"), True),
    ],
)
def test_retryable(error: ClerkError, retryable: bool) -> None:
    assert error.retryable is retryable


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (ClerkTransientError("timeout"), Failure.TRANSIENT),
        (ClerkUnavailableError("down", type="ParsingError", attempts=2), Failure.TRANSIENT),
        (ClerkAPIError("x", type="InternalError", status_code=200), Failure.TRANSIENT),
        (ClerkAPIError("x", status_code=200), Failure.TRANSIENT),
        (ClerkAPIError("x", type="ParsingError", status_code=200), Failure.REFUSED),
        (ClerkAPIError("x", type="LogicalError", status_code=400), Failure.REFUSED),
        (ClerkAPIError("x", status_code=413), Failure.REFUSED),
        (ClerkAPIError("x", type="AuthenticationError", status_code=200), Failure.CONFIGURATION),
        (ClerkAuthenticationError("no private key"), Failure.CONFIGURATION),
        (RuntimeError("not the client's"), Failure.TRANSIENT),
    ],
)
def test_classify_is_the_one_place_that_decides(error: BaseException, failure: Failure) -> None:
    assert classify(error) is failure


def test_to_json_encodes_uuids_as_strings_and_keeps_ints() -> None:
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert json.loads(to_json({"ids": [key, 7, "x"], "price": Decimal("9.50")})) == {
        "ids": ["12345678-1234-5678-1234-567812345678", 7, "x"],
        "price": 9.5,
    }
    assert encode_query({"products": [key, 3]}) == {
        "products": '["12345678-1234-5678-1234-567812345678", 3]'
    }
    with pytest.raises(TypeError, match="object is not JSON serializable") as info:
        to_json({"private_key": "TOPSECRET", "bad": object()})
    assert "TOPSECRET" not in str(info.value)
    assert info.value.__context__ is None and info.value.__cause__ is None


def test_error_str_carries_type_status_and_id() -> None:
    error = ClerkAPIError("Bad products", type="ParsingError", status_code=400, error_id="e1")
    assert str(error) == "[ParsingError] Bad products (HTTP 400) (error id e1)"
    assert isinstance(ClerkUnavailableError("x"), ClerkTransientError)
    assert issubclass(ClerkAuthenticationError, ClerkAPIError)
