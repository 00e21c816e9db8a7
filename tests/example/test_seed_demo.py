"""``manage.py seed_demo``: deterministic, complete, realistic proportions, resettable."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.test import override_settings
from shop.demo import EPOCH
from shop.models import Brand, Category, Customer, Order, OrderLine, Page, Product, ProductVariant

from django_clerk.models import Store

pytestmark = pytest.mark.django_db

SIZES = {"products": 2000, "orders": 300, "customers": 80, "pages": 12}


def seed(**options: Any) -> str:
    out = StringIO()
    call_command("seed_demo", **{**SIZES, "seed": 5, **options}, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    """Everything seeded, keyed by natural keys (ids may differ between databases)."""
    return {
        "brands": list(Brand.objects.order_by("slug").values_list("name", "slug")),
        "categories": list(
            Category.objects.order_by("slug").values_list(
                "name", "slug", "parent__slug", "position", "image"
            )
        ),
        "products": list(
            Product.objects.order_by("sku").values_list(
                "sku",
                "name",
                "slug",
                "name_da",
                "description",
                "brand__slug",
                "price",
                "list_price",
                "tax_rate",
                "stock",
                "is_published",
                "image",
                "created_at",
            )
        ),
        "links": sorted(
            Product.categories.through.objects.values_list("product__sku", "category__slug")
        ),
        "variants": list(
            ProductVariant.objects.order_by("sku").values_list(
                "sku", "product__sku", "name", "price", "stock", "image"
            )
        ),
        "customers": list(
            Customer.objects.order_by("email").values_list(
                "email", "first_name", "last_name", "zip_code", "subscribed", "created_at"
            )
        ),
        "orders": list(
            Order.objects.order_by("created_at", "email").values_list(
                "email", "customer__email", "status", "created_at"
            )
        ),
        "lines": sorted(
            OrderLine.objects.values_list(
                "order__created_at", "product__sku", "variant__sku", "quantity", "unit_price"
            ),
            key=str,
        ),
        "pages": list(
            Page.objects.order_by("slug").values_list(
                "kind", "title", "slug", "body", "is_published", "published_at"
            )
        ),
    }


def test_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    seed()
    first = snapshot()
    seed(reset=True)
    assert snapshot() == first
    seed(reset=True, seed=6)
    other = snapshot()
    assert other["products"] != first["products"]
    assert other["orders"] != first["orders"]


def test_changing_order_count_leaves_the_catalogue_alone() -> None:
    seed()
    products = snapshot()["products"]
    seed(reset=True, orders=10)
    assert snapshot()["products"] == products
    assert Order.objects.count() == 10


def test_counts_and_summary_line() -> None:
    out = seed()
    assert Product.objects.count() == 2000
    assert Order.objects.count() == 300
    assert Customer.objects.count() == 80
    assert Page.objects.count() == 12
    assert Brand.objects.count() == 50
    assert Category.objects.count() == 64
    assert out.count("\n") == 1
    assert out.startswith("Seeded 2000 products (")
    assert "300 orders" in out and "80 customers" in out and "seed 5" in out


def test_category_tree_has_three_levels_and_products_sit_in_one_to_three() -> None:
    seed(categories=60)
    assert Category.objects.count() == 60
    roots = Category.objects.filter(parent__isnull=True)
    middles = Category.objects.filter(parent__in=roots)
    leaves = Category.objects.filter(parent__in=middles)
    assert (roots.count(), middles.count(), leaves.count()) == (4, 12, 44)
    assert set(roots.values_list("name", flat=True)) == {"Women", "Men", "Home", "Outdoor"}
    per_product = Counter(
        Product.objects.annotate(n=Count("categories")).values_list("n", flat=True)
    )
    assert set(per_product) <= {1, 2, 3}
    assert per_product[1] > per_product[3] > 0
    # Products are filed under leaves only.
    assert not Product.categories.through.objects.exclude(category__in=leaves).exists()


def test_proportions_are_realistic() -> None:
    seed()
    total = Product.objects.count()
    with_variants = Product.objects.filter(variants__isnull=False).distinct()
    assert 0.15 < with_variants.count() / total < 0.25
    variant_counts = set(with_variants.annotate(n=Count("variants")).values_list("n", flat=True))
    assert variant_counts <= {2, 3, 4} and len(variant_counts) > 1
    assert 0.06 < Product.objects.filter(stock=0).count() / total < 0.14
    assert 0.02 < Product.objects.filter(is_published=False).count() / total < 0.08
    assert 0.1 < Product.objects.filter(list_price__isnull=False).count() / total < 0.3
    assert not Product.objects.filter(list_price__lte=0).exists()
    for product in with_variants.annotate(variant_stock=Sum("variants__stock"))[:200]:
        assert product.stock == product.variant_stock
    assert Product.objects.exclude(name_da="").count() > total / 2
    assert Product.objects.filter(brand__isnull=True).count() < total / 5


def test_orders_reference_real_products_at_their_price() -> None:
    seed()
    lines_per_order = set(Order.objects.annotate(n=Count("lines")).values_list("n", flat=True))
    assert lines_per_order <= {1, 2, 3, 4} and 4 in lines_per_order
    for line in OrderLine.objects.select_related("product", "variant")[:500]:
        expected = line.variant.price if line.variant else line.product.price
        assert line.unit_price == expected
        assert line.variant is None or line.variant.product_id == line.product_id
    registered = Order.objects.filter(customer__isnull=False)
    assert 0.7 < registered.count() / Order.objects.count() < 0.9
    for order in registered.select_related("customer")[:100]:
        assert order.email == order.customer.email
    assert Customer.objects.filter(email="customer80@example.com").exists()
    assert set(Order.objects.values_list("status", flat=True)) <= set(Order.Status.values)


def test_timestamps_are_fixed_in_the_past() -> None:
    seed()
    for model, field in [
        (Product, "created_at"),
        (Customer, "created_at"),
        (Order, "created_at"),
        (Page, "published_at"),
    ]:
        assert not model.objects.filter(**{f"{field}__gte": EPOCH}).exists(), model
    first_order = Order.objects.order_by("created_at").first()
    assert (
        first_order and Customer.objects.filter(created_at__gt=first_order.created_at).count() == 0
    )


def test_pages_are_half_cms_half_blog() -> None:
    seed()
    kinds = Counter(Page.objects.values_list("kind", flat=True))
    assert kinds == {"cms": 6, "blog": 6}
    assert Page.objects.filter(slug="about-us", kind="cms").exists()


def test_creates_the_clerk_stores() -> None:
    seed()
    default = Store.objects.get(code="default")
    assert (default.name, default.language, default.is_active) == ("Default store", "en", True)
    assert default.base_url == "https://shop.example.com"
    danish = Store.objects.get(code="da")
    assert (danish.name, danish.language, danish.is_active) == ("Danish store", "da", False)


def test_danish_store_is_active_once_it_has_keys() -> None:
    from django.conf import settings

    clerk = {**settings.CLERK, "STORES": {"da": {"PUBLIC_KEY": "pub", "PRIVATE_KEY": "priv"}}}
    with override_settings(CLERK=clerk):
        seed(products=10, orders=0, customers=0, pages=0)
    assert Store.objects.get(code="da").is_active


def test_refuses_to_seed_over_existing_data_without_reset() -> None:
    seed(products=10, orders=5, customers=5, pages=2)
    with pytest.raises(CommandError, match="--reset"):
        seed(products=10)
    assert Product.objects.count() == 10


def test_reset_replaces_everything_but_keeps_users() -> None:
    user = User.objects.create_user("shopper")
    seed(products=50, orders=20, customers=10, pages=4)
    manual = Product.objects.create(name="Manual", slug="manual", sku="MANUAL-1", price=10)
    Customer.objects.filter(email="customer1@example.com").update(user=user)

    seed(reset=True, products=30, orders=7, customers=3, pages=2)
    assert not Product.objects.filter(pk=manual.pk).exists()
    assert Product.objects.count() == 30
    assert Order.objects.count() == 7
    assert (
        OrderLine.objects.filter(order__in=Order.objects.all()).count() == OrderLine.objects.count()
    )
    assert Customer.objects.count() == 3
    assert User.objects.filter(pk=user.pk).exists()
    # The new rows are usable by the ORM afterwards: ids do not collide.
    assert Product.objects.create(name="After", slug="after", sku="AFTER-1", price=1).pk


def test_zero_products_still_seeds_the_rest() -> None:
    seed(products=0, orders=5, customers=5, pages=2)
    assert Product.objects.count() == 0
    assert Order.objects.count() == 0  # orders need products
    assert Customer.objects.count() == 5
