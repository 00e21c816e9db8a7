"""Tracking consent: no session and no cookie before it; a persistent visitor after it."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.template import Context, Template
from django.test import RequestFactory
from shop.consent import CONSENT_COOKIE

from django_clerk.client import ClerkClient, get_visitor_id
from django_clerk.client.visitor import SESSION_KEY, tracking_allowed

pytestmark = pytest.mark.django_db


def request_with_session(**cookies):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies)
    request.session = SessionStore()
    request.user = AnonymousUser()
    return request


def config_of(request):
    html = Template("{% load clerk %}{% clerk_js %}").render(Context({"request": request}))
    return config_in(html)


def config_in(html):
    found = re.search(r'Clerk\("config", (\{.*?\})\);', html)
    assert found, html
    return json.loads(found.group(1))


def allow(settings, value):
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": value}


def test_without_consent_the_session_is_never_touched(store):
    request = request_with_session()
    config = config_of(request)
    assert "visitor" not in config  # Clerk.js' default: cookieless
    first = get_visitor_id(request)
    assert get_visitor_id(request) == first  # one id per request, for server-side calls
    assert not request.session.modified and request.session.session_key is None
    assert SESSION_KEY not in request.session
    assert get_visitor_id(request_with_session()) != first


def test_with_consent_clerk_js_and_the_server_share_the_sessions_visitor(store, settings):
    allow(settings, "shop.consent.tracking_allowed")
    request = request_with_session(**{CONSENT_COOKIE: "yes"})
    config = config_of(request)
    assert re.fullmatch(r"[0-9a-f]{32}", config["visitor"])
    assert request.session[SESSION_KEY] == config["visitor"] == get_visitor_id(request)


def test_an_existing_session_keeps_its_visitor(store, settings):
    allow(settings, True)
    request = request_with_session()
    request.session[SESSION_KEY] = "abc123"
    request.session.save()
    again = request_with_session()
    again.session = SessionStore(request.session.session_key)
    assert config_of(again)["visitor"] == "abc123"
    assert Session.objects.count() == 1


def test_with_consent_but_no_shared_visitor_clerk_js_is_persistent(store, settings):
    settings.CLERK = {**settings.CLERK, "TRACKING_CONSENT": True, "JS_VISITOR_FROM_SESSION": False}
    request = request_with_session()
    assert config_of(request)["visitor"] == "persistent"
    assert not request.session.modified


def test_a_hook_that_fails_counts_as_no_consent(store, settings):
    def broken(request):
        raise RuntimeError("consent backend down")

    allow(settings, broken)
    request = request_with_session()
    assert tracking_allowed(request) is False
    assert "visitor" not in config_of(request)


def test_the_hook_is_asked_once_per_request(settings):
    asked = []
    allow(settings, lambda request: asked.append(request) or True)
    request = request_with_session()
    assert tracking_allowed(request) and tracking_allowed(request)
    assert len(asked) == 1


def test_server_side_calls_without_consent_store_nothing(clerk_api):
    request = request_with_session()
    client = ClerkClient("test-public-key").with_visitor(request)
    client.popular(limit=2)
    (sent,) = clerk_api.requests
    assert re.fullmatch(r"[0-9a-f]{32}", sent.json["visitor"])
    assert not request.session.modified


def test_shop_pages_set_no_cookie_and_store_no_session_without_consent(client, store):
    response = client.get("/")
    assert response.status_code == 200
    assert b'Clerk("config"' in response.content
    assert not response.cookies
    assert Session.objects.count() == 0


def test_shop_pages_keep_a_persistent_visitor_with_consent(client, store):
    client.cookies[CONSENT_COOKIE] = "yes"
    response = client.get("/")
    assert "sessionid" in response.cookies
    (session,) = Session.objects.all()
    visitor = session.get_decoded()[SESSION_KEY]
    assert config_in(response.content.decode())["visitor"] == visitor
