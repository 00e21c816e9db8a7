"""Bulk writes of a UUID-keyed shop (and of pages keyed by their path) are recorded as markers
naming the objects by their ids as text, expanded and delivered like saves."""

from __future__ import annotations

from typing import Any

import pytest

from django_clerk.models import PendingChange
from django_clerk.models.sync import BULK
from django_clerk.sync import SyncedQuerySet
from django_clerk.sync.delivery import deliver_due
from tests.uuidshop.conftest import LONG_PATH, Catalogue
from tests.uuidshop.models import Page, Product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def manual_delivery(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}


def markers() -> list[Any]:
    return [m.payload for m in PendingChange.objects.filter(entity=BULK).order_by("pk")]


def test_an_update_of_uuid_keyed_products_names_them_as_text(
    clerk_store: Any, clerk_api: Any, catalogue: Catalogue
) -> None:
    boots = catalogue.products[:5]
    SyncedQuerySet(Product).filter(pk__in=[p.pk for p in boots]).update(stock=40)
    (payload,) = markers()
    assert payload["entity"] == "products"
    assert sorted(payload["object_ids"]) == sorted(str(p.pk) for p in boots)
    report = deliver_due()
    assert report.upserted == 5 and report.failed == 0
    received = {p["id"]: p["stock"] for p in clerk_api.received("products")}
    assert received == {str(p.pk): 40 for p in boots}
    assert PendingChange.objects.count() == 0


def test_a_bulk_delete_of_uuid_keyed_products_deletes_them_from_clerk(
    clerk_store: Any, clerk_api: Any, catalogue: Catalogue
) -> None:
    gone = catalogue.products[-2:]
    ids = sorted(str(p.pk) for p in gone)
    SyncedQuerySet(Product).filter(pk__in=[p.pk for p in gone]).delete()
    assert sorted(markers()[0]["object_ids"]) == ids
    report = deliver_due()
    assert report.deleted == 2 and report.failed == 0
    assert sorted(clerk_api.deleted("products")) == ids


def test_pages_keyed_by_their_path_are_named_by_it(
    clerk_store: Any, clerk_api: Any, catalogue: Catalogue
) -> None:
    SyncedQuerySet(Page).update(title="Renamed")
    (payload,) = markers()
    paths = sorted(p.path for p in catalogue.pages)
    assert LONG_PATH in paths  # 255 characters: the longest id the outbox holds
    assert sorted(payload["object_ids"]) == paths
    deliver_due()
    assert {p["id"]: p["title"] for p in clerk_api.received("pages")} == dict.fromkeys(
        paths, "Renamed"
    )
