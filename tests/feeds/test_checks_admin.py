"""The feeds' system checks and the read-only crawl admin."""

from __future__ import annotations

from django.contrib.admin.sites import site

from django_clerk.feeds.checks import check_feeds
from django_clerk.models import FeedCrawl


def ids():
    return {message.id for message in check_feeds()}


def test_no_messages_by_default():
    assert ids() == set()


def test_default_limit_above_max(settings):
    settings.CLERK = {**settings.CLERK, "FEED_DEFAULT_LIMIT": 500, "FEED_MAX_LIMIT": 100}
    assert "django_clerk.E021" in ids()


def test_http_allowed_outside_debug(settings):
    settings.DEBUG = False
    settings.CLERK = {**settings.CLERK, "FEED_ALLOW_HTTP": True}
    assert "django_clerk.W020" in ids()
    settings.DEBUG = True
    assert "django_clerk.W020" not in ids()


def test_missing_apps(settings):
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_filters"]
    assert "django_clerk.E020" in ids()


def test_crawl_admin_is_read_only(admin_client, en):
    from tests.feeds.conftest import legacy

    legacy(admin_client, "category", limit=1000)
    model_admin = site._registry[FeedCrawl]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    response = admin_client.get("/admin/django_clerk/feedcrawl/")
    assert response.status_code == 200
    assert b"categories" in response.content
