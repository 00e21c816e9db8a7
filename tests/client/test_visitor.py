"""Visitor ids kept in the Django session (after consent: tests/consent cover its absence)."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory

from django_clerk.client import ClerkClient, get_visitor_id
from django_clerk.client.visitor import SESSION_KEY
from django_clerk.testing import FakeClerkAPI


@pytest.fixture(autouse=True)
def _consent(settings):  # type: ignore[no-untyped-def]
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": True}


def _request(session_key: str | None = None):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key)
    return request


def test_visitor_id_is_created_once_and_kept_in_the_session() -> None:
    request = _request()
    visitor = get_visitor_id(request)
    assert re.fullmatch(r"[A-Za-z0-9]{1,32}", visitor)
    assert request.session[SESSION_KEY] == visitor
    assert get_visitor_id(request) == visitor
    request.session.save()

    next_request = _request(request.session.session_key)
    assert get_visitor_id(next_request) == visitor
    assert get_visitor_id(_request()) != visitor


@pytest.mark.parametrize("stored", ["", "has-dash", "x" * 33, 42, None])
def test_an_invalid_stored_id_is_replaced(stored: object) -> None:
    request = _request()
    request.session[SESSION_KEY] = stored
    visitor = get_visitor_id(request)
    assert visitor != stored
    assert re.fullmatch(r"[A-Za-z0-9]{1,32}", visitor)
    assert request.session[SESSION_KEY] == visitor


def test_without_a_session_each_request_has_a_fresh_id() -> None:
    request = RequestFactory().get("/")
    first, second = get_visitor_id(request), get_visitor_id(request)
    assert first == second
    assert len(first) == 32
    assert get_visitor_id(RequestFactory().get("/")) != first


def test_client_bound_to_a_request_sends_its_visitor(clerk_api: FakeClerkAPI) -> None:
    request = _request()
    client = ClerkClient("test-public-key").with_visitor(request)
    client.popular(limit=3)
    client.log_click(1, "recommendations/popular")
    sent = [r.json["visitor"] for r in clerk_api.requests]
    assert sent == [request.session[SESSION_KEY]] * 2
