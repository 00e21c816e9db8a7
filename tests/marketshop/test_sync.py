"""Real-time sync of the market shop to the fake Clerk API over real HTTP: saves of the
product and of its tables' rows (translations, SKUs, images) push the product; deletes, the
blog source's prefix, ``clerk_sync``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from django_clerk.models import PendingChange
from django_clerk.sync.delivery import deliver_due
from tests.marketshop.conftest import Catalogue, make_catalogue, make_order, make_products
from tests.marketshop.models import (
    Article,
    Category,
    Customer,
    Post,
    Product,
    ProductImage,
    ProductTranslation,
    Sku,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def manual_delivery(settings: Any) -> None:
    """Deliveries run when a test says so."""
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual"}


def test_saves_push_every_entity(clerk_store: Any, clerk_api: Any) -> None:
    catalogue = make_catalogue()  # real-time sync on: every save is recorded
    report = deliver_due()
    assert report.upserted > 0 and report.failed == 0
    assert PendingChange.objects.count() == 0
    expected = {
        "products": {str(p.pk) for p in catalogue.products},
        "categories": {str(c.pk) for c in catalogue.categories},
        "customers": {str(c.pk) for c in catalogue.customers},
        "orders": {str(o.pk) for o in catalogue.orders},
        "pages": {str(a.pk) for a in catalogue.articles}
        | {f"post-{p.pk}" for p in catalogue.posts},
    }
    assert {entity: set(clerk_api.data[entity]) for entity in expected} == expected
    boots = catalogue.products[0]
    pushed = clerk_api.data["products"][str(boots.pk)]
    assert (pushed["name"], pushed["price"], pushed["stock"]) == ("Boot 0", 89.95, 2)
    assert pushed["image"] == "https://shop.example.com/media/products/0-a.jpg"
    order = catalogue.orders[0]
    assert clerk_api.data["orders"][str(order.pk)]["products"][0] == {
        "id": str(boots.pk),
        "quantity": 1,
        "price": 99.95,
    }
    assert clerk_api.data["pages"][f"post-{catalogue.posts[0].pk}"]["label"] == "News"


def pushed_by(clerk_api: Any, key: str) -> dict[str, dict[str, Any]]:
    """``{entity: {id: object}}`` of the upserts sent with the store's public ``key``."""
    found: dict[str, dict[str, Any]] = {}
    for request in clerk_api.calls("POST"):
        if request.params.get("key") == key and isinstance(request.params.get(request.path), list):
            for obj in request.params[request.path]:
                found.setdefault(request.path, {})[obj["id"]] = obj
    return found


def test_the_danish_store_gets_danish_texts(
    clerk_store: Any, danish_store: Any, clerk_api: Any
) -> None:
    (product,) = make_products(1, [Category.objects.create(name="Boots", slug="boots")])
    post = Post.objects.create(slug="p", title="P", body="B", label="News", label_da="Nyt")
    deliver_due()
    danish, english = pushed_by(clerk_api, "dk-public"), pushed_by(clerk_api, "default-public")
    assert danish["products"][str(product.pk)]["name"] == "Støvle 0"
    assert english["products"][str(product.pk)]["name"] == "Boot 0"
    assert danish["pages"][f"post-{post.pk}"]["label"] == "Nyt"
    assert danish["products"][str(product.pk)]["url"] == "https://shop.example.dk/p/boot-0/"


@pytest.mark.parametrize("table", ["translation", "sku", "image"])
def test_a_row_of_a_product_table_repushes_the_product(
    clerk_store: Any, clerk_api: Any, table: str
) -> None:
    (product,) = make_products(1, [Category.objects.create(name="Boots", slug="boots")])
    deliver_due()
    if table == "translation":
        row = ProductTranslation.objects.get(product=product, language="en")
        row.name = "Renamed"
        row.save()
        expected = ("name", "Renamed")
    elif table == "sku":
        Sku.objects.create(product=product, code="B-0-XS", stock=1, price_cents=4950)
        expected = ("price", 49.5)
    else:
        ProductImage.objects.create(product=product, path="products/front.jpg", position=0)
        expected = ("image", "https://shop.example.com/media/products/front.jpg")
    report = deliver_due()
    assert (report.upserted, report.failed) == (1, 0)
    key, value = expected
    assert clerk_api.data["products"][str(product.pk)][key] == value


def test_deletes_send_the_ids(clerk_store: Any, clerk_api: Any) -> None:
    products = make_products(3, [Category.objects.create(name="Boots", slug="boots")])
    customer = Customer.objects.create(name="Cy", email="cy@example.com")
    post = Post.objects.create(slug="gone", title="Gone", body="Soon", label="News")
    article = Article.objects.create(slug="gone", title="Gone", body="Soon")
    deliver_due()
    gone = [str(products[0].pk), str(products[2].pk)]
    Product.objects.filter(pk__in=gone).delete()
    customer_id, post_id, article_id = str(customer.pk), f"post-{post.pk}", str(article.pk)
    customer.delete()
    post.delete()
    article.delete()
    report = deliver_due()
    assert report.deleted == 5 and report.failed == 0
    assert sorted(clerk_api.deleted("products")) == sorted(gone)
    assert clerk_api.deleted("customers") == [customer_id]
    assert sorted(clerk_api.deleted("pages")) == sorted([article_id, post_id])
    assert set(clerk_api.data["products"]) == {str(products[1].pk)}


def test_leaving_the_feed_deletes_the_product(clerk_store: Any, clerk_api: Any) -> None:
    (product,) = make_products(1, [Category.objects.create(name="Boots", slug="boots")])
    deliver_due()
    product.is_active = False
    product.save()
    deliver_due()
    assert clerk_api.deleted("products") == [str(product.pk)]


def test_full_sync_pushes_everything(
    clerk_store: Any, clerk_api: Any, catalogue: Catalogue
) -> None:
    call_command("clerk_sync", stdout=StringIO(), stderr=StringIO())
    assert set(clerk_api.data["products"]) == {str(p.pk) for p in catalogue.products}
    articles = {str(a.pk) for a in catalogue.articles}
    assert set(clerk_api.data["pages"]) == articles | {f"post-{p.pk}" for p in catalogue.posts}
    order = catalogue.orders[1]
    assert clerk_api.data["orders"][str(order.pk)]["customer"] == str(order.customer_id)
    assert clerk_api.data["customers"][str(catalogue.customers[0].pk)]["subscribed"] is True


def test_a_new_order_and_its_lines(clerk_store: Any, clerk_api: Any) -> None:
    products = make_products(2, [Category.objects.create(name="Boots", slug="boots")])
    order = make_order(Customer.objects.create(name="Di", email="di@example.com"), products)
    deliver_due()
    assert clerk_api.data["orders"][str(order.pk)]["products"] == [
        {"id": str(products[0].pk), "quantity": 1, "price": 99.95},
        {"id": str(products[1].pk), "quantity": 2, "price": 100.95},
    ]
