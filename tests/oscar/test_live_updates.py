"""Real-time updates of the sandbox Oscar shop reach the fake Clerk API over real HTTP: stock
record saves and price changes, a child's save (its parent is pushed), a category moved in
the tree (its old and new parent, its subtree and their products), a placed order."""

from __future__ import annotations

import time
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from django_clerk.models import PendingChange
from django_clerk.sync.delivery import deliver_due
from tests.oscarshop.seed import Category, Shop, StockRecord, make_order

pytestmark = pytest.mark.django_db
SECONDS = 5.0  # what "real time" must mean here, delivery included


def delivered() -> Any:
    """Deliver what is pending; the push must finish within :data:`SECONDS`."""
    started = time.monotonic()
    report = deliver_due()
    assert time.monotonic() - started < SECONDS
    assert report.failed == 0
    assert PendingChange.objects.count() == 0
    return report


def test_a_price_change_on_a_stock_record_is_pushed(
    oscar_shop: Shop, clerk_store: Any, clerk_api: Any
) -> None:
    book = oscar_shop.standalone[3]
    record = book.stockrecords.get()
    record.price = Decimal("12.34")
    record.save()
    delivered()
    assert clerk_api.data["products"][book.pk]["price"] == 12.34
    assert clerk_api.count("products", "POST") == 1  # that product alone


def test_a_childs_stock_record_pushes_its_parent(
    oscar_shop: Shop, clerk_store: Any, clerk_api: Any
) -> None:
    parent = oscar_shop.parents[1]
    children = sorted(parent.children.all(), key=lambda child: child.pk)
    record = children[0].stockrecords.get()
    record.num_in_stock = 40
    record.price = Decimal("9.50")
    record.save()
    delivered()
    pushed = clerk_api.data["products"][parent.pk]
    assert pushed["variant_stocks"] == [40, 6, 6] and pushed["stock"] == 52
    assert pushed["variant_prices"][0] == 9.5 and pushed["price"] == 9.5
    assert children[0].pk not in clerk_api.data["products"]  # a child is no product of Clerk's


def test_a_childs_save_pushes_its_parent(
    oscar_shop: Shop, clerk_store: Any, clerk_api: Any
) -> None:
    parent = oscar_shop.parents[2]
    child = parent.children.order_by("pk").first()
    child.title = "Shirt 10 Small"
    child.save()
    delivered()
    assert clerk_api.data["products"][parent.pk]["variant_names"][0] == "Shirt 10 Small"


def test_a_product_without_a_priced_stock_record_leaves_clerk(
    oscar_shop: Shop, clerk_store: Any, clerk_api: Any
) -> None:
    book = oscar_shop.standalone[4]
    StockRecord.objects.get(product=book).delete()
    delivered()
    assert clerk_api.deleted("products") == [book.pk]


def test_a_category_move_pushes_the_tree_around_it_and_its_products(
    oscar_shop: Shop,
    clerk_store: Any,
    clerk_api: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Fresh instances: the move changes them, and the seeded ones serve the later tests.
    crime = Category.objects.get(pk=oscar_shop.categories["Crime"].pk)
    fiction = crime.get_parent()
    non_fiction = Category.objects.get(pk=oscar_shop.categories["Non-fiction"].pk)
    products = set(crime.product_set.values_list("pk", flat=True))
    assert products
    with django_capture_on_commit_callbacks(execute=True):
        # As Oscar's dashboard does: the form saves the category, then moves it.
        crime.name = "Crime novels"
        crime.save()
        crime.move(non_fiction, "last-child")
    delivered()
    pushed = clerk_api.data["categories"]
    assert pushed[crime.pk]["parent"] == non_fiction.pk
    assert pushed[crime.pk]["name"] == "Crime novels"
    assert pushed[crime.pk]["url"].endswith(f"/books/non-fiction/crime_{crime.pk}/")
    assert crime.pk in pushed[non_fiction.pk]["subcategories"]
    assert crime.pk not in pushed[fiction.pk]["subcategories"]
    for pk in products:
        assert clerk_api.data["products"][pk]["categories"] == [
            non_fiction.get_parent().pk,
            non_fiction.pk,
            crime.pk,
        ]


def test_a_new_subcategory_pushes_its_parent(
    oscar_shop: Shop,
    clerk_store: Any,
    clerk_api: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    shirts = oscar_shop.categories["Shirts"]
    with django_capture_on_commit_callbacks(execute=True):
        polo = Category.objects.get(pk=shirts.pk).add_child(name="Polo", slug="polo")
    delivered()
    assert clerk_api.data["categories"][shirts.pk]["subcategories"] == [polo.pk]
    assert clerk_api.data["categories"][polo.pk]["parent"] == shirts.pk


def test_a_placed_order_is_pushed_with_its_lines(
    oscar_shop: Shop, clerk_store: Any, clerk_api: Any
) -> None:
    from oscar.apps.order.signals import order_placed

    customer = oscar_shop.users[2]
    child = oscar_shop.parents[3].children.order_by("pk").first()
    order = make_order(oscar_shop, 999, customer, [child])
    deliver_due()
    clerk_api.reset()
    clerk_api.add_store("default-public", "default-private")
    order_placed.send(sender=None, order=order, user=customer)
    delivered()
    assert clerk_api.data["orders"][order.pk]["products"] == [
        {"id": child.parent_id, "quantity": 1, "price": float(child.stockrecords.get().price)}
    ]
    assert clerk_api.data["orders"][order.pk]["email"] == customer.email


def test_clerk_sync_pushes_the_whole_shop(
    oscar_shop: Shop, clerk_store: Any, clerk_api: Any
) -> None:
    call_command("clerk_sync", stdout=StringIO(), stderr=StringIO())
    assert set(clerk_api.data["products"]) == {p.pk for p in oscar_shop.feed_products}
    assert len(clerk_api.data["orders"]) == len(oscar_shop.orders)
    assert len(clerk_api.data["customers"]) == len(oscar_shop.users)
    assert len(clerk_api.data["pages"]) == len(oscar_shop.pages) - 1
    assert len(clerk_api.data["categories"]) == Category.objects.browsable().count()


def test_a_category_link_pushes_the_product(
    oscar_shop: Shop, clerk_store: Any, clerk_api: Any
) -> None:
    from tests.oscarshop.seed import ProductCategory

    book = oscar_shop.standalone[8]
    crime = oscar_shop.categories["Crime"]
    ProductCategory.objects.filter(product=book).delete()
    ProductCategory.objects.create(product=book, category=crime)
    delivered()
    ancestors = [c.pk for c in crime.get_ancestors_and_self()]
    assert clerk_api.data["products"][book.pk]["categories"] == ancestors


@pytest.mark.django_db(databases=["default", "archive"])
def test_a_categorys_old_path_is_read_from_the_database_it_is_saved_to(oscar_shop: Shop) -> None:
    from django_clerk.contrib.oscar.live_updates import OLD_PATH, remember_path

    # The same pk on both databases, under another path in each.
    crime = Category.objects.get(pk=oscar_shop.categories["Crime"].pk)
    Category.objects.using("archive").create(
        pk=crime.pk, name="Crime", slug="crime", path="0009", depth=1, numchild=0
    )
    archived = Category.objects.using("archive").get(pk=crime.pk)
    archived.path = "000A"
    remember_path(Category, archived, using="archive")
    assert archived.__dict__[OLD_PATH] == "0009" != crime.path
