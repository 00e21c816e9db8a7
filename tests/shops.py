"""Three shops unlike each other, for tests that must hold for every kind of primary key:
the example shop (int keys), the other shop (str keys) and the UUID shop, each with a product,
another product, a category, an order, a page id and a customer. The ``shop`` fixture
(``tests/conftest.py``) gives each of them in turn."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PLACED = datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.timezone.utc)
KINDS = ("int", "str", "uuid")


@dataclass
class Shop:
    """One shop's objects and the ids Clerk must see for them."""

    product: Any
    other_product: Any
    category: Any
    order: Any
    page_id: Any
    customer_id: Any
    serializers: dict[str, str]

    def clerk_id(self, obj: Any) -> Any:
        """What the order feed and Clerk.js carry: int stays int, anything else its text."""
        pk = obj.pk
        return pk if isinstance(pk, int) else str(pk)


def example_shop() -> Shop:
    from django.conf import settings
    from shop.models import Category, Customer, Order, OrderLine, Product

    mug = Product.objects.create(name="Mug", slug="mug", sku="M1", price=Decimal("10.50"), stock=3)
    cup = Product.objects.create(name="Cup", slug="cup", sku="C1", price=Decimal("8"), stock=3)
    customer = Customer.objects.create(email="bo@example.com", first_name="Bo")
    order = Order.objects.create(customer=customer, email="bo@example.com", status="paid")
    OrderLine.objects.create(order=order, product=mug, quantity=2, unit_price=Decimal("10.50"))
    category = Category.objects.create(name="Cups", slug="cups")
    return Shop(mug, cup, category, order, 42, customer.pk, settings.CLERK["SERIALIZERS"])


def other_shop() -> Shop:
    from tests.othershop.clerk import SERIALIZERS
    from tests.othershop.models import Article, Member, Purchase, PurchaseItem, Section

    def article(ean: str) -> Article:
        return Article.objects.create(
            ean=ean, title="Chair", blurb="Soft", net_cost=Decimal("80"),
            first_listed=datetime.date(2024, 1, 2), on_hand=2,
        )  # fmt: skip

    chair, stool = article("5700000000017"), article("5700000000024")
    member = Member.objects.create(handle="luke", display_name="Luke", mail="luke@example.com")
    purchase = Purchase.objects.create(ref="P-1", member=member, placed=PLACED)
    PurchaseItem.objects.create(purchase=purchase, article=chair, qty=2, each=Decimal("12.50"))
    section = Section.objects.create(code="chairs", title="Chairs")
    return Shop(chair, stool, section, purchase, "about-us", member.pk, SERIALIZERS)


def uuid_shop() -> Shop:
    from tests.uuidshop.clerk import SERIALIZERS
    from tests.uuidshop.conftest import make_order, make_products
    from tests.uuidshop.models import Category, Customer

    category = Category.objects.create(name="Boots")
    boot, sandal = make_products(2, [category])
    customer = Customer.objects.create(name="Ann", email="ann@example.com")
    order = make_order(customer, [boot])
    return Shop(boot, sandal, category, order, uuid.uuid4(), customer.pk, SERIALIZERS)


def make_shop(kind: str) -> Shop:
    """The shop of ``kind`` (``"int"``, ``"str"`` or ``"uuid"``), its changes not synced."""
    from django_clerk.sync import sync_paused

    with sync_paused():
        return {"int": example_shop, "str": other_shop, "uuid": uuid_shop}[kind]()
