"""Deterministic demo data for the example shop: the engine of ``manage.py seed_demo``.

Built for volume: rows are generated in batches and inserted as tuples with
``executemany`` (see :mod:`shop.demo.writer`): no ``save()``, so no ``post_save`` and no
real-time sync of half-built data; memory stays flat because only compact arrays of ids
and prices (about 40 bytes a product) outlive a batch, which orders need to reference
real products at their price.

Every part draws from its own ``random.Random("<seed>:<part>")``: the same seed gives the
same data, and changing e.g. ``--orders`` leaves the products as they were. Timestamps are
spread over fixed periods before :data:`~shop.demo.base.EPOCH`; only ``updated_at`` is
the time of the run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Model

from shop.demo.base import EPOCH, SeedCounts
from shop.demo.sales import DemoSeeder
from shop.models import Brand, Category, Customer, Order, OrderLine, Page, Product, ProductVariant

__all__ = ["EPOCH", "DemoSeeder", "SeedCounts", "ensure_stores", "reset_shop_data"]

#: The shop's tables, children before parents.
SHOP_MODELS: list[type[Model]] = [
    OrderLine,
    Order,
    Customer,
    ProductVariant,
    Product.categories.through,
    Product,
    Category,
    Brand,
    Page,
]


def shop_has_data() -> bool:
    return any(model.objects.exists() for model in SHOP_MODELS)


def reset_shop_data() -> None:
    """Delete all shop rows with one raw DELETE per table: no signals, no cascade collection.

    Auth users linked from customers stay.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in SHOP_MODELS:
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")


def ensure_stores() -> None:
    """The demo's Clerk stores: "default" (English) and "da" (Danish), which is active only
    once it has keys. Keys and sync options are left as they are."""
    from django_clerk.models import Store

    base_url = (getattr(settings, "CLERK", None) or {}).get("BASE_URL") or ""
    Store.objects.update_or_create(
        code="default",
        defaults={"name": "Default store", "language": "en", "base_url": base_url},
    )
    danish, _ = Store.objects.update_or_create(
        code="da", defaults={"name": "Danish store", "language": "da"}
    )
    if danish.is_active != danish.is_configured:
        danish.is_active = danish.is_configured
        danish.save(update_fields=["is_active", "updated_at"])
