"""The five feeds of the sandbox Oscar shop, mapped by the preset alone, crawled to the end in
every feed mode and authentication: every object once, in key order, 0 violations of Clerk's
data rules; and what the objects hold (variants, strategy prices, categories' tree, lines)."""

from __future__ import annotations

from typing import Any

import pytest

from django_clerk.mapping import get_serializers, problems
from tests.oscar.crawling import MODES, crawl
from tests.oscarshop.seed import Category, Product, Shop

pytestmark = pytest.mark.django_db
ENTITIES = ["products", "categories", "orders", "customers", "pages"]
BIG_PAGES = {"products": 40, "categories": 7, "orders": 20, "customers": 15, "pages": 5}
LIMITS = {"products": 50, "categories": 3, "orders": 7, "customers": 6, "pages": 2}


def expected_ids(entity: str, store: Any) -> list[Any]:
    (serializer,) = get_serializers(entity)
    return list(serializer.feed_queryset(store).values_list("pk", flat=True))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("entity", ENTITIES)
def test_a_crawl_gets_every_object_once_without_violations(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str, entity: str, mode: str
) -> None:
    seen = crawl(client, token, entity, mode, LIMITS[entity])
    ids = [item["id"] for item in seen]
    assert ids == expected_ids(entity, clerk_store)
    assert len(ids) > LIMITS[entity]  # several pages
    violations = [(item["id"], p) for item in seen for p in problems(entity, item)]
    assert violations == []


def by_id(client: Any, token: str, entity: str) -> dict[Any, dict[str, Any]]:
    return {item["id"]: item for item in crawl(client, token, entity, "v2-all", 0)}


def test_the_catalogue_is_parents_and_standalone_products_with_a_price(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str
) -> None:
    products = by_id(client, token, "products")
    assert set(products) == {p.pk for p in oscar_shop.feed_products}
    children = Product.objects.filter(parent__isnull=False).values_list("pk", flat=True)
    assert not set(children) & set(products)
    assert not {p.pk for p in oscar_shop.unpriced} & set(products)


def test_a_parent_rolls_its_children_up_with_strategy_prices(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str
) -> None:
    products = by_id(client, token, "products")
    parent = oscar_shop.parents[1]  # "Shirt 5": prices 25+2, 25, 25+5; stock 6 each
    item = products[parent.pk]
    children = sorted(parent.children.all(), key=lambda child: child.pk)
    assert item["variant_ids"] == [child.pk for child in children]
    assert item["variant_skus"] == ["P-SH-5-S", "P-SH-5-M", "P-SH-5-L"]
    assert item["variant_names"] == ["Shirt 5 S", "Shirt 5 M", "Shirt 5 L"]
    assert item["variant_prices"] == [27.0, 25.0, 30.0]
    assert item["variant_stocks"] == [6, 6, 6]
    assert (item["price"], item["stock"], item["in_stock"]) == (25.0, 18, True)
    assert item["url"] == f"https://shop.example.com/catalogue/shirt-5_{parent.pk}/"
    shirts = oscar_shop.categories["Shirts"]
    assert item["categories"] == [shirts.get_parent().pk, shirts.pk]
    assert item["product_class"] == "Shirt"
    assert item["image"] == "https://shop.example.com/media/image_not_found.jpg"


def test_a_standalone_product_has_the_strategy_price_and_what_can_be_bought(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str
) -> None:
    products = by_id(client, token, "products")
    book = next(p for p in oscar_shop.standalone if p.title.startswith("Book 7 "))
    record = book.stockrecords.get()
    item = products[book.pk]
    assert item["name"] == "Book 7 & <co>"  # as it is: the storefront escapes, not the feed
    assert item["price"] == item["price_excl_tax"] == float(record.price)
    assert item["stock"] == record.num_in_stock - record.num_allocated
    assert "variant_ids" not in item
    sold_out = next(p for p in oscar_shop.standalone if p.title.startswith("Book 6 "))
    assert (products[sold_out.pk]["stock"], products[sold_out.pk]["in_stock"]) == (0, False)


