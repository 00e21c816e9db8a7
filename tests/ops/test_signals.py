"""The public signals: sent with their documented arguments; a failing receiver is harmless."""

from __future__ import annotations

import pytest

from django_clerk.models import PendingChange
from django_clerk.signals import changes_delivered, delivery_failed, feed_crawled
from tests.feeds.conftest import KEYS


@pytest.fixture
def heard():
    """``{signal name: [kwargs of each send]}`` for the three signals."""
    calls: dict[str, list[dict]] = {"delivered": [], "failed": [], "crawled": []}

    def listen(name):
        def receiver(sender, **kwargs):
            kwargs.pop("signal")
            calls[name].append({"sender": sender, **kwargs})

        return receiver

    receivers = [
        (changes_delivered, listen("delivered")),
        (delivery_failed, listen("failed")),
        (feed_crawled, listen("crawled")),
    ]
    for signal, receiver in receivers:
        signal.connect(receiver, weak=False)
    yield calls
    for signal, receiver in receivers:
        signal.disconnect(receiver)


@pytest.mark.django_db
def test_changes_delivered_names_the_store_entity_and_objects(
    clerk_store, make_product, deliver, heard
):
    kept, gone = make_product(), make_product()
    gone_pk = gone.pk
    gone.delete()
    deliver()
    assert heard["delivered"] == [
        {
            "sender": clerk_store,
            "entity": "products",
            "upserted": [str(kept.pk)],
            "deleted": [str(gone_pk)],
        }
    ]
    assert heard["failed"] == []


@pytest.mark.django_db
def test_delivery_failed_is_transient_when_clerk_fails(
    clerk_store, make_product, clerk_api, deliver, heard
):
    product = make_product()
    clerk_api.fail_next(1, status=503)
    deliver()
    [failure] = heard["failed"]
    assert failure["sender"] == clerk_store and failure["entity"] == "products"
    assert failure["object_ids"] == [str(product.pk)] and failure["transient"] is True
    assert "503" in failure["error"]
    assert "default-private" not in repr(heard)
    assert heard["delivered"] == []


@pytest.mark.django_db
def test_delivery_failed_is_permanent_when_clerk_refuses_an_object(
    clerk_store, make_product, clerk_api, deliver, heard
):
    good, bad = make_product(), make_product()
    clerk_api.refuse("products", [bad.pk], message="price must be a number")
    deliver()
    refused = [f for f in heard["failed"] if not f["transient"]]
    assert [f["object_ids"] for f in refused] == [[str(bad.pk)]]
    assert "price must be a number" in refused[0]["error"]
    assert heard["delivered"][-1]["upserted"] == [str(good.pk)]
    assert PendingChange.objects.get(object_id=str(bad.pk)).state == "failed"


@pytest.mark.django_db
def test_a_failing_receiver_never_fails_the_delivery(clerk_store, make_product, deliver, caplog):
    def broken(sender, **kwargs):
        raise RuntimeError("receiver bug")

    changes_delivered.connect(broken, weak=False)
    try:
        make_product()
        report = deliver()
    finally:
        changes_delivered.disconnect(broken)
    assert report.upserted == 1
    assert PendingChange.objects.count() == 0
    assert "receiver bug" in caplog.text


def test_feed_crawled_once_per_finished_crawl(
    client, en, heard, django_capture_on_commit_callbacks
):
    public, private = KEYS["default"]

    def page(number):
        params = {"key": public, "private_key": private, "page": number, "limit": 10}
        return client.get("/clerk/product", params).json()

    with django_capture_on_commit_callbacks(execute=True):
        first = page(1)
    assert len(first) == 10 and heard["crawled"] == []  # a crawl under way is not finished
    served, number = len(first), 1
    with django_capture_on_commit_callbacks(execute=True):
        while True:
            number += 1
            batch = page(number)
            served += len(batch)
            if len(batch) < 10:
                break
    [crawl] = heard["crawled"]
    assert crawl["sender"] == en and crawl["entity"] == "products"
    assert crawl["crawl"].items == served and crawl["crawl"].pages == number
    assert crawl["crawl"].finished_at is not None


def test_a_finished_crawl_nobody_listens_to_reads_no_record(
    client, en, django_capture_on_commit_callbacks, django_assert_num_queries
):
    public, private = KEYS["default"]
    params = {"key": public, "private_key": private, "limit": 1000}
    assert not feed_crawled.has_listeners(en)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert len(client.get("/clerk/product", {**params, "page": 1}).json()) < 1000
    assert len(callbacks) == 1  # the crawl finished on its first page: announced
    with django_assert_num_queries(0):
        callbacks[0]()
