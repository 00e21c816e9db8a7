"""Deterministic demo data for the example shop (the engine of ``manage.py seed_demo``).

Built for volume: rows are generated and inserted in batches with ``bulk_create`` (no
``save()``, so no ``post_save`` signals and no real-time sync of half-built data), the M2M
through rows too. Products are kept in memory only as compact arrays of ids and prices
(about 40 bytes each), which the orders need to reference real products at their price.

Every part draws from its own ``random.Random("<seed>:<part>")``, so the same seed gives the
same data, and e.g. changing ``--orders`` does not change the products. Timestamps are
spread over fixed periods before :data:`EPOCH`, never ``now()`` (``updated_at`` excepted:
it is ``auto_now``).
"""

from __future__ import annotations

import random
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils.text import slugify

from shop import demo_data as words
from shop.models import Brand, Category, Customer, Order, OrderLine, Page, Product, ProductVariant

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
DAY = 86_400
YEAR = 365 * DAY

#: Tables in an order that deletes children before parents.
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
PRICE_POINTS = [49, 79, 99, 129, 149, 199, 249, 299, 349, 399, 499, 699, 899, 1299, 1999]
ORDER_STATUSES = [s.value for s in Order.Status]
ORDER_STATUS_WEIGHTS = [4, 8, 10, 70, 5, 3]  # pending, paid, shipped, completed, cancelled, ...


@dataclass(frozen=True)
class Kind:
    """What a leaf category sells, parsed from :data:`shop.demo_data.TAXONOMY`."""

    plural: str
    singular: str
    singular_da: str
    variants: str  # "size", "shoe", "color" or "volume"

    @classmethod
    def parse(cls, spec: str) -> Kind:
        return cls(*spec.split("|"))


VariantSpec = tuple[str, str, int, int, str]  # sku, name, price in cents, stock, image

ALL_KINDS = [Kind.parse(leaf) for _, subs in words.TAXONOMY for _, leaves in subs for leaf in leaves]


@dataclass
class SeedCounts:
    brands: int = 0
    categories: int = 0
    products: int = 0
    variants: int = 0
    customers: int = 0
    orders: int = 0
    order_lines: int = 0
    pages: int = 0

    def __str__(self) -> str:
        return (
            f"{self.products} products ({self.variants} variants), {self.categories} categories, "
            f"{self.brands} brands, {self.customers} customers, {self.orders} orders "
            f"({self.order_lines} lines), {self.pages} pages"
        )


def shop_has_data() -> bool:
    return any(model.objects.exists() for model in SHOP_MODELS)


def reset_shop_data() -> None:
    """Delete all shop rows with one raw DELETE per table: no signals, no cascade collection."""
    with connection.cursor() as cursor:
        for model in SHOP_MODELS:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def level_sizes(total: int) -> tuple[int, int, int]:
    """Split ``total`` categories over three levels: ~cbrt(total) roots, 3 children each."""
    top = min(max(1, round(total ** (1 / 3))), total)
    middle = min(total - top, top * 3)
    return top, middle, total - top - middle


