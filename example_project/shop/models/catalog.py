"""Catalogue: brands, a category tree, products and their variants."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from django_clerk.sync import SyncedQuerySet


def media_url(path: str) -> str:
    """The URL of an image stored as a plain path under MEDIA_URL ("" when there is none)."""
    from django.conf import settings

    if not path:
        return ""
    if "://" in path or path.startswith("/"):
        return path
    return f"/{settings.MEDIA_URL.strip('/')}/{path}"


class Brand(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CategoryQuerySet(models.QuerySet["Category"]):
    def top_level(self) -> CategoryQuerySet:
        return self.filter(parent__isnull=True)


class Category(models.Model):
    """A node of the category tree; ``parent`` is null for the top level."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=150, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    description = models.TextField(blank=True)
    image = models.CharField(max_length=255, blank=True, help_text="Path under MEDIA_URL.")
    position = models.PositiveIntegerField(default=0, help_text="Sort order among siblings.")

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:category", kwargs={"slug": self.slug})

    def ancestors(self) -> list[Category]:
        """Root first, excluding this category. One query per level (the tree is shallow)."""
        chain: list[Category] = []
        node = self.parent
        while node is not None and len(chain) < 20:  # guard against accidental cycles
            chain.insert(0, node)
            node = node.parent
        return chain

    @property
    def full_name(self) -> str:
        """``"Women > Shoes > Sneakers"``: unambiguous where leaf names repeat across branches."""
        return " > ".join([c.name for c in self.ancestors()] + [self.name])

    def descendant_ids(self) -> list[int]:
        """Ids of this category and everything below it, breadth first."""
        ids = [self.pk]
        level = [self.pk]
        while level:
            level = list(Category.objects.filter(parent_id__in=level).values_list("pk", flat=True))
            ids.extend(level)
        return ids

    @property
    def image_url(self) -> str:
        return media_url(self.image)


class ProductQuerySet(SyncedQuerySet["Product"]):
    """``update()``, ``bulk_create()``, ``bulk_update()`` and ``delete()`` reach Clerk too."""

    def published(self) -> ProductQuerySet:
        return self.filter(is_published=True)

    def in_stock(self) -> ProductQuerySet:
        return self.filter(stock__gt=0)


class Product(models.Model):
    """A sellable product. Prices include tax; ``list_price`` is the price before a discount.

    ``stock`` is the total on hand; for a product with variants it is the sum of theirs.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    sku = models.CharField("SKU", max_length=64, unique=True)
    description = models.TextField(blank=True)
    name_da = models.CharField("name (Danish)", max_length=200, blank=True)
    description_da = models.TextField("description (Danish)", blank=True)
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="products")
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Tax included.")
    list_price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Price before discount, tax included. Empty when not on sale.",
    )
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal("0.25"))
    image = models.CharField(max_length=255, blank=True, help_text='e.g. "products/123.jpg".')
    stock = models.IntegerField(default=0)
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:product", kwargs={"slug": self.slug})

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def on_sale(self) -> bool:
        return self.list_price is not None and self.list_price > self.price

    @property
    def price_excl_tax(self) -> Decimal:
        return (self.price / (1 + self.tax_rate)).quantize(Decimal("0.01"))

    @property
    def image_url(self) -> str:
        return media_url(self.image)

    def localized(self, field: str, language: str | None = None) -> str:
        """``name`` or ``description`` in ``language`` (default: the active one).

        Danish falls back to English where the translation is blank.
        """
        language = (language or translation.get_language() or "en").split("-")[0]
        if language == "da":
            return getattr(self, f"{field}_da") or getattr(self, field)
        return getattr(self, field)

    @property
    def display_name(self) -> str:
        return self.localized("name")

    @property
    def display_description(self) -> str:
        return self.localized("description")


class ProductVariant(models.Model):
    """A buyable option of a product, e.g. a size, with its own SKU, price and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64, unique=True)
    name = models.CharField(max_length=100, help_text='e.g. "Size M".')
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Tax included.")
    stock = models.IntegerField(default=0)
    image = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["product_id", "pk"]

    def __str__(self) -> str:
        return f"{self.product.name} - {self.name}"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0
