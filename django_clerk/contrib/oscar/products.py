"""Oscar's products as Clerk's products: parents with their children rolled up as variants,
prices and stock from Oscar's strategy (per Clerk store), images, the category tree.

The strategy is Oscar's ``Selector().strategy()`` (no request, no user: the prices anybody
sees). To give each Clerk store its own strategy (a market's tax, a partner per country),
subclass :class:`ProductSerializer` and override :meth:`ProductSerializer.get_strategy`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from oscar.core.loading import get_class, get_model
from rest_framework import serializers

from django_clerk import mapping
from django_clerk.contrib.oscar.categories import ProductCategoriesField
from django_clerk.mapping.fields import resolve

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def gross_and_net(price: Any) -> tuple[Decimal, Decimal] | None:
    """``(price with tax, price without tax)`` of an Oscar price; ``None`` when there is
    none. Without a known tax both are the price."""
    if price is None or not getattr(price, "exists", False):
        return None
    net = price.excl_tax
    gross = price.incl_tax if price.is_tax_known else net
    return gross, net


def purchase_info(serializer: Any, product: Any) -> Any:
    strategy = serializer.strategy()
    if product.is_parent:
        return strategy.fetch_for_parent(product)
    return strategy.fetch_for_product(product)


def units_available(info: Any) -> int | None:
    """What Oscar's availability policy says can be bought (``None``: not tracked)."""
    count = getattr(info.availability, "num_available", None)
    return None if count is None else max(int(count), 0)


class StrategyPricesField(mapping.ClerkField):
    """``price``, ``price_excl_tax``, ``stock`` and ``in_stock`` from Oscar's strategy. A
    parent has its cheapest public child's price (Oscar's parent pricing shows the first
    child's), the sum of its children's stock, and Oscar's parent availability."""

    clean_output = True
    merge = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def output_keys(self) -> list[str]:
        return ["price", "price_excl_tax", "stock", "in_stock"]

    def get_attribute(self, instance: Any) -> dict[str, Any]:
        serializer = self.parent
        info = purchase_info(serializer, instance)
        prices = gross_and_net(info.price)
        stock = units_available(info)
        if instance.is_parent:  # the cheapest child's price, the children's stock
            children = [purchase_info(serializer, c) for c in instance.get_public_children()]
            priced = [pair for pair in map(gross_and_net, (c.price for c in children)) if pair]
            prices = min(priced, key=lambda pair: pair[0]) if priced else None
            counts = [count for count in map(units_available, children) if count is not None]
            stock = sum(counts) if counts else None
        return {
            "prices": prices,
            "stock": stock,
            "in_stock": bool(info.availability.is_available_to_buy),
        }

    def to_representation(self, value: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"in_stock": value["in_stock"]}
        if value["prices"] is not None:
            gross, net = value["prices"]
            out["price"] = round(float(gross), 2)
            out["price_excl_tax"] = round(float(net), 2)
        if value["stock"] is not None:
            out["stock"] = value["stock"]
        return out


VARIANT_ATTRIBUTES = {
    "ids": "pk",
    "skus": "sku",
    "names": "title",
    "prices": "price",
    "stocks": "stock",
}
"""The default ``variant_<name>`` lists of a parent: ``variant_ids``, ``variant_skus``..."""


class StrategyVariantsField(mapping.VariantsField):
    """A parent's public children as ``variant_<name>`` lists: ``price`` and ``stock`` come
    from the strategy, ``sku`` is the chosen stock record's partner SKU (else the UPC),
    anything else is an attribute of the child (``{"upcs": "upc"}``). The parent's price is
    the strategy's (the cheapest child), so this field sends no ``price`` of its own."""

    def __init__(self, *, attributes: dict[str, str] | None = None, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        super().__init__(attributes=attributes or dict(VARIANT_ATTRIBUTES), price=None, **kwargs)

    def reads(self, context: Any) -> None:
        return None  # the strategy needs model instances

    def get_attribute(self, instance: Any) -> tuple[Any, list[tuple[Any, ...]]]:
        if not instance.is_parent:
            return None, []
        serializer = self.parent
        variants = []
        for child in instance.get_public_children():
            info = purchase_info(serializer, child)
            prices = gross_and_net(info.price)
            record = info.stockrecord
            computed = {
                "price": prices[0] if prices else None,
                "stock": units_available(info),
                "sku": (record.partner_sku if record is not None else None) or child.upc,
            }
            variants.append(
                tuple(
                    computed[attr] if attr in computed else resolve(child, attr)
                    for attr in self.columns
                )
            )
        return None, variants


class PrimaryImageField(mapping.ImageURLField):
    """The first image (by ``display_order``), else ``OSCAR_MISSING_IMAGE_URL``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        missing = getattr(settings, "OSCAR_MISSING_IMAGE_URL", "") or None
        kwargs.setdefault("default_image", missing)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        for image in instance.images.all():
            if image.original:
                return image.original.storage.url(image.original.name)
        return None


def priced(product_lookup: str) -> Exists:
    return Exists(
        StockRecord.objects.filter(**{product_lookup: OuterRef("pk")}, price__isnull=False)
    )


def available_stock(prefix: str) -> Q:
    """Stock records with units left: ``num_in_stock`` above ``num_allocated``."""
    allocated = Coalesce(f"{prefix}stockrecords__num_allocated", 0)
    return Q(**{f"{prefix}stockrecords__num_in_stock__gt": allocated})


class ProductSerializer(mapping.ProductSerializer):
    """Oscar's browsable products (parents and standalone products with a price)."""

    name = serializers.CharField(source="title")
    url = mapping.AbsoluteURLField()  # Oscar's get_absolute_url()
    image = PrimaryImageField()
    categories = ProductCategoriesField()
    created_at = mapping.TimestampField(source="date_created")
    prices = StrategyPricesField()
    variants = StrategyVariantsField()
    product_class = serializers.CharField(source="product_class.name")
    rating = serializers.FloatField()

    class Meta:
        model = Product
        fields = [
            "id", "name", "description", "url", "image", "categories", "created_at",
            "prices", "variants", "upc", "product_class", "rating",
        ]  # fmt: skip
        modified_field = "date_updated"
        in_stock_filter = (
            Q(product_class__track_stock=False)
            | available_stock("")
            | available_stock("children__")
        )
        # A stock record's save, a child's save or its stock record's, an image and a
        # category link re-push the product (see docs/oscar.md).
        sync_related = ["stockrecords", "children", "children__stockrecords", "images",
                        "productcategory"]  # fmt: skip

    @classmethod
    def get_strategy(cls, store: Any) -> Any:
        """The Oscar strategy prices and stock of ``store`` come from: by default Oscar's
        ``Selector().strategy()``. Override it for a strategy per store."""
        selector = get_class("partner.strategy", "Selector")
        return selector().strategy()

    def strategy(self) -> Any:
        """:meth:`get_strategy` for this render's store, made once per render."""
        strategy = self.__dict__.get("_clerk_strategy")
        if strategy is None:
            strategy = self.__dict__["_clerk_strategy"] = self.get_strategy(
                self.context.get("store")
            )
        return strategy

    @classmethod
    def get_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        public_children = Product.objects.public().prefetch_related("stockrecords").order_by("pk")
        products: QuerySet[Any, Any] = (
            Product.objects.browsable()
            .filter(priced("product") | priced("product__parent"))
            .select_related("product_class")
            .prefetch_related(
                "stockrecords",
                "images",
                "categories",
                Prefetch(
                    "children", queryset=public_children, to_attr="_prefetched_public_children"
                ),
            )
        )
        return products