def test_stores_without_out_of_stock_products_leave_them_out(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str
) -> None:
    everything = by_id(client, token, "products")
    clerk_store.include_out_of_stock = False
    clerk_store.save()
    in_stock = by_id(client, token, "products")
    assert set(in_stock) < set(everything)
    assert all(item["in_stock"] for item in in_stock.values())
    assert {pk for pk, item in everything.items() if item["in_stock"]} == set(in_stock)


def test_categories_follow_oscars_tree(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str
) -> None:
    categories = by_id(client, token, "categories")
    crime = oscar_shop.categories["Crime"]
    fiction = crime.get_parent()
    books = fiction.get_parent()
    assert categories[fiction.pk]["parent"] == books.pk
    assert "parent" not in categories[books.pk]
    assert sorted(categories[fiction.pk]["subcategories"]) == sorted(
        c.pk for c in fiction.get_children()
    )
    assert categories[crime.pk]["url"] == (
        f"https://shop.example.com/catalogue/category/books/fiction/crime_{crime.pk}/"
    )
    hidden = Category.objects.filter(name__in=["Archive", "Old stock"])
    assert not {c.pk for c in hidden} & set(categories)


def test_orders_send_the_products_clerk_knows_and_the_email_rule(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str
) -> None:
    orders = by_id(client, token, "orders")
    guest_order = oscar_shop.orders[0]  # no user: a guest's e-mail
    item = orders[guest_order.pk]
    standalone, child = [line.product for line in guest_order.lines.order_by("pk")]
    assert item["products"] == [
        {"id": standalone.pk, "quantity": 1, "price": float(standalone.stockrecords.get().price)},
        {"id": child.parent_id, "quantity": 2, "price": float(child.stockrecords.get().price)},
    ]
    assert item["email"] == "guest0@example.com" and "customer" not in item
    assert item["number"] == guest_order.number
    customer_order = oscar_shop.orders[1]
    assert orders[customer_order.pk]["email"] == customer_order.user.email
    assert orders[customer_order.pk]["customer"] == customer_order.user_id
    gone = oscar_shop.orders[-1]
    assert [line["id"] for line in orders[gone.pk]["products"]] == [oscar_shop.standalone[1].pk]
    clerk_store.collect_emails = False
    clerk_store.save()
    assert all("email" not in order for order in by_id(client, token, "orders").values())


def test_customers_and_pages(client: Any, oscar_shop: Shop, clerk_store: Any, token: str) -> None:
    customers = by_id(client, token, "customers")
    assert set(customers) == {user.pk for user in oscar_shop.users}  # not the one without e-mail
    nameless, named = oscar_shop.users[0], oscar_shop.users[1]
    assert customers[nameless.pk]["name"] == nameless.email
    assert customers[named.pk]["name"] == "First1 Last1"
    assert customers[named.pk]["subscribed"] is False
    pages = by_id(client, token, "pages")
    assert set(pages) == {page.pk for page in oscar_shop.pages[:-1]}  # not the login-only one
    first = oscar_shop.pages[0]
    assert pages[first.pk] == {
        "id": first.pk,
        "type": "cms",
        "url": "https://shop.example.com/info/page-0/",
        "title": "Page 0",
        "text": "<p>About us, part 0</p>",
    }


@pytest.mark.parametrize("entity", ENTITIES)
def test_a_page_costs_the_same_queries_whatever_its_size(
    client: Any, oscar_shop: Shop, clerk_store: Any, token: str, entity: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.oscar.crawling import v2_request

    counts = []
    for limit in (2, BIG_PAGES[entity]):
        v2_request(client, token, entity, False, limit=limit)  # tokens and stores cached
        with CaptureQueriesContext(connection) as queries:
            assert len(v2_request(client, token, entity, False, limit=limit)) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]