class DemoSeeder:
    def __init__(
        self,
        *,
        seed: int = 1,
        products: int = 1000,
        categories: int = 64,
        brands: int = 50,
        customers: int = 200,
        orders: int = 500,
        pages: int = 20,
        batch_size: int = 5000,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.seed = seed
        self.n_products, self.n_categories, self.n_brands = products, categories, brands
        self.n_customers, self.n_orders, self.n_pages = customers, orders, pages
        self.batch_size = max(1, batch_size)
        self.progress = progress or (lambda message: None)
        self.counts = SeedCounts()
        self._decimals: dict[int, Decimal] = {}
        self._slugs: dict[str, str] = {}
        self.brand_ids: list[int] = []
        self.brand_names: list[str] = []
        self.leaves: list[tuple[int, Kind]] = []
        # Compact per-product memory, indexed by product number (0-based).
        self.product_ids = array("q")
        self.product_cents = array("q")
        self.variant_start = array("q")
        self.variant_count = array("b")
        self.variant_ids = array("q")
        self.variant_cents = array("q")
        self.customer_ids = array("q")

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def money(self, cents: int) -> Decimal:
        value = self._decimals.get(cents)
        if value is None:
            value = self._decimals[cents] = Decimal(cents).scaleb(-2)
        return value

    def run(self) -> SeedCounts:
        if not connection.features.can_return_rows_from_bulk_insert:
            raise RuntimeError("seed_demo needs a database that returns ids from bulk inserts.")
        for step in (
            self.seed_brands,
            self.seed_categories,
            self.seed_products,
            self.seed_customers,
            self.seed_orders,
            self.seed_pages,
        ):
            started = time.perf_counter()
            step()
            self.progress(f"{step.__name__}: {time.perf_counter() - started:.1f}s")
        return self.counts

    # -- catalogue ---------------------------------------------------------------------
    def seed_brands(self) -> None:
        rng = self.rng("brands")
        names = [p + s for p in words.BRAND_PREFIXES for s in words.BRAND_SUFFIXES]
        rng.shuffle(names)
        brands = []
        for i in range(self.n_brands):  # past the word list's 50 names, number them
            name = names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
            brands.append(Brand(name=name, slug=slugify(name)))
        Brand.objects.bulk_create(brands)
        self.brand_ids = [b.pk for b in brands]
        self.brand_names = [b.name for b in brands]
        self.counts.brands = len(brands)

    def seed_categories(self) -> None:
        """A three-level tree named after :data:`TAXONOMY`, numbered where it runs out."""
        top_n, middle_n, leaf_n = level_sizes(max(1, self.n_categories))
        slugs: set[str] = set()

        def make(name: str, parent: Category | None, position: int) -> Category:
            base = slugify(f"{parent.slug}-{name}" if parent else name)
            slug, n = base, 2
            while slug in slugs:
                slug, n = f"{base}-{n}", n + 1
            slugs.add(slug)
            return Category(
                name=name,
                slug=slug,
                parent=parent,
                position=position,
                description=f"Discover our selection of {name.lower()}.",
                image=f"categories/{slug}.jpg",
            )

        tops = []
        for i in range(top_n):
            name = words.TAXONOMY[i][0] if i < len(words.TAXONOMY) else f"Collection {i + 1}"
            tops.append(make(name, None, i))
        Category.objects.bulk_create(tops)

        middles, middle_specs = [], []
        for j in range(middle_n):
            top_index, position = j % top_n, j // top_n
            subs = words.TAXONOMY[top_index][1] if top_index < len(words.TAXONOMY) else []
            name, leaves = subs[position] if position < len(subs) else (f"Series {position + 1}", [])
            middles.append(make(name, tops[top_index], position))
            middle_specs.append(leaves)
        Category.objects.bulk_create(middles)

        leaves_objs, kinds = [], []
        for k in range(leaf_n):
            middle_index, position = k % middle_n, k // middle_n
            specs = middle_specs[middle_index]
            kind = Kind.parse(specs[position]) if position < len(specs) else ALL_KINDS[k % len(ALL_KINDS)]
            leaves_objs.append(make(kind.plural, middles[middle_index], position))
            kinds.append(kind)
        Category.objects.bulk_create(leaves_objs)

        # Products go into leaves; with a tree too small to have any, into what there is.
        if leaves_objs:
            self.leaves = [(c.pk, kind) for c, kind in zip(leaves_objs, kinds, strict=True)]
        else:
            pool = middles or tops
            self.leaves = [(c.pk, ALL_KINDS[i % len(ALL_KINDS)]) for i, c in enumerate(pool)]
        self.counts.categories = top_n + middle_n + leaf_n

    def seed_products(self) -> None:
        rng = self.rng("products")
        total = self.n_products
        start = EPOCH - timedelta(seconds=3 * YEAR)
        through = Product.categories.through
        for first in range(0, total, self.batch_size):
            numbers = range(first, min(total, first + self.batch_size))
            products: list[Product] = []
            extras: list[tuple[set[int], list[VariantSpec]]] = []
            for n in numbers:
                product, categories, variants = self.make_product(rng, n, start, total)
                products.append(product)
                extras.append((categories, variants))
            Product.objects.bulk_create(products)

            rows, variants = [], []
            offset = len(self.variant_ids)
            for product, (categories, variant_specs) in zip(products, extras, strict=True):
                rows.extend(through(product_id=product.pk, category_id=c) for c in categories)
                self.product_ids.append(product.pk)
                self.product_cents.append(int(product.price * 100))
                self.variant_start.append(offset + len(variants))
                self.variant_count.append(len(variant_specs))
                for sku, name, cents, stock, image in variant_specs:
                    variants.append(
                        ProductVariant(
                            product_id=product.pk,
                            sku=sku,
                            name=name,
                            price=self.money(cents),
                            stock=stock,
                            image=image,
                        )
                    )
            through.objects.bulk_create(rows)
            ProductVariant.objects.bulk_create(variants)
            for variant in variants:
                self.variant_ids.append(variant.pk)
                self.variant_cents.append(int(variant.price * 100))
            self.counts.products += len(products)
            self.counts.variants += len(variants)
            self.progress(f"  products: {self.counts.products}/{total}")

    def make_product(
        self, rng: random.Random, n: int, start: datetime, total: int
    ) -> tuple[Product, set[int], list[VariantSpec]]:
        """One unsaved product, its category ids and its variants."""
        category_id, kind = self.leaves[rng.randrange(len(self.leaves))]
        adjective, adjective_da = rng.choice(words.ADJECTIVES)
        material, material_da = rng.choice(words.MATERIALS[kind.variants])
        name = f"{adjective} {material} {kind.singular}"
        sku = f"P{n + 1:07d}"
        brand_index = rng.randrange(len(self.brand_ids)) if self.brand_ids else -1
        has_brand = brand_index >= 0 and rng.random() < 0.9
        brand_name = self.brand_names[brand_index] if has_brand else "Example Shop"

        cents = rng.choice(PRICE_POINTS) * 100 - (5 if rng.random() < 0.5 else 0)
        list_cents = None
        if rng.random() < 0.2:  # on sale
            list_cents = cents
            cents = cents * (100 - rng.choice((10, 20, 25, 30, 40, 50))) // 10_000 * 100 - 5
        out_of_stock = rng.random() < 0.10
        stock = 0 if out_of_stock else rng.randint(1, 200)

        variants: list[VariantSpec] = []
        if rng.random() < 0.2:
            options = self.variant_options(kind.variants)
            count = min(rng.randint(2, 4), len(options))
            first = rng.randrange(len(options) - count + 1)
            for i, (code, label) in enumerate(options[first : first + count]):
                factor = words.VOLUME_PRICE_FACTORS[first + i] if kind.variants == "volume" else 1
                variant_cents = int(cents * factor) // 100 * 100 + cents % 100 if factor != 1 else cents
                v_stock = 0 if out_of_stock or rng.random() < 0.15 else rng.randint(1, 40)
                image = f"products/{n + 1}-{code.lower()}.jpg" if kind.variants == "color" else ""
                variants.append((f"{sku}-{code}", label, variant_cents, v_stock, image))
            if not out_of_stock and not any(v[3] for v in variants):
                sku_, label, c, _, image = variants[0]
                variants[0] = (sku_, label, c, rng.randint(1, 40), image)
            stock = sum(v[3] for v in variants)
            cents = variants[0][2]  # the "from" price
            if list_cents is not None and list_cents <= cents:
                list_cents = None

        categories = {category_id}
        for _ in range(rng.choice((0, 0, 1, 1, 2))):  # cross-listed in 0–2 other leaves
            categories.add(self.leaves[rng.randrange(len(self.leaves))][0])

        translated = rng.random() < 0.7
        features = rng.sample(words.FEATURES, 2)
        return (
            Product(
                name=name,
                slug=f"{self.slug_of(name)}-{n + 1}",
                sku=sku,
                description=f"{name} by {brand_name}. {' '.join(features)}",
                name_da=(
                    f"{adjective_da} {material_da}{kind.singular_da.lower()}" if translated else ""
                ),
                description_da=(
                    f"{adjective_da} {material_da}{kind.singular_da.lower()} fra {brand_name}. "
                    f"{rng.choice(words.FEATURES_DA)}"
                    if translated
                    else ""
                ),
                brand_id=self.brand_ids[brand_index] if has_brand else None,
                price=self.money(cents),
                list_price=self.money(list_cents) if list_cents else None,
                image=f"products/{n + 1}.jpg",
                stock=stock,
                is_published=rng.random() >= 0.05,
                created_at=start + timedelta(seconds=n * 3 * YEAR // max(total, 1)),
            ),
            categories,
            variants,
        )

    def slug_of(self, name: str) -> str:
        """slugify() is slow-ish and names repeat a lot: cache it."""
        slug = self._slugs.get(name)
        if slug is None:
            slug = self._slugs[name] = slugify(name)
        return slug

    @staticmethod
    def variant_options(kind: str) -> list[tuple[str, str]]:
        if kind == "size":
            return [(s, f"Size {s}") for s in words.SIZES]
        if kind == "shoe":
            return [(s, f"Size {s}") for s in words.SHOE_SIZES]
        if kind == "volume":
            return [(v.replace(" ", "").upper(), v) for v in words.VOLUMES]
        return [(code, color) for color, code in words.COLORS]

    # -- customers and orders ------------------------------------------------------------
    def seed_customers(self) -> None:
        """``customerN@example.com``, registered evenly over the three years to one year
        before :data:`EPOCH` (so before any order)."""
        rng = self.rng("customers")
        total = self.n_customers
        start = EPOCH - timedelta(seconds=3 * YEAR)
        for first in range(0, total, self.batch_size):
            customers = [
                Customer(
                    email=f"customer{i + 1}@example.com",
                    first_name=rng.choice(words.FIRST_NAMES),
                    last_name=rng.choice(words.LAST_NAMES),
                    zip_code=str(rng.randint(1000, 9990)),
                    subscribed=rng.random() < 0.4,
                    is_business=rng.random() < 0.1,
                    created_at=start + timedelta(seconds=i * 2 * YEAR // total),
                )
                for i in range(first, min(total, first + self.batch_size))
            ]
            Customer.objects.bulk_create(customers)
            self.customer_ids.extend(c.pk for c in customers)
            self.counts.customers += len(customers)

    def seed_orders(self) -> None:
        """Orders over the year before :data:`EPOCH`: 80% by customers, the rest by guests;
        1–4 lines of real products (popular ones more often) at their price."""
        total = self.n_orders if self.product_ids else 0
        rng = self.rng("orders")
        start = EPOCH - timedelta(seconds=YEAR)
        n_products = len(self.product_ids)
        for first in range(0, total, self.batch_size):
            orders: list[Order] = []
            order_lines: list[list[tuple[int, int | None, int, int]]] = []
            for i in range(first, min(total, first + self.batch_size)):
                if self.customer_ids and rng.random() < 0.8:
                    index = rng.randrange(len(self.customer_ids))
                    customer_id, email = self.customer_ids[index], f"customer{index + 1}@example.com"
                else:
                    customer_id, email = None, f"guest{i + 1}@example.com"
                orders.append(
                    Order(
                        customer_id=customer_id,
                        email=email,
                        status=rng.choices(ORDER_STATUSES, ORDER_STATUS_WEIGHTS)[0],
                        created_at=start + timedelta(seconds=i * YEAR // total),
                    )
                )
                picked: dict[int, tuple[int, int | None, int, int]] = {}
                for _ in range(rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0]):
                    # Skewed towards a scattered set of bestsellers, as in real shops.
                    index = int(n_products * rng.random() ** 3) * 7919 % n_products
                    quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
                    variant_id, cents = None, self.product_cents[index]
                    if count := self.variant_count[index]:
                        v = self.variant_start[index] + rng.randrange(count)
                        variant_id, cents = self.variant_ids[v], self.variant_cents[v]
                    picked.setdefault(index, (self.product_ids[index], variant_id, quantity, cents))
                order_lines.append(list(picked.values()))
            Order.objects.bulk_create(orders)
            lines = [
                OrderLine(
                    order_id=order.pk,
                    product_id=product_id,
                    variant_id=variant_id,
                    quantity=quantity,
                    unit_price=self.money(cents),
                )
                for order, specs in zip(orders, order_lines, strict=True)
                for product_id, variant_id, quantity, cents in specs
            ]
            OrderLine.objects.bulk_create(lines)
            self.counts.orders += len(orders)
            self.counts.order_lines += len(lines)

    # -- content ---------------------------------------------------------------------------
    def seed_pages(self) -> None:
        """Even numbers are CMS pages (about us, shipping, …), odd ones blog posts."""
        rng = self.rng("pages")
        total = self.n_pages
        n_cms = len(words.CMS_PAGES)
        pages = []
        for i in range(total):
            j = i // 2
            body = "\n\n".join(
                " ".join(rng.sample(words.SENTENCES, rng.randint(2, 4)))
                for _ in range(rng.randint(3, 5))
            )
            if i % 2 == 0:
                title = words.CMS_PAGES[j % n_cms] + (f" ({j // n_cms + 1})" if j >= n_cms else "")
                pages.append(
                    Page(
                        kind=Page.Kind.CMS,
                        title=title,
                        slug=slugify(title),
                        body=body,
                        published_at=EPOCH - timedelta(seconds=3 * YEAR - j * DAY),
                    )
                )
            else:
                kind = rng.choice(ALL_KINDS)
                adjective = rng.choice(words.ADJECTIVES)[0]
                title = rng.choice(words.BLOG_TITLES).format(
                    n=rng.randint(3, 9),
                    noun=kind.singular.lower(),
                    material=rng.choice(words.MATERIALS[kind.variants])[0].lower(),
                    brand=rng.choice(self.brand_names or ["Example Shop"]),
                    season=rng.choice(words.SEASONS),
                    adjective=adjective.lower(),
                    category=kind.plural.lower(),
                )
                title = title[0].upper() + title[1:]
                pages.append(
                    Page(
                        kind=Page.Kind.BLOG,
                        title=title,
                        slug=f"{slugify(title)}-{j + 1}",
                        body=body,
                        image=f"blog/{j + 1}.jpg",
                        is_published=rng.random() >= 0.05,
                        published_at=EPOCH - timedelta(seconds=2 * YEAR * (total - i) // total),
                    )
                )
            if len(pages) >= self.batch_size:
                Page.objects.bulk_create(pages)
                self.counts.pages += len(pages)
                pages = []
        Page.objects.bulk_create(pages)
        self.counts.pages += len(pages)


def ensure_stores() -> list[str]:
    """The Clerk stores of the demo: "default" (English) and "da" (Danish, active only once
    it has keys). Returns their codes. Keys are never touched."""
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
    return ["default", "da"]
