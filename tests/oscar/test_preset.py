"""The preset's defaults and how a shop overrides them: its own entries in
``CLERK["SERIALIZERS"]`` win (a subclass with a strategy per store), an entity set to
``None`` stays unmapped, the system checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks

from django_clerk.contrib.oscar.defaults import SERIALIZERS, with_defaults
from django_clerk.contrib.oscar.products import ProductSerializer
from django_clerk.mapping import get_serializer, get_serializers
from tests.oscar.crawling import crawl
from tests.oscarshop.clerk import MarketProductSerializer
from tests.oscarshop.seed import Shop

pytestmark = pytest.mark.django_db
CUSTOM = "tests.oscarshop.clerk.MarketProductSerializer"


def test_the_preset_maps_the_five_entities_with_no_mapping_code() -> None:
    assert {
        entity: f"{s.__module__}.{s.__qualname__}"
        for entity in SERIALIZERS
        for s in get_serializers(entity)
    } == SERIALIZERS


def test_the_shops_own_entries_win_and_none_unmaps(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {"products": CUSTOM, "pages": None}}
    assert get_serializer("products") is MarketProductSerializer
    assert get_serializers("pages") == []
    assert get_serializer("categories").__module__.endswith("oscar.categories")
    assert with_defaults({"SERIALIZERS": dict(SERIALIZERS)}) == {"SERIALIZERS": SERIALIZERS}
    assert with_defaults("not a dict") == "not a dict"  # check E001 reports it


def test_a_subclass_gets_a_strategy_per_store(
    client: Any, settings: Any, oscar_shop: Shop, clerk_store: Any, make_store: Any, clerk_api: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": {"products": CUSTOM}}
    uk = make_store(code="uk", include_out_of_stock=True)
    book = oscar_shop.standalone[3]
    net = float(book.stockrecords.get().price)
    default_item = MarketProductSerializer.serialize([book], clerk_store)[0]
    uk_item = MarketProductSerializer.serialize([book], uk)[0]
    assert default_item["price"] == default_item["price_excl_tax"] == net
    assert (uk_item["price"], uk_item["price_excl_tax"]) == (round(net * 1.2, 2), net)
    assert uk_item["discountable"] is True
    token = clerk_api.issue_token("default-public")
    feed = {item["id"]: item for item in crawl(client, token, "products", "v2-all", 0)}
    assert feed[book.pk]["discountable"] is True
    assert issubclass(MarketProductSerializer, ProductSerializer)


def errors_and_warnings() -> list[str]:
    return [
        message.id or ""
        for message in checks.run_checks()
        if message.level >= checks.WARNING and (message.id or "").startswith("django_clerk")
    ]


def test_the_sandbox_shop_passes_the_checks() -> None:
    assert errors_and_warnings() == []


def test_a_shop_without_oscars_basket_middleware_is_warned(settings: Any) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "BasketMiddleware" not in m]
    assert errors_and_warnings() == ["django_clerk.W060"]


def test_missing_apps_are_errors(monkeypatch: Any) -> None:
    from django.apps import apps

    from django_clerk.contrib.oscar import checks as preset_checks

    configs = [c for c in apps.get_app_configs() if c.label not in ("catalogue", "order")]
    monkeypatch.setattr(preset_checks.apps, "get_app_configs", lambda: configs)
    monkeypatch.setattr(preset_checks.apps, "is_installed", lambda name: name != "django_clerk")
    found = preset_checks.check_oscar_preset()
    assert [message.id for message in found] == ["django_clerk.E060", "django_clerk.E061"]
    assert "catalogue, order" in found[1].msg
    assert preset_checks.missing_oscar_apps() == ["catalogue", "order"]
