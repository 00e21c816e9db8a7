"""Real-time sync of a UUID-keyed shop to the fake Clerk API over real HTTP: upserts and
deletes carry the ids as strings, whatever the primary key's type."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from django_clerk.models import PendingChange
from django_clerk.sync.delivery import deliver_due
from tests.uuidshop.conftest import LONG_PATH, make_catalogue, make_order, make_products
from tests.uuidshop.models import Category, Customer, Page, Product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def manual_delivery(settings: Any) -> None:
    """Deliveries run when a test says so."""
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}


def test_saves_push_every_entity_with_string_ids(clerk_store: Any, clerk_api: Any) -> None:
    catalogue = make_catalogue()  # real-time sync on: every save is recorded
    report = deliver_due()
    assert report.upserted > 0 and report.failed == 0
    assert PendingChange.objects.count() == 0
    expected = {
        "products": {str(p.pk) for p in catalogue.products},
        "categories": {str(c.pk) for c in catalogue.categories},
        "customers": {str(c.pk) for c in catalogue.customers},
        "orders": {str(o.pk) for o in catalogue.orders},
        "pages": {p.path for p in catalogue.pages},
    }
    assert {entity: set(clerk_api.data[entity]) for entity in expected} == expected
    boots = catalogue.products[0]
    pushed = clerk_api.data["products"][str(boots.pk)]
    assert pushed["url"] == f"https://shop.example.com/p/{boots.pk}/"
    assert set(pushed["categories"]) == {str(c.pk) for c in boots.categories.all()}
    order = catalogue.orders[0]
    assert clerk_api.data["orders"][str(order.pk)]["products"][0]["id"] == str(boots.pk)
    assert clerk_api.data["pages"][LONG_PATH]["title"] == "Guide"


def test_an_update_pushes_the_final_state_once(clerk_store: Any, clerk_api: Any) -> None:
    category = Category.objects.create(name="Boots")
    (product,) = make_products(1, [category])
    deliver_due()
    for n in range(3):
        product.name = f"Renamed {n}"
        product.save()
    report = deliver_due()
    assert (report.upserted, report.calls) == (1, 1)
    assert clerk_api.received("products")[-1] == clerk_api.data["products"][str(product.pk)]
    assert clerk_api.data["products"][str(product.pk)]["name"] == "Renamed 2"


def test_membership_change_repushes_with_uuid_category_ids(
    clerk_store: Any, clerk_api: Any
) -> None:
    first, second = Category.objects.create(name="A"), Category.objects.create(name="B")
    (product,) = make_products(1, [first])
    deliver_due()
    product.categories.add(second)
    deliver_due()
    pushed = clerk_api.data["products"][str(product.pk)]["categories"]
    assert sorted(pushed) == sorted([str(first.pk), str(second.pk)])


def test_deletes_send_uuid_strings(clerk_store: Any, clerk_api: Any) -> None:
    category = Category.objects.create(name="Boots")
    products = make_products(3, [category])
    customer = Customer.objects.create(name="Cy", email="cy@example.com")
    deliver_due()
    gone = [str(products[0].pk), str(products[2].pk)]
    Product.objects.filter(pk__in=gone).delete()
    customer_id = str(customer.pk)
    customer.delete()
    report = deliver_due()
    assert report.deleted == 3 and report.failed == 0
    assert sorted(clerk_api.deleted("products")) == sorted(gone)
    assert clerk_api.deleted("customers") == [customer_id]
    assert set(clerk_api.data["products"]) == {str(products[1].pk)}
    assert PendingChange.objects.count() == 0


def test_leaving_the_feed_deletes_the_uuid(clerk_store: Any, clerk_api: Any) -> None:
    (product,) = make_products(1, [Category.objects.create(name="Boots")])
    deliver_due()
    product.is_published = False
    product.save()
    deliver_due()
    assert clerk_api.deleted("products") == [str(product.pk)]


def test_long_page_ids_are_pushed_and_deleted(clerk_store: Any, clerk_api: Any) -> None:
    page = Page.objects.create(path=LONG_PATH, title="Guide", body="Long")
    deliver_due()
    assert clerk_api.data["pages"][LONG_PATH]["url"] == f"https://shop.example.com/{LONG_PATH}"
    page.delete()
    deliver_due()
    assert clerk_api.deleted("pages") == [LONG_PATH]


def test_full_sync_pushes_everything(clerk_store: Any, clerk_api: Any, catalogue: Any) -> None:
    call_command("clerk_sync", stdout=StringIO(), stderr=StringIO())
    assert set(clerk_api.data["products"]) == {str(p.pk) for p in catalogue.products}
    assert set(clerk_api.data["pages"]) == {p.path for p in catalogue.pages}
    order = catalogue.orders[1]
    assert clerk_api.data["orders"][str(order.pk)]["customer"] == str(order.customer_id)


def test_sync_of_a_new_order_and_its_lines(clerk_store: Any, clerk_api: Any) -> None:
    category = Category.objects.create(name="Boots")
    products = make_products(2, [category])
    customer = Customer.objects.create(name="Di", email="di@example.com")
    order = make_order(customer, products)
    deliver_due()
    assert clerk_api.data["orders"][str(order.pk)]["products"] == [
        {"id": str(products[0].pk), "quantity": 1, "price": float(products[0].price)},
        {"id": str(products[1].pk), "quantity": 2, "price": float(Decimal(products[1].price))},
    ]


@pytest.mark.parametrize("spelling", [lambda key: key.hex, lambda key: str(key).upper()])
def test_a_key_saved_in_another_spelling_is_upserted_not_deleted(
    clerk_store: Any, clerk_api: Any, spelling: Any
) -> None:
    """A UUID key given as hex or in capitals is recorded as given; the delivery matches the
    row to its object by the parsed key, so it is pushed, never deleted as gone."""
    import uuid

    key = uuid.uuid4()
    Product.objects.create(
        id=spelling(key),
        name="Odd",
        description="x",
        price=Decimal("1"),
        sku="ODD",
        stock=1,
        image="products/odd.jpg",
    )
    assert PendingChange.objects.get(entity="products").object_id == spelling(key)
    report = deliver_due()
    assert (report.upserted, report.deleted, report.failed) == (1, 0, 0)
    assert str(key) in clerk_api.data["products"]
    assert clerk_api.deleted("products") == []
    assert PendingChange.objects.count() == 0
