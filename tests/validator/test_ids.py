"""Feed ids as the validator looks them up, for shops keyed by ints, strings and UUIDs; and a
journey through the UUID-keyed shop."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from django_clerk.sync import sync_paused
from django_clerk.testing import DEFAULT_CONTENT_IDS, DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY
from django_clerk.testing.validator import Journey, Visit, validate_tracking
from django_clerk.testing.validator.ids import FeedIds, IdVerdict
from tests.shops import Shop
from tests.uuidshop.clerk import SERIALIZERS as UUID_SERIALIZERS
from tests.uuidshop.conftest import make_catalogue

pytestmark = pytest.mark.django_db


def test_feed_ids_of_every_kind(shop: Shop, store: Any) -> None:
    product, category = shop.clerk_id(shop.product), shop.clerk_id(shop.category)
    unknown = 31337 if isinstance(product, int) else str(uuid.uuid4())
    lookup = FeedIds(store)
    known, missing = lookup.verdicts("products", [product, unknown])
    assert not known.unknown and not known.wrong_type
    assert missing.unknown
    if isinstance(product, int):  # "42" for 42: the same text, another id to Clerk
        (retyped,) = lookup.verdicts("products", [str(product)])
        assert retyped.wrong_type and retyped.feed_id == product
    assert not lookup.verdicts("categories", [category])[0].unknown
    assert not lookup.verdicts("orders", [shop.clerk_id(shop.order)])[0].unknown
    assert lookup.verdicts("products", [True, ""]) == [IdVerdict(unknown=True)] * 2


@pytest.mark.urls("tests.uuidshop.urls")
def test_a_journey_through_the_uuid_shop(
    client: Any, make_store: Any, clerk_api: Any, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": UUID_SERIALIZERS}
    with sync_paused():
        catalogue = make_catalogue()
    make_store(code="default", public_key=DEFAULT_PUBLIC_KEY, private_key=DEFAULT_PRIVATE_KEY)
    product, category, order = catalogue.products[4], catalogue.categories[1], catalogue.orders[0]
    steps = [
        Visit("product", f"/p/{product.pk}/"),
        Visit("category", f"/c/{category.pk}/"),
        Visit("confirmation", f"/orders/{order.pk}/"),
    ]
    journey = Journey(steps, contents=[*DEFAULT_CONTENT_IDS, "product-page-bundle"])
    report = validate_tracking(journey, client, fake=clerk_api)
    report.assert_ok()
    assert [p.clerk_elements for p in report.pages] == [6, 1, 1]  # and the sale's call

    type(product).objects.filter(pk=product.pk).update(is_published=False)  # out of the feed
    report = validate_tracking(journey, client, fake=clerk_api)
    assert set(report.codes) == {"product-id-unknown"}
    assert {p.page for p in report.problems} == {f"product (/p/{product.pk}/)"}
    assert all(f"'{product.pk}'" in p.message for p in report.problems)
