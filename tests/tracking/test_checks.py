"""The tracking settings' system checks and their defaults."""

from __future__ import annotations

from typing import Any

import pytest

from django_clerk.tracking.checks import check_tracking
from django_clerk.tracking.modes import tracking_mode


def ids(settings: Any, **clerk: Any) -> list[tuple[str, str]]:
    settings.CLERK = {**settings.CLERK, **clerk}
    return [(m.id, m.msg) for m in check_tracking()]


def test_the_defaults_pass_and_say_where_events_go(settings: Any) -> None:
    settings.CLERK = {k: v for k, v in settings.CLERK.items() if k != "TRACKING"}
    assert check_tracking() == []
    modes = {kind: tracking_mode(kind) for kind in ("sales", "baskets", "product_views")}
    assert modes == {"sales": "both", "baskets": "both", "product_views": "browser"}
    assert (tracking_mode("clicks"), tracking_mode("returns")) == ("both", "server")


@pytest.mark.parametrize(
    ("tracking", "message"),
    [
        (["sales"], "must be a dict"),
        ({"sale": "both"}, "unknown kind of event 'sale'"),
        ({"sales": "Both"}, "CLERK['TRACKING']['sales'] must be one of"),
        ({"returns": "browser"}, "CLERK['TRACKING']['returns'] must be one of 'server', 'off'"),
    ],
)
def test_bad_tracking_modes_are_e120(settings: Any, tracking: Any, message: str) -> None:
    ((check_id, msg),) = ids(settings, TRACKING=tracking)
    assert check_id == "django_clerk.E120" and message in msg


def test_an_invalid_mode_counts_as_the_default(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "Both", "baskets": "server"}}
    assert (tracking_mode("sales"), tracking_mode("baskets")) == ("both", "server")


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ("shop.Refund", "must be a dict"),
        ({"shop.Refund": {}}, "names 'shop.Refund'"),
        ({"shop.OrderLine": {"order": "purchase"}}, "OrderLine has no 'purchase'"),
        ({"shop.OrderLine": {"amount": "quantity"}}, "must map order, product and quantity"),
    ],
)
def test_bad_return_models_are_e121(settings: Any, models: Any, message: str) -> None:
    ((check_id, msg),) = ids(settings, RETURN_MODELS=models)
    assert check_id == "django_clerk.E121" and message in msg


def test_a_good_return_model_passes(settings: Any) -> None:
    assert ids(settings, RETURN_MODELS={"shop.OrderLine": {"order": "order_id"}}) == []


def test_the_grace_delay_is_a_checked_number(settings: Any) -> None:
    from django_clerk.checks import check_settings

    settings.CLERK = {**settings.CLERK, "TRACKING_SALE_GRACE_SECONDS": -1}
    assert [m.id for m in check_settings()] == ["django_clerk.E009"]


def test_both_sales_on_a_task_backend_that_cannot_defer_is_w122(settings: Any) -> None:
    from tests.sync.conftest import DUMMY_BACKEND, IMMEDIATE_BACKEND

    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}  # cannot defer
    ((check_id, msg),) = ids(settings, SYNC_DELIVERY="task", TRACKING={"sales": "both"})
    assert check_id == "django_clerk.W122" and "ImmediateBackend" in msg
    assert ids(settings, TRACKING={"sales": "server"}) == []  # due at once: the commit sends
    assert ids(settings, SYNC_DELIVERY="thread", TRACKING={"sales": "both"}) == []
    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}  # can defer
    assert ids(settings, SYNC_DELIVERY="task") == []
