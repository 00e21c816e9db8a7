"""Pushes of an entity with two sources to the fake Clerk over HTTP: upserts and deletes with
each source's ids, an object moving from one source to the other, ``clerk_sync`` with its
checkpoint across the sources, the data health check."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from django_clerk.client import ClerkUnavailableError
from django_clerk.mapping.health import check_entity
from django_clerk.models import PendingChange, SyncCheckpoint
from django_clerk.sync import queue_for_sync
from django_clerk.sync.delivery import deliver_due
from django_clerk.sync.full import FullSync
from tests.sources.conftest import KEYS, feed_ids


@pytest.fixture
def clerk(clerk_api: Any, store: Any) -> Any:
    clerk_api.add_store(*KEYS)
    return clerk_api


def outbox_ids() -> set[str]:
    return set(PendingChange.objects.values_list("object_id", flat=True))


def test_saves_of_both_sources_are_pushed_with_their_ids(clerk, make_page):
    cms, blog = make_page("cms"), make_page("blog")
    # The model is both sources' model: each save is recorded for both of them.
    assert outbox_ids() == {str(cms.pk), f"blog-{cms.pk}", str(blog.pk), f"blog-{blog.pk}"}
    report = deliver_due()
    assert report.upserted == 2
    assert set(clerk.data["pages"]) == {str(cms.pk), f"blog-{blog.pk}"}
    assert clerk.data["pages"][f"blog-{blog.pk}"]["url"].endswith(f"/blog/{blog.slug}/")
    # What the other source does not hold is a delete of an id Clerk never had.
    assert sorted(clerk.deleted("pages")) == sorted([f"blog-{cms.pk}", str(blog.pk)])
    assert PendingChange.objects.count() == 0


def test_deletes_carry_each_sources_ids(clerk, make_page):
    cms, blog = make_page("cms"), make_page("blog")
    deliver_due()
    cms_id, blog_id = str(cms.pk), f"blog-{blog.pk}"
    cms.delete()
    blog.delete()
    deliver_due()
    assert clerk.data["pages"] == {}
    assert cms_id in clerk.deleted("pages") and blog_id in clerk.deleted("pages")
    assert all(isinstance(item, str) for item in clerk.deleted("pages"))


def test_an_object_that_changes_source_moves_in_clerk(clerk, make_page):
    page = make_page("cms")
    deliver_due()
    assert set(clerk.data["pages"]) == {str(page.pk)}
    page.kind = "blog"
    page.save()
    deliver_due()
    assert set(clerk.data["pages"]) == {f"blog-{page.pk}"}


def test_unpublishing_deletes_from_the_right_source(clerk, make_page):
    blog = make_page("blog")
    deliver_due()
    blog.is_published = False
    blog.save()
    deliver_due()
    assert clerk.data["pages"] == {}
    assert clerk.deleted("pages")[-2:] in ([str(blog.pk), f"blog-{blog.pk}"],
                                           [f"blog-{blog.pk}", str(blog.pk)])  # fmt: skip


def test_queue_for_sync_records_every_source(clerk, pages):
    from shop.models import Page

    PendingChange.objects.all().delete()
    queue_for_sync(Page.objects.all())
    assert len(outbox_ids()) == 80  # 40 pages, each for both sources
    deliver_due()
    assert set(clerk.data["pages"]) == set(feed_ids())


def test_an_id_of_no_source_is_kept_failed(clerk, store, settings):
    from tests.sources.serializers import BlogPostSerializer, CmsPageSerializer

    class NewsSerializer(BlogPostSerializer):
        class Meta(BlogPostSerializer.Meta):
            id_prefix = "news-"

    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {"pages": [NewsSerializer,
                                                                  BlogPostSerializer]}}  # fmt: skip
    PendingChange.objects.create(store=store, entity="pages", object_id="7")
    PendingChange.objects.create(store=store, entity="pages", object_id="blog-x")
    deliver_due()
    failed = dict(PendingChange.objects.values_list("object_id", "last_error"))
    assert failed["7"].startswith("Belongs to no source")
    assert failed["blog-x"].startswith("Not a primary key of Page")
    assert CmsPageSerializer  # the unprefixed source is not configured here


def test_clerk_sync_sends_every_source(clerk, pages):
    out = StringIO()
    call_command("clerk_sync", "--entity", "pages", "--batch-size", "7", stdout=out)
    sent = [item["id"] for call in clerk.calls("POST", "pages") for item in call.params["pages"]]
    assert sent == feed_ids()
    assert SyncCheckpoint.objects.count() == 0


@pytest.mark.parametrize("stop_after", [14, 23, 30])
def test_clerk_sync_resumes_in_the_right_source(clerk, pages, settings, stop_after):
    settings.CLERK = {**settings.CLERK, "API_RETRIES": 0}

    def progress(state: Any) -> None:
        if state.done == stop_after:
            clerk.go_down()

    with pytest.raises(ClerkUnavailableError):
        FullSync(entities=["pages"], batch_size=7, progress=progress).run()
    checkpoint = SyncCheckpoint.objects.get()
    index = 0 if stop_after <= 23 else 1  # batches end at each source's end
    assert checkpoint.last_pk.startswith(f"{index}:")
    clerk.come_up()
    before = len(clerk.calls("POST", "pages"))
    FullSync(entities=["pages"], batch_size=7).run()
    calls = clerk.calls("POST", "pages")[before:]
    resumed = [item["id"] for call in calls for item in call.params["pages"]]
    everything = feed_ids()
    assert resumed == everything[len(everything) - len(resumed) :]
    assert set(clerk.data["pages"]) == set(everything)
    assert SyncCheckpoint.objects.count() == 0


def test_clerk_sync_keeps_refused_objects_with_their_ids(clerk, pages):
    from shop.models import Page

    PendingChange.objects.all().delete()
    Page.objects.filter(pk=pages["blog"][0].pk).update(slug="not a slug")  # no URL
    # Refused: the first CMS batch (23), then its first halves (11, 5, 2) and first object.
    clerk.error_next(5, type="ParsingError", path="pages")
    FullSync(entities=["pages"], batch_size=50).run()
    failed = set(PendingChange.objects.values_list("object_id", flat=True))
    # The first object Clerk refused (a CMS page) and the blog post that does not render.
    assert failed == {str(pages["cms"][0].pk), f"blog-{pages['blog'][0].pk}"}


def test_health_check_covers_every_source(store, pages):
    from shop.models import Page

    broken = pages["blog"][2]
    Page.objects.filter(pk=broken.pk).update(slug="not a slug")  # its URL cannot be built
    report = check_entity(store, "pages")
    assert report.checked == 40
    assert report.broken == 1
    assert report.by_field["url"] >= 1
    assert report.examples[0].object_id == broken.pk


def test_related_changes_are_recorded_with_the_sources_prefix(clerk, store, settings):
    from decimal import Decimal

    from shop.clerk import OrderSerializer
    from shop.models import Order, OrderLine, Product

    class WebOrderSerializer(OrderSerializer):
        class Meta(OrderSerializer.Meta):
            id_prefix = "web-"

    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {"orders": [WebOrderSerializer]}}
    store.sync_orders = True
    store.save()
    product = Product.objects.create(name="Mug", slug="mug", sku="M1", price=Decimal("2"))
    order = Order.objects.create(email="bo@example.com", status="paid")
    deliver_due()
    line = OrderLine.objects.create(order=order, product=product, quantity=1, unit_price=2)
    assert outbox_ids() == {f"web-{order.pk}"}  # the line's change re-pushes its order
    deliver_due()
    (sent,) = clerk.received("orders")[-1:]
    assert sent["id"] == f"web-{order.pk}"
    assert sent["products"] == [{"id": line.product_id, "quantity": 1, "price": 2.0}]
