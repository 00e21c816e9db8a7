"""A page's many relations read by queries compiled once: the same rows as the ORM reads,
new rows seen at once, and no compiling where the related model's manager decides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from shop.models import Category, Product, ProductVariant

from django_clerk.mapping import compiled, reads
from django_clerk.mapping.compiled import forget_compiled_queries
from django_clerk.mapping.reads import ManyRead, compiled_range, fetch_many

pytestmark = pytest.mark.django_db

VARIANTS = ManyRead("variants", ("id", "sku", "name", "price", "stock"))
CATEGORIES = ManyRead("categories", ("id",))


@pytest.fixture
def products() -> list[Product]:
    forget_compiled_queries()
    shoes = Category.objects.create(name="Shoes", slug="shoes", position=2)
    boots = Category.objects.create(name="Boots", slug="boots", position=1)
    found = []
    for number in range(6):
        product = Product.objects.create(
            name=f"P{number}", slug=f"p{number}", sku=f"P{number}", price=Decimal("10.00")
        )
        product.categories.set([shoes, boots] if number % 2 else [shoes])
        for size in range(number % 3):
            ProductVariant.objects.create(
                product=product, sku=f"P{number}-{size}", name=str(size),
                price=Decimal("9.50") + size, stock=size,
            )  # fmt: skip
        found.append(product)
    yield found
    forget_compiled_queries()


def built_each_time(monkeypatch: Any) -> None:
    monkeypatch.setattr(reads, "compiled_range", lambda model, many, using: None)


@pytest.mark.parametrize("many", [VARIANTS, CATEGORIES], ids=["reverse-fk", "many-to-many"])
def test_compiled_reads_equal_the_orm_reads(products, many, monkeypatch):
    pks = [product.pk for product in products]
    ours = fetch_many(Product, many, pks, "default")
    assert compiled_range(Product, many, "default") is not None  # compiled, and used
    built_each_time(monkeypatch)
    theirs = fetch_many(Product, many, pks, "default")
    assert ours == theirs and any(ours.values())
    for key, rows in ours.items():  # the same values, of the same types (Decimal prices)
        assert [
            [type(v) for v in row] if isinstance(row, tuple) else type(row) for row in rows
        ] == [
            [type(v) for v in row] if isinstance(row, tuple) else type(row) for row in theirs[key]
        ]
    if many is CATEGORIES:  # the relation's order: Category.Meta.ordering (position, name)
        boots, shoes = Category.objects.order_by("position")
        assert ours[products[1].pk] == [boots.pk, shoes.pk]


def test_a_compiled_read_runs_again_with_each_page(products):
    pks = [product.pk for product in products]
    fetch_many(Product, VARIANTS, pks[:3], "default")
    ProductVariant.objects.create(
        product=products[0], sku="new", name="new", price=Decimal("1.25"), stock=1
    )
    with CaptureQueriesContext(connection) as captured:
        found = fetch_many(Product, VARIANTS, pks[:3], "default")
    assert len(captured.captured_queries) == 1
    assert [row[1] for row in found[products[0].pk]] == ["new"]
    assert products[4].pk not in found  # only the page's range is read
    assert set(fetch_many(Product, VARIANTS, pks[3:], "default")) == {
        products[4].pk,
        products[5].pk,
    }


def test_a_manager_with_its_own_queryset_is_never_compiled(products, monkeypatch):
    class InStock(models.Manager):
        def get_queryset(self) -> Any:
            return super().get_queryset().filter(stock__gt=0)

    manager = InStock()
    manager.model = ProductVariant
    monkeypatch.setattr(ProductVariant._meta, "default_manager", manager)
    assert ProductVariant._default_manager is manager
    forget_compiled_queries()
    pks = [product.pk for product in products]
    found = fetch_many(Product, VARIANTS, pks, "default")
    assert compiled_range(Product, VARIANTS, "default") is None
    assert all(row[4] > 0 for rows in found.values() for row in rows)
    assert (
        sum(len(rows) for rows in found.values())
        == ProductVariant.objects.filter(stock__gt=0).count()
    )


def test_compiled_queries_are_per_thread(products):
    import threading

    pks = [product.pk for product in products]
    fetch_many(Product, VARIANTS, pks, "default")
    mine = compiled.compiled_queries()
    seen: list[Any] = []

    def other() -> None:
        seen.append(compiled.compiled_queries())

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert mine and seen == [{}]


@pytest.mark.django_db
def test_migrate_and_a_change_of_databases_make_every_thread_compile_again():
    import threading

    from django.apps import apps
    from django.db.models.signals import post_migrate
    from django.test.signals import setting_changed

    from django_clerk.mapping.compiled import compiled_queries

    def from_another_thread(send):
        thread = threading.Thread(target=send)
        thread.start()
        thread.join()

    compiled_queries()["kept"] = None
    setting_changed.send(sender=None, setting="DEBUG", value=True, enter=True)
    assert "kept" in compiled_queries()  # another setting: nothing to compile again
    with pytest.warns(UserWarning, match="DATABASES"):  # Django's own warning about it
        setting_changed.send(sender=None, setting="DATABASES", value={}, enter=True)
    assert "kept" not in compiled_queries()
    compiled_queries()["kept"] = None
    from_another_thread(forget_compiled_queries)  # forgotten in every thread
    assert "kept" not in compiled_queries()
    compiled_queries()["kept"] = None
    config = apps.get_app_config("django_clerk")
    post_migrate.send(
        sender=config, app_config=config, verbosity=0, interactive=False, using="default",
        apps=apps, plan=[],
    )  # fmt: skip
    assert "kept" not in compiled_queries()
