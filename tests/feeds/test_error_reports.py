"""Django's error reports of feed requests (ADMINS e-mails, text and HTML) hold no secret.

A feed 500 is triggered on a request that carries every kind of credential at once: the
private key in the query string and in the JSON body, a bearer token in
``X-Clerk-Authorization`` and another in ``Authorization``, a session cookie. What the app
logs is e-mailed with Django's ``AdminEmailHandler(include_html=True)``; no secret may appear
in the subject, the text or the HTML, while the report still shows what failed.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter

from django_clerk.feeds import views
from django_clerk.feeds.reporting import SUBSTITUTE, FeedExceptionReporterFilter
from tests.feeds.conftest import KEYS

PUBLIC, PRIVATE = KEYS["default"]
OTHER_TOKEN = "other-bearer-token-0042"
BODY_TOKEN = "body-token-0077"
SESSION = "session-cookie-value-0099"
SETTINGS_KEY = "settings-private-key-0123"


@pytest.fixture
def token(shop, clerk_api, settings):
    en = shop["default"]
    en.legacy_auth = True
    en.save()
    settings.ADMINS = [("Admin", "admin@example.com")]
    settings.CLERK = {**settings.CLERK, "STORES": {"da": {"PRIVATE_KEY": SETTINGS_KEY}}}
    clerk_api.add_store(PUBLIC, PRIVATE)
    return clerk_api.issue_token(PUBLIC)


@pytest.fixture
def failing_feed(monkeypatch):
    """The feed fails half-way through a page, with the request and its secrets in locals."""

    def render_page(self: Any, items: Any, queryset: Any, plan: Any) -> Any:
        request = self.request
        params = dict(self.params)
        header = request.META.get("HTTP_X_CLERK_AUTHORIZATION")
        whatever = params.get("private_key")  # a secret under a harmless name
        raise RuntimeError(f"cannot render the page for {whatever} with {header}")

    monkeypatch.setattr(views.EntityFeedView, "render_page", render_page)


def secrets(token: str) -> list[str]:
    return [PRIVATE, token, OTHER_TOKEN, BODY_TOKEN, SESSION, SETTINGS_KEY]


def emails_of(records: list[logging.LogRecord]) -> list[str]:
    """Each record as ADMINS get it: subject, text and HTML of the e-mail."""
    handler = AdminEmailHandler(include_html=True)
    sent = len(mail.outbox)
    for record in records:
        handler.emit(record)
    return [
        "\n".join([message.subject, message.body, *(body for body, _ in message.alternatives)])
        for message in mail.outbox[sent:]
    ]


def error_records(caplog: Any) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


def legacy_failure(client: Any, token: str) -> Any:
    body = {"key": PUBLIC, "private_key": PRIVATE, "token": BODY_TOKEN, "limit": 3}
    client.cookies["sessionid"] = SESSION
    return client.post(
        f"/clerk/product?key={PUBLIC}&private_key={PRIVATE}&limit=3",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
        HTTP_AUTHORIZATION=f"Bearer {OTHER_TOKEN}",
    )


def test_feed_500_report_holds_no_secret(client, token, failing_feed, caplog):
    with caplog.at_level(logging.INFO):
        response = legacy_failure(client, token)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == 500
    records = error_records(caplog)
    assert {record.name for record in records} == {"django_clerk.feeds", "django.request"}
    emails = emails_of(records)
    assert len(emails) == 2
    for email in emails:
        for secret in secrets(token):
            assert secret not in email, secret
        # Still a useful report: what failed, where, on which parameters.
        assert "RuntimeError" in email and "render_page" in email
        assert "/clerk/product" in email and "limit" in email
        assert SUBSTITUTE in email


def test_feed_v2_500_report_holds_no_secret(client, token, failing_feed, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get(
            f"/clerk/v2/products?key={PUBLIC}&private_key={PRIVATE}",
            secure=True,
            HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 500
    emails = emails_of(error_records(caplog))
    assert len(emails) == 2
    for email in emails:
        assert "FeedV2View" in email or "v2/products" in email
        for secret in (PRIVATE, token):
            assert secret not in email


def test_the_test_would_see_a_leak(token):
    """A report of Django's own, on the raw request, shows the private key: what the feed
    views prevent by logging a redacted copy with their filter."""
    request = RequestFactory().get(
        f"/clerk/product?key={PUBLIC}&private_key={PRIVATE}",
        HTTP_AUTHORIZATION=f"Bearer {OTHER_TOKEN}",
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        text = ExceptionReporter(request, *sys.exc_info(), is_email=True).get_traceback_text()
    assert PRIVATE in text and OTHER_TOKEN not in text  # GET is shown, headers are not


def test_error_responses_are_logged_with_a_redacted_request(client, token, caplog, settings):
    """Not only 500s: Django logs every 4xx/5xx response with the request (503 mails ADMINS)."""
    settings.CLERK = {**settings.CLERK, "API_URL": "http://127.0.0.1:9/v2/", "API_RETRIES": 0}
    with caplog.at_level(logging.INFO):
        unreachable = client.get(
            f"/clerk/product?key={PUBLIC}&private_key={PRIVATE}",
            HTTP_X_CLERK_AUTHORIZATION="Bearer not-verified-token-0001",
        )
        refused = client.get(f"/clerk/product?key={PUBLIC}&private_key=wrong-private-key-1")
    assert unreachable.status_code == 503 and refused.status_code == 403
    records = [record for record in caplog.records if getattr(record, "request", None)]
    assert {record.status_code for record in records} == {503, 403}
    emails = emails_of(records)
    assert len(emails) == 2
    for email in emails:
        for secret in (PRIVATE, "not-verified-token-0001", "wrong-private-key-1"):
            assert secret not in email


def test_frame_variables_are_redacted_by_name_and_by_value(token):
    request = RequestFactory().get(f"/clerk/product?key={PUBLIC}&private_key={PRIVATE}")
    reporter_filter = FeedExceptionReporterFilter(request)

    def failing(private_key: str, innocent: str, nested: dict[str, Any]) -> None:
        raise ValueError("failing")

    try:
        failing(PRIVATE, f"prefix-{PRIVATE}-suffix", {"deep": {"private_key": "x"}, "ok": 1})
    except ValueError:
        frame = sys.exc_info()[2].tb_next.tb_frame
    shown = {
        name: repr(value)
        for name, value in reporter_filter.get_traceback_frame_variables(request, frame)
    }
    assert shown["private_key"] == repr(SUBSTITUTE)
    assert shown["innocent"] == f"'prefix-{SUBSTITUTE}-suffix'"
    assert "'ok': 1" in shown["nested"] and "'x'" not in shown["nested"]
