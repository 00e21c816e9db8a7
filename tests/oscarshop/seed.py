"""A deterministic Oscar catalogue: partners, a category tree (one branch hidden), standalone
products, parents with children, stock records (some out of stock, some without a price),
an untracked product class, users, orders (a guest's, a deleted product's line) and
flatpages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from django_clerk.sync import sync_paused

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
Line = get_model("order", "Line")

BRANCHES = [
    "Clothing > Shirts",
    "Clothing > Trousers",
    "Books > Fiction > Crime",
    "Books > Fiction > Fantasy",
    "Books > Non-fiction",
    "Archive > Old stock",  # hidden below
]
START = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc)


@dataclass
class Shop:
    categories: dict[str, Any] = field(default_factory=dict)  # leaf name -> category
    standalone: list[Any] = field(default_factory=list)
    parents: list[Any] = field(default_factory=list)
    unpriced: list[Any] = field(default_factory=list)  # no price: not in Clerk's feed
    users: list[Any] = field(default_factory=list)
    orders: list[Any] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)
    partner: Any = None

    @property
    def feed_products(self) -> list[Any]:
        return sorted(self.standalone + self.parents, key=lambda product: product.pk)


def stock(product: Any, partner: Any, sku: str, price: Any, num: int, allocated: int = 0) -> Any:
    return StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku=sku,
        price=price,
        num_in_stock=num,
        num_allocated=allocated,
    )


def make_categories(shop: Shop) -> None:
    for branch in BRANCHES:
        leaf = create_from_breadcrumbs(branch)
        shop.categories[leaf.name] = leaf
    archive = Category.objects.get(name="Archive")
    archive.is_public = False
    archive.save()


def make_products(shop: Shop, count: int) -> None:
    """``count`` products: every fifth a parent with three sizes, every thirteenth an
    e-book (stock not tracked), one in forty without any price."""
    shirts = ProductClass.objects.create(name="Shirt", slug="shirt", track_stock=True)
    books = ProductClass.objects.create(name="Book", slug="book", track_stock=True)
    ebooks = ProductClass.objects.create(name="E-book", slug="e-book", track_stock=False)
    leaves = list(shop.categories.values())
    for n in range(count):
        when = START + datetime.timedelta(hours=n)
        if n % 5 == 0:
            parent = Product.objects.create(
                structure=Product.PARENT,
                title=f"Shirt {n}",
                slug=f"shirt-{n}",
                product_class=shirts,
                description=f"<p>Cotton shirt {n}</p>",
            )
            for size, offset in (("S", 2), ("M", 0), ("L", 5)):
                child = Product.objects.create(
                    structure=Product.CHILD,
                    parent=parent,
                    title=f"Shirt {n} {size}",
                    upc=f"SH-{n}-{size}",
                )
                units = 0 if (n % 10 == 0 and size != "M") else n % 7 + 1
                stock(child, shop.partner, f"P-SH-{n}-{size}", Decimal(20 + n % 9 + offset), units)
            ProductCategory.objects.create(product=parent, category=shop.categories["Shirts"])
            Product.objects.filter(pk=parent.pk).update(date_created=when)
            shop.parents.append(parent)
            continue
        product_class = ebooks if n % 13 == 0 else books
        product = Product.objects.create(
            title=f"Book {n} & <co>",
            slug=f"book-{n}",
            upc=f"BK-{n}",
            product_class=product_class,
            description=f"Book number {n}",
        )
        ProductCategory.objects.create(product=product, category=leaves[n % len(leaves)])
        Product.objects.filter(pk=product.pk).update(date_created=when)
        if n % 40 == 1:
            shop.unpriced.append(product)
            continue
        units = 0 if n % 6 == 0 else n % 11 + 1
        stock(product, shop.partner, f"P-BK-{n}", Decimal(f"{9 + n % 30}.95"), units, n % 2)
        shop.standalone.append(product)


def make_users(shop: Shop, count: int) -> None:
    users = get_user_model()
    for n in range(count):
        shop.users.append(
            users.objects.create_user(
                username=f"customer{n}",
                email=f"customer{n}@example.com",
                password="x",
                first_name="" if n % 4 == 0 else f"First{n}",
                last_name="" if n % 4 == 0 else f"Last{n}",
            )
        )
    users.objects.create_user(username="noemail", email="", password="x")


def make_order(shop: Shop, number: int, user: Any, products: list[Any], guest: str = "") -> Any:
    site = Site.objects.get_current()
    order = Order.objects.create(
        number=f"{100000 + number}",
        site=site,
        user=user,
        guest_email=guest,
        currency="EUR",
        total_incl_tax=Decimal(0),
        total_excl_tax=Decimal(0),
        date_placed=START + datetime.timedelta(days=number),
    )
    for quantity, product in enumerate(products, start=1):
        record = product.stockrecords.first()
        unit = record.price if record is not None else Decimal("5.00")
        Line.objects.create(
            order=order,
            partner=shop.partner,
            partner_sku=record.partner_sku if record is not None else "none",
            stockrecord=record,
            product=product,
            title=product.get_title(),
            quantity=quantity,
            line_price_incl_tax=unit * quantity,
            line_price_excl_tax=unit * quantity,
            line_price_before_discounts_incl_tax=unit * quantity,
            line_price_before_discounts_excl_tax=unit * quantity,
            unit_price_incl_tax=unit,
            unit_price_excl_tax=unit,
            num_allocated=0,
        )
    return order


def make_orders(shop: Shop, count: int) -> None:
    children = [child for parent in shop.parents for child in parent.children.all()]
    for n in range(count):
        user = shop.users[n % len(shop.users)] if n % 5 else None
        products = [shop.standalone[n % len(shop.standalone)], children[n % len(children)]]
        guest = f"guest{n}@example.com" if user is None else ""
        shop.orders.append(make_order(shop, n, user, products, guest))
    # An order one of whose products was deleted since: its line has no product any more.
    gone = make_order(shop, count, shop.users[0], [shop.standalone[1], shop.standalone[2]])
    Line.objects.filter(order=gone, product=shop.standalone[2]).update(product=None)
    shop.orders.append(gone)


def make_pages(shop: Shop, count: int) -> None:
    site = Site.objects.get_current()
    for n in range(count):
        page = FlatPage.objects.create(
            url=f"/info/page-{n}/",
            title=f"Page {n}",
            content=f"<p>About us, part {n}</p>",
            registration_required=n == count - 1,  # the last one: not for Clerk
        )
        page.sites.add(site)
        shop.pages.append(page)


def seed(products: int = 300, users: int = 20, orders: int = 30, pages: int = 6) -> Shop:
    """The whole sandbox shop, written without real-time sync (``clerk_sync`` or the
    feeds take it from there)."""
    shop = Shop()
    with sync_paused():
        shop.partner = Partner.objects.create(name="Warehouse")
        make_categories(shop)
        make_products(shop, products)
        make_users(shop, users)
        make_orders(shop, orders)
        make_pages(shop, pages)
    return shop
