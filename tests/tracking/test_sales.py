"""Sales from the server: rendered at delivery by the order feed's serializer, once per order,
and, with "both", dropped when the confirmation page's Clerk.js logged the sale."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.template import Context, Template
from django.utils import timezone

from django_clerk.models import PendingChange
from django_clerk.models.sync import SALE
from django_clerk.tracking import track_sale
from django_clerk.tracking.tokens import click_token, read_sale_token
from tests.shops import example_shop
from tests.tracking.conftest import deliver, make_due, pending, waiting

pytestmark = pytest.mark.django_db


def sales_mode(settings: Any, mode: str, grace: float = 60.0) -> None:
    tracking = {**settings.CLERK["TRACKING"], "sales": mode}
    settings.CLERK = {**settings.CLERK, "TRACKING": tracking, "TRACKING_SALE_GRACE_SECONDS": grace}


def render_sale(order: Any, request: Any) -> str:
    template = Template("{% load clerk %}{% clerk_sales_tracking order %}")
    return template.render(Context({"order": order, "request": request}))


def test_a_sale_is_sent_once_as_the_order_is_when_delivered(
    shop: Any, clerk_api: Any, make_request: Any
) -> None:
    request = make_request()
    assert track_sale(shop.order, request) and track_sale(shop.order, request)
    (row,) = pending(SALE)
    assert row.object_id == str(shop.clerk_id(shop.order))
    assert clerk_api.logged("log/sale") == []  # nothing is sent in the request

    line = shop.order.lines.get() if hasattr(shop.order, "lines") else None
    if line is not None:  # changed after recording: the delivery sends the final state
        line.quantity = 5
        line.save()
    report = deliver()
    (sale,) = clerk_api.logged("log/sale")
    assert report.upserted == 1 and not waiting()
    assert sale["sale"] == shop.clerk_id(shop.order)
    assert [p["id"] for p in sale["products"]] == [shop.clerk_id(shop.product)]
    if line is not None:
        assert sale["products"][0]["quantity"] == 5
    assert re.fullmatch(r"[0-9a-f]{32}", sale["visitor"])  # this request's, stored nowhere
    assert dict(request.session) == {}
    deliver()
    assert len(clerk_api.logged("log/sale")) == 1


def test_the_sale_carries_the_email_only_where_the_store_collects_it(
    clerk_store: Any, clerk_api: Any
) -> None:
    order = example_shop().order
    track_sale(order)
    deliver()
    clerk_store.collect_emails = False
    clerk_store.save()
    PendingChange.objects.filter(entity=SALE).delete()  # the sale is no longer remembered
    track_sale(order)
    deliver()
    first, second = clerk_api.logged("log/sale")
    assert first["email"] == "bo@example.com" and "visitor" not in first
    assert "email" not in second and second["sale"] == order.pk


def test_browser_and_off_record_nothing_server_renders_nothing(
    clerk_store: Any, settings: Any, make_request: Any
) -> None:
    order = example_shop().order
    for mode in ("browser", "off"):
        sales_mode(settings, mode)
        assert track_sale(order, make_request()) is False
    assert not PendingChange.objects.exists()
    assert render_sale(order, make_request()).strip() == ""  # off
    sales_mode(settings, "browser")
    html = render_sale(order, make_request())
    assert 'data-api="log/sale"' in html and "Clerk(" not in html  # Clerk.js' element
    sales_mode(settings, "server")
    assert render_sale(order, make_request()).strip() == ""


def sale_url(html: str) -> str:
    (url,) = re.findall(r'var url = "([^"]+)"', html)
    return url


def test_both_waits_and_the_browser_report_drops_the_servers_copy(
    clerk_store: Any, clerk_api: Any, client: Any, settings: Any, make_request: Any
) -> None:
    sales_mode(settings, "both", grace=60)
    order = example_shop().order
    before = timezone.now()
    track_sale(order, make_request())
    (row,) = pending(SALE)
    assert before + timedelta(seconds=59) < row.due_at < timezone.now() + timedelta(seconds=61)
    assert deliver().upserted == 0 and clerk_api.logged("log/sale") == []

    html = render_sale(order, make_request())
    assert 'Clerk("call", "log/sale", {"sale":' in html
    url = sale_url(html)
    assert urlparse(url).path == "/clerk/tracking/sale/"
    answer = client.post(url)
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "dropped": 1}
    make_due()
    deliver()
    assert clerk_api.logged("log/sale") == [] and not waiting()
    assert client.post(url).json() == {"status": "ok", "dropped": 0}  # a reload


def test_both_sends_the_sale_when_the_browser_never_reports(
    clerk_store: Any, clerk_api: Any, settings: Any
) -> None:
    sales_mode(settings, "both", grace=0.2)
    order = example_shop().order
    track_sale(order)
    assert deliver().upserted == 0
    time.sleep(0.25)
    assert deliver().upserted == 1
    assert [s["sale"] for s in clerk_api.logged("log/sale")] == [order.pk]


def test_the_sale_report_answers_json_for_bad_requests(clerk_store: Any, client: Any) -> None:
    url = "/clerk/tracking/sale/"
    answer = client.get(url, {"t": "x"})
    assert answer.status_code == 405 and answer["Allow"] == "POST"
    assert answer.json()["error"]["code"] == 405
    for token, message in [
        ("", "Give the signed token"),
        ("forged:token", "signature is not valid"),
        (click_token(clerk_store.pk, 1, "search/search", [], "/"), "signature is not valid"),
    ]:
        answer = client.post(url + "?" + (f"t={token}" if token else ""))
        assert answer.status_code == 400 and answer["Content-Type"] == "application/json"
        assert message in answer.json()["error"]["message"]


def test_an_order_gone_before_delivery_is_dropped(clerk_store: Any, clerk_api: Any) -> None:
    order = example_shop().order
    track_sale(order)
    order.delete()
    report = deliver()
    assert report.dropped == 1 and report.calls == 0 and clerk_api.logged("log/sale") == []


@pytest.mark.parametrize("outage", ["close", "503"])
def test_clerk_down_loses_no_sale(clerk_store: Any, clerk_api: Any, outage: str) -> None:
    order = example_shop().order
    track_sale(order)
    clerk_api.go_down(outage)
    report = deliver()
    assert report.retrying == 1 and report.transient_failures == 1
    (row,) = pending(SALE)
    assert row.attempts == 1 and row.due_at > timezone.now() and row.last_error
    clerk_api.come_up()
    assert deliver().upserted == 0  # waits for its backoff
    make_due()
    assert deliver().upserted == 1
    assert [s["sale"] for s in clerk_api.logged("log/sale")] == [order.pk]


def test_a_sale_clerk_refuses_is_kept_failed_and_the_next_goes_on(
    clerk_store: Any, clerk_api: Any
) -> None:
    shop = example_shop()
    from shop.models import Order

    other = Order.objects.create(email="cy@example.com", status="paid")
    track_sale(shop.order)
    track_sale(other)
    clerk_api.error_next(1, "ParsingError", "bad sale", path="log/sale")
    report = deliver()
    assert report.failed == 1 and report.upserted == 1
    (failed,) = PendingChange.objects.filter(state=PendingChange.State.FAILED)
    assert "bad sale" in failed.last_error
    assert len(clerk_api.logged("log/sale")) == 1


def test_the_sale_token_names_one_store_and_sale(
    clerk_store: Any, make_request: Any, settings: Any
) -> None:
    sales_mode(settings, "both")
    order = example_shop().order
    url = sale_url(render_sale(order, make_request()))
    (token,) = parse_qs(urlparse(url).query)["t"]
    assert read_sale_token(token) == (clerk_store.pk, str(order.pk))


@pytest.mark.django_db(transaction=True)
def test_task_delivery_is_scheduled_for_when_the_grace_delay_ends(
    clerk_store: Any, settings: Any
) -> None:
    from django.db import transaction

    from django_clerk.sync.tasks import task_backends
    from tests.sync.conftest import DUMMY_BACKEND

    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}
    sales_mode(settings, "both", grace=60)
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "task"}
    backend = task_backends["default"]
    backend.clear()
    order = example_shop().order
    with transaction.atomic():
        track_sale(order)
        assert backend.results == []  # nothing before the commit
    (row,) = pending(SALE)
    run_after = [r.task.run_after for r in backend.results if r.task.run_after is not None]
    assert run_after == [row.due_at]  # a delivery when the sale comes due
