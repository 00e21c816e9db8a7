"""ClerkLogHandler: lines reach the outbox from a background thread and Clerk's log/debug
through the delivery, without keys, without recursion, without ever making the logging
thread wait, and without being lost while Clerk is down."""

from __future__ import annotations

import logging
import time

import pytest

from django_clerk.log_handler import QUEUE_SIZE, ClerkLogHandler
from django_clerk.models import PendingChange
from django_clerk.models.sync import LOG_LINE
from django_clerk.sync.delivery import deliver_due

realdb = pytest.mark.django_db(transaction=True)  # the handler's thread writes the outbox


@pytest.fixture
def handler(clerk_store):
    handler = ClerkLogHandler(store="default", timeout=2.0)
    logger = logging.getLogger("django_clerk.ops_test")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    handler.close()


def lines(clerk_api):
    return clerk_api.logged("log/debug")


@realdb
def test_warnings_and_errors_reach_clerk_without_the_private_key(handler, clerk_api):
    logger = logging.getLogger("django_clerk.ops_test")
    logger.info("not sent: below WARNING")
    logger.warning("slow push of %d products", 3)
    logger.error("refused with default-private in the text")
    started = time.time()
    assert handler.wait_sent()
    stored = list(PendingChange.objects.filter(entity=LOG_LINE).values_list("payload", flat=True))
    assert len(stored) == 2 and "default-private" not in repr(stored)
    assert lines(clerk_api) == []  # in the outbox: the delivery sends them
    assert deliver_due().upserted == 2
    sent = lines(clerk_api)
    assert [(line["type"], line["message"]) for line in sent] == [
        ("warn", "slow push of 3 products"),
        ("error", "refused with *** in the text"),
    ]
    metadata = sent[0]["metadata"]
    assert metadata["logger"] == "django_clerk.ops_test"
    assert started - 2 <= metadata["logged_at"] <= time.time()  # when logged, not sent
    [request] = clerk_api.calls("POST", "log/debug")[:1]
    assert "default-private" not in repr(request.json) + repr(request.query)


@realdb
def test_logging_never_waits_for_clerk(handler, clerk_api):
    clerk_api.hang(1.5, n=1, path="log/debug")
    started = time.perf_counter()
    for n in range(20):
        logging.getLogger("django_clerk.ops_test").warning("line %d", n)
    assert time.perf_counter() - started < 0.5
    assert handler.wait_sent(30)
    deliver_due()
    assert len(lines(clerk_api)) == 20


@realdb
def test_no_recursion_and_no_loss_when_clerk_fails(handler, clerk_api):
    # The client's own failures, and the delivery's warnings about the lines, are not sent.
    watched = [logging.getLogger("django_clerk.client"), logging.getLogger("django_clerk.sync")]
    for logger in watched:
        logger.addHandler(handler)
    try:
        clerk_api.go_down("503")
        logging.getLogger("django_clerk.ops_test").error("first")
        assert handler.wait_sent()
        report = deliver_due()
        assert handler.wait_sent()
        assert report.retrying == 1 and clerk_api.count("log/debug") == 1  # one attempt
        assert PendingChange.objects.filter(entity=LOG_LINE).count() == 1  # nothing new
        assert handler.dropped == 0
        clerk_api.come_up()
        PendingChange.objects.retry_now()
        assert deliver_due().upserted == 1
        assert [line["message"] for line in lines(clerk_api)] == ["first"]
    finally:
        for logger in watched:
            logger.removeHandler(handler)


@realdb
def test_the_queue_reaches_the_outbox_at_exit(clerk_store):
    handler = ClerkLogHandler(store="default")
    for n in range(50):
        line = f"bye {n}"
        handler.handle(
            logging.LogRecord("django_clerk.x", logging.ERROR, __file__, 1, line, (), None)
        )
    handler.flush()  # what logging's shutdown does at exit
    assert handler.lines.qsize() == 0
    assert PendingChange.objects.filter(entity=LOG_LINE).count() == 50
    handler.close()


def test_a_full_queue_drops_lines_instead_of_blocking():
    handler = ClerkLogHandler()
    handler._ensure_thread = lambda: None  # no sender: the queue only fills
    record = logging.LogRecord("django_clerk.x", logging.ERROR, __file__, 1, "boom", (), None)
    for _ in range(QUEUE_SIZE + 5):
        handler.handle(record)
    assert handler.lines.qsize() == QUEUE_SIZE and handler.dropped == 5


def test_a_key_cut_by_the_length_limit_never_leaves_its_start():
    from django_clerk.log_handler import MAX_MESSAGE, scrubbed

    key = "k3y-" + "s" * 40
    whole = scrubbed("x" * (MAX_MESSAGE - 10) + key + " and more", [key, ""])
    assert "k3y" not in whole and len(whole) <= MAX_MESSAGE
    # A line already cut inside a key (the handler keeps 4 x MAX_MESSAGE of it)
    cut = scrubbed("x" * (MAX_MESSAGE - 10) + key[:30], [key])
    assert "k3y" not in cut and cut.endswith("***") and len(cut) <= MAX_MESSAGE + 3
    assert scrubbed(f"a {key} b", [key]) == "a *** b"
    assert scrubbed("nothing secret", [key]) == "nothing secret"


@realdb
def test_lines_repeated_while_clerk_is_down_stay_few(handler, clerk_api, monkeypatch):
    """Clerk down, the same warning logged before each of 20 deliveries (within one hour):
    the outbox holds one line of it, counting the repeats."""
    from django_clerk import log_handler

    hour = time.time() // 3600 * 3600
    monkeypatch.setattr(log_handler.time, "time", lambda: hour + 1)
    watched = logging.getLogger("django_clerk.sync")
    watched.addHandler(handler)
    try:
        clerk_api.go_down("503")
        for _ in range(20):
            logging.getLogger("django_clerk.ops_test").warning("Clerk.io looks down")
            assert handler.wait_sent()
            PendingChange.objects.retry_now()
            deliver_due()
        rows = list(PendingChange.objects.filter(entity=LOG_LINE))
        assert len(rows) == 1 and rows[0].payload["metadata"]["repeated"] == 20
        clerk_api.come_up()
        PendingChange.objects.retry_now()
        deliver_due()
        (line,) = lines(clerk_api)
        assert line["message"] == "Clerk.io looks down" and line["metadata"]["repeated"] == 20
    finally:
        watched.removeHandler(handler)


@realdb
def test_a_line_older_than_a_day_is_dropped_not_sent(handler, clerk_api):
    from datetime import timedelta

    from django.utils import timezone

    logging.getLogger("django_clerk.ops_test").warning("stale")
    logging.getLogger("django_clerk.ops_test").warning("kept")
    assert handler.wait_sent()
    day_ago = timezone.now() - timedelta(days=1, minutes=1)
    PendingChange.objects.filter(payload__message="stale").update(created_at=day_ago)
    report = deliver_due()
    assert report.upserted == 1 and report.dropped == 1
    assert [line["message"] for line in lines(clerk_api)] == ["kept"]
    assert not PendingChange.objects.filter(entity=LOG_LINE).exists()
