"""The private key stays out of Django's error reports: every client function that holds it is
marked with ``sensitive_variables``, and no exception chains a context whose frames hold it."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.views.debug import ExceptionReporter

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.testing import FakeClerkAPI

PUBLIC = "reporter-public"
# Made at run time: a literal would be in the source lines the reports show around frames.
SECRET = f"private-{secrets.token_hex(12)}"
TOKEN = f"token-{secrets.token_hex(12)}"


def report_of(call: Callable[[], Any]) -> str:
    """The error reports Django builds for ``call``'s exception: the plain text mailed to the
    admins, then the HTML page, which shows every frame's local variables."""
    try:
        call()
    except Exception:
        reporter = ExceptionReporter(None, *sys.exc_info())
        return reporter.get_traceback_text() + "\n" + reporter.get_traceback_html()
    pytest.fail("the call did not raise")


@pytest.fixture
def fake(clerk_api: FakeClerkAPI) -> FakeClerkAPI:
    clerk_api.add_store(PUBLIC, SECRET)
    return clerk_api


def client_for(url: str, **options: Any) -> ClerkClient:
    return ClerkClient(PUBLIC, SECRET, api_url=url, sleep=lambda seconds: None, **options)


FAULTS = ["down", "503", "hang", "refused_keys", "parsing_error", "internal_error_200"]


@pytest.mark.parametrize(
    ("fault", "method"),
    [(f, m) for f in FAULTS for m in ("upsert", "delete", "account_info")]
    + [("bad_value", "upsert"), ("bad_value", "delete")],
)
def test_error_report_of_a_failed_call_hides_the_private_key(
    fake: FakeClerkAPI, fault: str, method: str
) -> None:
    client = client_for(fake.url, retries=1, timeout=0.2)
    payload: list[Any] = [{"id": 1, "name": "Mug"}]
    if fault == "down":
        fake.go_down("close")
    elif fault == "503":
        fake.go_down("503")
    elif fault == "hang":
        fake.hang(1)
    elif fault == "refused_keys":
        fake.error_next(None, type="AuthenticationError", message="Invalid private key")
    elif fault == "parsing_error":
        fake.error_next(None, type="ParsingError")
    elif fault == "internal_error_200":
        fake.error_next(None, type="InternalError", status=200)
    else:
        payload = [{"id": 1, "name": object()}]  # cannot be encoded
    calls: dict[str, Callable[[], Any]] = {
        "upsert": lambda: client.upsert("products", payload),
        "delete": lambda: client.delete("products", [object()] if fault == "bad_value" else [1]),
        "account_info": client.account_info,
    }
    text = report_of(calls[method])
    assert "Traceback" in text and "in _call" in text  # the client's frames are reported
    assert "json_body" in text and "********************" in text  # their variables cleansed
    assert SECRET not in text


def test_unreachable_clerk_report_hides_the_private_key() -> None:
    client = client_for("http://127.0.0.1:9/v2/", retries=0, timeout=0.5)
    text = report_of(lambda: client.delete("products", [1, 2]))
    assert "ClerkUnavailableError" in text and "_attempt" in text
    assert SECRET not in text


def test_token_check_report_hides_the_token(fake: FakeClerkAPI) -> None:
    client = client_for(fake.url, retries=0, timeout=0.2)
    fake.error_next(1, type="ParsingError", status=200)
    fake.error_next(1, type="AuthenticationError")

    def verify_then_fail() -> None:
        assert client.verify_token(TOKEN) is False
        raise RuntimeError("after the check")

    text = report_of(verify_then_fail)
    assert TOKEN not in text
    fake.go_down("close")
    text = report_of(lambda: client.verify_token(TOKEN))
    assert "ClerkUnavailableError" in text
    assert TOKEN not in text and SECRET not in text


def test_client_errors_chain_no_context_holding_the_key(fake: FakeClerkAPI) -> None:
    client = client_for("http://127.0.0.1:9/v2/", retries=1, timeout=0.2)
    with pytest.raises(ClerkError) as info:
        client.upsert("products", [{"id": 1}])
    chained: list[BaseException] = []
    error: BaseException | None = info.value
    while error is not None:
        chained.append(error)
        error = error.__cause__ or error.__context__
    assert len(chained) == 2  # the last attempt's error, wrapped once
    assert all(SECRET not in repr(e) and SECRET not in str(e) for e in chained)
    assert all(e.__context__ is None or e.__context__ is e.__cause__ for e in chained)
