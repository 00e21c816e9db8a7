"""Failed and held changes are visible: system checks W031/W032 and the admin."""

from __future__ import annotations

import pytest

from django_clerk.models import PendingChange
from django_clerk.sync.checks import check_outbox
from django_clerk.sync.delivery import deliver_due


def by_id(messages):
    return {m.id: m for m in messages}


def test_without_database_access_the_outbox_checks_say_nothing():
    assert check_outbox(databases=["default"]) == []


@pytest.mark.django_db
def test_the_state_checks_query_only_when_the_databases_are_named(
    clerk_store, clerk_api, make_product, django_assert_num_queries
):
    from django.core.management import call_command

    from django_clerk.feeds.checks import check_refused_feeds

    bad = make_product()
    clerk_api.refuse("products", [bad.pk])
    deliver_due()
    with django_assert_num_queries(0):
        assert check_outbox() == []  # runserver, shell, every command: no query
        assert check_refused_feeds() == []
        call_command("check")
    assert "django_clerk.W031" in by_id(check_outbox(databases=["default"]))


@pytest.mark.django_db
def test_refused_changes_raise_w031_with_counts_per_store_and_entity(
    clerk_store, make_store, clerk_api, make_product
):
    from shop.models import Category

    make_store(code="da", language="da")
    clerk_api.add_store("da-public", "da-private")
    assert check_outbox(databases=["default"]) == []
    category = Category.objects.create(name="Mugs", slug="mugs-refused")
    bad = make_product()
    make_product()
    clerk_api.refuse("products", [bad.pk])
    clerk_api.refuse("categories", [category.pk])
    deliver_due()
    warning = by_id(check_outbox(databases=["default"]))["django_clerk.W031"]
    assert "refused 4 change(s)" in warning.msg
    assert "da/categories: 1, da/products: 1, default/categories: 1, default/products: 1" in (
        warning.msg
    )
    assert "retry" in warning.hint
    PendingChange.objects.filter(state="failed").retry_now()
    assert check_outbox(databases=["default"]) == []


@pytest.mark.django_db
def test_refused_keys_raise_w032_and_keep_the_changes_pending(make_store, clerk_api, make_product):
    make_store(code="default")  # keys the fake does not know
    make_product()
    make_product()
    deliver_due()
    messages = by_id(check_outbox(databases=["default"]))
    assert list(messages) == ["django_clerk.W032"]
    assert "(default: 2)" in messages["django_clerk.W032"].msg
    assert set(PendingChange.objects.values_list("state", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_admin_filters_by_state_and_shows_the_reason(
    clerk_store, clerk_api, make_product, admin_client
):
    refused, waiting = make_product(), make_product()
    clerk_api.refuse("products", [refused.pk], message="Bad price")
    deliver_due()  # 'waiting' went through; change it again while Clerk is down
    clerk_api.clear_faults()
    clerk_api.go_down("503")
    waiting.name = "Renamed"
    waiting.save()
    deliver_due()
    failed_page = admin_client.get("/admin/django_clerk/pendingchange/?state__exact=failed")
    pending_page = admin_client.get("/admin/django_clerk/pendingchange/?state__exact=pending")
    assert failed_page.status_code == pending_page.status_code == 200
    failed_html, pending_html = failed_page.content.decode(), pending_page.content.decode()
    assert "Bad price" in failed_html and "HTTP 503" not in failed_html
    assert "HTTP 503" in pending_html and "Bad price" not in pending_html
    assert "retry_now" in failed_html  # the action
    assert "default-private" not in failed_html + pending_html
