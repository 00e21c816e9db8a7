"""The wipe guard of the feeds: a full crawl whose feed lost most of the catalogue since the
last complete crawl answers 503 JSON, is recorded for the admin and can be released."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from shop.models import Customer, Order, Product

from django_clerk.feeds.checks import check_refused_feeds
from django_clerk.mapping import get_serializer, get_serializers
from django_clerk.models import FeedCrawl, Store
from tests.feeds.conftest import legacy
from tests.feeds.test_v2 import feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(clerk_api, en):
    clerk_api.add_store("pub-en", "priv-en-secret")
    return clerk_api.issue_token("pub-en")


def legacy_crawl(client, entity="product", limit=100):
    response = legacy(client, entity, page=1, limit=limit)
    assert response.status_code == 200, response.content
    assert len(response.json()) < limit  # one short page: a complete crawl
    return response


def v2_crawl(client, token, entity="products"):
    response = feed(client, entity, token=token, limit=1000, offset=0)
    assert response.status_code == 200, response.content
    return response


def feed_size(store, entity="products"):
    return sum(source.feed_queryset(store).count() for source in get_serializers(entity))


def unpublish_all_but(count):
    feed = get_serializer("products").feed_queryset(Store.objects.get(code="default"))
    keep = list(feed.values_list("pk", flat=True)[:count])
    Product.objects.exclude(pk__in=keep).update(is_published=False)


def assert_refused(response, current, previous):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "3600"
    error = response.json()["error"]
    assert error["code"] == 503
    message = error["message"]
    assert f"holds {current} objects" in message and f"the {previous} of" in message
    assert "--release-feed-guard" in message


def test_legacy_first_page_is_refused_when_most_products_left(client, en):
    previous = feed_size(en)
    legacy_crawl(client)
    unpublish_all_but(5)
    response = legacy(client, "product", page=1, limit=100)
    assert_refused(response, 5, previous)
    response = legacy(client, "product", page=0, limit=100)  # page 0 is page 1: refused too
    assert_refused(response, 5, previous)
    refused = FeedCrawl.objects.get(refused=True)
    assert (refused.entity, refused.protocol, refused.items, refused.baseline) == (
        "products",
        "legacy",
        5,
        previous,
    )
    assert refused.released_at is None
    (warning,) = check_refused_feeds(databases=["default"])
    assert warning.id == "django_clerk.W022"
    assert f"default/products (legacy): 5 of {previous}" in warning.msg


def test_v2_first_page_is_refused_and_other_pages_are_not_guarded(client, en, token):
    previous = feed_size(en)
    v2_crawl(client, token)
    unpublish_all_but(3)
    assert_refused(feed(client, token=token, limit=10, offset=0), 3, previous)
    assert_refused(feed(client, token=token, limit="all"), 3, previous)  # a whole-feed export
    assert feed(client, token=token, limit=10, offset=10).status_code == 200  # no COUNT
    assert FeedCrawl.objects.filter(refused=True).count() == 1  # one record, updated


def test_a_small_loss_is_served(client, en, token):
    legacy_crawl(client)
    v2_crawl(client, token)
    unpublish_all_but(feed_size(en) - 10)
    assert legacy(client, "product", page=1, limit=100).status_code == 200
    assert v2_crawl(client, token).status_code == 200
    assert not FeedCrawl.objects.filter(refused=True).exists()


def test_incremental_crawls_and_orders_are_not_guarded(client, en, token):
    v2_crawl(client, token)
    v2_crawl(client, token, "orders")
    unpublish_all_but(0)
    Order.objects.all().delete()
    assert feed(client, token=token, modified_after=0, limit=100).status_code == 200
    assert v2_crawl(client, token, "orders").json() == []
    assert not FeedCrawl.objects.filter(refused=True).exists()


def test_each_protocol_is_compared_with_its_own_crawls(client, en, token):
    legacy_crawl(client)  # only the legacy feed was crawled completely
    unpublish_all_but(2)
    assert v2_crawl(client, token).json()[-1]["id"]  # V2: nothing to compare with
    assert legacy(client, "product", page=1, limit=100).status_code == 503


def test_an_unfinished_crawl_is_no_baseline(client, en):
    assert len(legacy(client, "product", page=1, limit=10).json()) == 10  # never finished
    unpublish_all_but(1)
    assert legacy(client, "product", page=1, limit=100).status_code == 200


@pytest.mark.parametrize(
    "values",
    [
        {"FEED_WIPE_GUARD_SHARE": 0},
        {"FEED_WIPE_GUARD_SHARE": None},
        {"FEED_WIPE_GUARD_MIN_ITEMS": 1000},  # the last crawl is below the minimum size
    ],
)
def test_disabled_or_below_minimum(client, en, settings, values):
    settings.CLERK = {**settings.CLERK, **values}
    legacy_crawl(client)
    unpublish_all_but(0)
    assert legacy(client, "product", page=1, limit=100).json() == []


def test_customers_are_guarded_too(client, en, settings):
    settings.CLERK = {**settings.CLERK, "FEED_WIPE_GUARD_MIN_ITEMS": 10}
    previous = feed_size(en, "customers")
    legacy_crawl(client, "customer")
    Order.objects.all().delete()
    Customer.objects.all().delete()
    assert_refused(legacy(client, "customer", page=1, limit=100), 0, previous)


def test_admin_shows_the_refusal_and_releases_it(client, en, admin_client, settings):
    settings.CLERK = {**settings.CLERK, "FEED_WIPE_GUARD_MIN_ITEMS": 2}
    previous = feed_size(en)
    legacy_crawl(client)
    unpublish_all_but(4)
    assert legacy(client, "product", page=1, limit=100).status_code == 503
    changelist = reverse("admin:django_clerk_feedcrawl_changelist")
    page = admin_client.get(changelist)
    assert page.status_code == 200
    assert f"REFUSED: 4 items, last complete crawl {previous}" in page.content.decode()
    refused = FeedCrawl.objects.get(refused=True)
    response = admin_client.post(
        changelist,
        {"action": "release_guard", "_selected_action": [refused.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 refused crawl(s) released" in response.content.decode()
    refused.refresh_from_db()
    assert refused.released_at is not None
    assert "released: 4 accepted" in admin_client.get(changelist).content.decode()
    response = legacy(client, "product", page=1, limit=100)
    assert response.status_code == 200 and len(response.json()) == 4
    # The size accepted is the new baseline; the crawl that followed, too.
    unpublish_all_but(1)
    assert_refused(legacy(client, "product", page=1, limit=100), 1, 4)


def test_release_with_the_management_command(client, en, capsys):
    legacy_crawl(client)
    unpublish_all_but(0)
    assert legacy(client, "product", page=1, limit=100).status_code == 503
    call_command("clerk_sync", "--release-feed-guard", "--entity", "products")
    assert "1 refused feed crawl(s) released." in capsys.readouterr().out
    assert check_refused_feeds(databases=["default"]) == []
    assert legacy(client, "product", page=1, limit=100).json() == []


def test_no_refused_feed_no_warning(en):
    assert check_refused_feeds(databases=["default"]) == []


def test_an_empty_modified_after_is_a_full_crawl_and_is_guarded(client, en, token):
    """``modified_after=`` filters nothing: the crawl is full, and Clerk would delete what it
    leaves out, so the guard applies."""
    previous = feed_size(en)
    v2_crawl(client, token)
    unpublish_all_but(3)
    assert_refused(feed(client, token=token, modified_after="", limit=10, offset=0), 3, previous)


def test_a_time_window_the_feed_filters_on_is_not_guarded(client, en, token, settings):
    """A time window serves part of the catalogue: it must not be refused, nor become the
    size the next full crawl is compared with. One the serializer does not filter on
    (``start_date`` without ``Meta.date_field``) leaves the feed whole: guarded."""
    previous = feed_size(en)
    v2_crawl(client, token)
    unpublish_all_but(3)
    ignored = feed(client, token=token, start_date="2000-01-01", limit=10, offset=0)
    assert_refused(ignored, 3, previous)
    response = feed(client, token=token, modified_after="2000-01-01", limit=1000, offset=0)
    assert response.status_code == 200
    crawl = FeedCrawl.objects.filter(protocol="v2", refused=False).order_by("-pk").first()
    assert crawl is not None and crawl.incremental


@pytest.mark.parametrize("share", [0.5, 0.3, 0.9, 0.01])
@pytest.mark.parametrize("previous", [50, 51, 99, 1000, 1001, 123457])
def test_the_count_stops_at_the_fewest_items_that_do_not_wipe(settings, share, previous):
    from django_clerk import wipe_guard
    from django_clerk.feeds.guard import enough

    settings.CLERK = {**settings.CLERK, "FEED_WIPE_GUARD_SHARE": share}
    needed = enough(previous)
    assert not wipe_guard.would_wipe(previous, needed)
    assert wipe_guard.would_wipe(previous, needed - 1)


def test_count_up_to_is_exact_below_its_limit_and_stops_at_it(en):
    from django_clerk.feeds.guard import count_up_to

    products = get_serializer("products").feed_queryset(en)
    total = products.count()
    assert total > 3
    halves = [products.filter(pk__lte=products[1].pk), products.filter(pk__gt=products[1].pk)]
    assert count_up_to(halves, total + 10) == total
    assert count_up_to(halves, total) == total
    assert count_up_to(halves, 3) == 3
    assert count_up_to(halves, 1) == 1
