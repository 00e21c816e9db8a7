"""The health page and ``clerk_status``: what they say, when they call a store unhealthy, and
that no key is shown, logged or cached."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from django_clerk.models import FeedCrawl, PendingChange
from django_clerk.sync.status import store_status
from tests.sync.conftest import DUMMY_BACKEND, IMMEDIATE_BACKEND

pytestmark = pytest.mark.django_db


def status_command(*args):
    """``(exit code, output)`` of ``clerk_status``."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("clerk_status", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_a_store_whose_keys_work_and_whose_outbox_is_empty_is_healthy(clerk_store, clerk_api):
    code, out = status_command()
    assert code == 0, out
    assert "default (Default): healthy" in out and "keys: accepted" in out
    assert "default-private" not in out


def test_json_output_says_the_same_without_any_key(clerk_store, clerk_api, make_product):
    make_product()
    code, out = status_command("--json")
    payload = json.loads(out)
    assert code == 0 and payload["healthy"] is True
    [store] = payload["stores"]
    assert store["store"] == "default" and store["pending"] == 1 and store["keys_ok"] is True
    assert store["delivery_mode"] == "manual"
    assert "default-private" not in out


def test_refused_keys_make_the_store_unhealthy(make_store, clerk_api):
    make_store(code="default", private_key="wrong-private")
    clerk_api.add_store("default-public", "default-private")
    code, out = status_command()
    assert code == 1
    assert "UNHEALTHY" in out and "refuses the keys" in out
    assert "wrong-private" not in out


def test_failed_and_stale_changes_make_the_store_unhealthy(clerk_store, clerk_api, make_product):
    product = make_product()
    PendingChange.objects.update(due_at=timezone.now() - timedelta(hours=1))
    status = store_status(clerk_store)
    assert status.waiting_seconds >= 3600
    assert any("not picked up" in problem for problem in status.problems)
    PendingChange.objects.update(state="failed", last_error="ParsingError: price")
    code, out = status_command("--store", "default")
    assert code == 1
    assert "1 changes were refused" in out and "last delivery error: ParsingError" in out
    assert product.pk


def test_the_keys_answer_is_cached_under_a_hash_never_the_keys(clerk_store, clerk_api):
    store_status(clerk_store)
    store_status(clerk_store)
    assert clerk_api.count("client/account/info") == 1
    stored = repr(list(cache._cache.items()))  # LocMemCache in the tests: keys and pickles
    assert "status:keys" in stored
    assert "default-private" not in stored and "default-public" not in stored
    clerk_store.private_key = "default-private-2"
    clerk_store.save()
    store_status(clerk_store)
    assert clerk_api.count("client/account/info") == 2  # new keys: asked again


def test_unreachable_clerk_is_reported(clerk_store, clerk_api):
    clerk_api.go_down("503")
    status = store_status(clerk_store)
    assert status.keys_ok is None and not status.healthy


def test_a_crawl_refused_by_the_wipe_guard_is_a_problem(clerk_store, clerk_api):
    now = timezone.now()
    FeedCrawl.objects.create(
        store=clerk_store, entity="products", protocol="v2", started_at=now, items=3, refused=True
    )
    status = store_status(clerk_store, check_keys=False)
    assert [c.entity for c in status.crawls] == ["products"] and status.crawls[0].refused
    assert not status.healthy


def test_data_health_on_request(clerk_store, clerk_api, make_product):
    make_product()
    _, out = status_command("--data", "--no-keys", "--json")
    [store] = json.loads(out)["stores"]
    products = next(s for s in store["data"] if s["entity"] == "products")
    assert products["checked"] == 1


def test_unknown_store_is_an_error(clerk_store):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("clerk_status", "--store", "nope")


def test_the_health_page_in_the_admin(admin_client, clerk_store, clerk_api, make_product):
    make_product()
    FeedCrawl.objects.create(
        store=clerk_store, entity="products", protocol="v2", started_at=timezone.now(), items=7
    )
    changelist = admin_client.get(reverse("admin:django_clerk_store_changelist"))
    url = reverse("admin:django_clerk_store_health", args=[clerk_store.pk])
    assert url in changelist.content.decode()
    page = admin_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Healthy" in html and "accepted by Clerk.io" in html and "products" in html
    assert "default-private" not in html
    with_data = admin_client.get(url + "?data=1").content.decode()
    assert "Checked" in with_data


def test_the_health_page_needs_staff(client, clerk_store):
    url = reverse("admin:django_clerk_store_health", args=[clerk_store.pk])
    assert client.get(url).status_code == 302  # to the admin's login
    assert client.get(url.replace(str(clerk_store.pk), "999999"), follow=False).status_code == 302


def test_status_settings_and_deferring_backend_checks(settings):
    import importlib

    from django_clerk.sync.ops_checks import check_status_and_retries
    from tests.sync.conftest import TASKS_PACKAGE

    importlib.import_module(f"{TASKS_PACKAGE}.signals")  # forgets backends when TASKS changes

    settings.CLERK = {**settings.CLERK, "STATUS_STALE_SECONDS": 0}
    assert [m.id for m in check_status_and_retries()] == ["django_clerk.E090"]
    settings.CLERK = {**settings.CLERK, "STATUS_STALE_SECONDS": 300, "SYNC_DELIVERY": "task"}
    settings.TASKS = {"default": {"BACKEND": "tests.ops.backends.NoDeferBackend"}}
    assert [m.id for m in check_status_and_retries()] == ["django_clerk.W090"]
    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}  # can defer
    assert check_status_and_retries() == []
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}  # W030 says it already
    assert check_status_and_retries() == []
