"""Demo catalogue: brands, a three-level category tree, products and variants."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.text import slugify

from shop.demo import words
from shop.demo.base import ALL_KINDS, EPOCH, YEAR, Kind, SeederBase
from shop.demo.writer import TableWriter
from shop.models import Brand, Category, Product, ProductVariant

TAX_RATE = Decimal("0.2500")  # Danish VAT
PRICE_POINTS = [49, 79, 99, 129, 149, 199, 249, 299, 349, 399, 499, 699, 899, 1299, 1999]
VariantSpec = tuple[str, str, int, int, str]  # sku, name, price in cents, stock, image


def level_sizes(total: int) -> tuple[int, int, int]:
    """Split ``total`` categories over three levels: ~cbrt(total) roots, 3 children each."""
    top = min(max(1, round(total ** (1 / 3))), total)
    middle = min(total - top, top * 3)
    return top, middle, total - top - middle


def variant_options(kind: str) -> list[tuple[str, str]]:
    """(SKU suffix, name) of the variants a kind of product comes in."""
    if kind == "size":
        return [(s, f"Size {s}") for s in words.SIZES]
    if kind == "shoe":
        return [(s, f"Size {s}") for s in words.SHOE_SIZES]
    if kind == "volume":
        return [(v.replace(" ", "").upper(), v) for v in words.VOLUMES]
    return [(code, color) for color, code in words.COLORS]


class CatalogSeeder(SeederBase):
    def seed_brands(self) -> None:
        rng = self.rng("brands")
        names = [p + s for p in words.BRAND_PREFIXES for s in words.BRAND_SUFFIXES]
        rng.shuffle(names)
        writer = TableWriter(Brand, ["id", "name", "slug"])
        rows = []
        for i in range(self.n_brands):  # past the word list's 50 names, number them
            name = names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
            rows.append((writer.allocate(), name, slugify(name)))
        writer.write(rows)
        self.brand_ids = [row[0] for row in rows]
        self.brand_names = [row[1] for row in rows]
        self.counts.brands = writer.count

    def seed_categories(self) -> None:
        """A three-level tree named after :data:`TAXONOMY`, numbered where it runs out."""
        top_n, middle_n, leaf_n = level_sizes(max(1, self.n_categories))
        writer = TableWriter(
            Category, ["id", "name", "slug", "parent", "description", "image", "position"]
        )
        rows: list[tuple] = []
        slugs: set[str] = set()

        def add(name: str, parent: tuple | None, position: int) -> tuple:
            base = slugify(f"{parent[2]}-{name}" if parent else name)
            slug, n = base, 2
            while slug in slugs:
                slug, n = f"{base}-{n}", n + 1
            slugs.add(slug)
            row = (
                writer.allocate(),
                name,
                slug,
                parent[0] if parent else None,
                f"Discover our selection of {name.lower()}.",
                f"categories/{slug}.jpg",
                position,
            )
            rows.append(row)
            return row

        tops = [
            add(words.TAXONOMY[i][0] if i < len(words.TAXONOMY) else f"Collection {i + 1}", None, i)
            for i in range(top_n)
        ]
        middles, middle_leaves = [], []
        for j in range(middle_n):
            top, position = j % top_n, j // top_n
            subs = words.TAXONOMY[top][1] if top < len(words.TAXONOMY) else []
            name, leaves = (
                subs[position] if position < len(subs) else (f"Series {position + 1}", [])
            )
            middles.append(add(name, tops[top], position))
            middle_leaves.append(leaves)
        for k in range(leaf_n):
            middle, position = k % middle_n, k // middle_n
            specs = middle_leaves[middle]
            kind = (
                Kind.parse(specs[position])
                if position < len(specs)
                else ALL_KINDS[k % len(ALL_KINDS)]
            )
            self.leaves.append((add(kind.plural, middles[middle], position)[0], kind))
        writer.write(rows)  # parents come first in rows: deferred or not, FKs hold
        if not self.leaves:  # a tree too small to have leaves: products go where they can
            pool = middles or tops
            self.leaves = [(row[0], ALL_KINDS[i % len(ALL_KINDS)]) for i, row in enumerate(pool)]
        self.counts.categories = writer.count

    def seed_products(self) -> None:
        rng = self.rng("products")
        total = self.n_products
        start = EPOCH - timedelta(seconds=3 * YEAR)
        products = TableWriter(
            Product,
            [
                "id", "name", "slug", "sku", "description", "name_da", "description_da",
                "brand", "price", "list_price", "tax_rate", "image", "stock", "is_published",
                "created_at", "updated_at",
            ],
        )  # fmt: skip
        variants = TableWriter(
            ProductVariant, ["id", "product", "sku", "name", "price", "stock", "image"]
        )
        links = TableWriter(Product.categories.through, ["product", "category"])
        for first in self.batches(total):
            product_rows, variant_rows, link_rows = [], [], []
            for n in self.batch(first, total):
                row, categories, specs = self.make_product(rng, n, start, total)
                product_id = products.allocate()
                product_rows.append((product_id, *row))
                link_rows.extend((product_id, category_id) for category_id in categories)
                self.product_ids.append(product_id)
                self.product_cents.append(int(row[7] * 100))
                self.variant_start.append(len(self.variant_ids))
                self.variant_count.append(len(specs))
                for sku, name, cents, stock, image in specs:
                    variant_id = variants.allocate()
                    variant_rows.append(
                        (variant_id, product_id, sku, name, self.money(cents), stock, image)
                    )
                    self.variant_ids.append(variant_id)
                    self.variant_cents.append(cents)
            products.write(product_rows)
            variants.write(variant_rows)
            links.write(link_rows)
            self.progress(f"  products: {products.count}/{total}")
        self.counts.products, self.counts.variants = products.count, variants.count

    def make_product(
        self, rng: random.Random, n: int, start: datetime, total: int
    ) -> tuple[tuple, set[int], list[VariantSpec]]:
        """Product number ``n``: its row (without id), category ids and variants."""
        category_id, kind = self.leaves[rng.randrange(len(self.leaves))]
        adjective, adjective_da = rng.choice(words.ADJECTIVES)
        material, material_da = rng.choice(words.MATERIALS[kind.variants])
        name = f"{adjective} {material} {kind.singular}"
        name_da = f"{adjective_da} {material_da}{kind.singular_da.lower()}"
        sku = f"P{n + 1:07d}"
        brand = rng.randrange(len(self.brand_ids)) if self.brand_ids else -1
        if brand >= 0 and rng.random() >= 0.9:  # one in ten is unbranded
            brand = -1
        brand_name = self.brand_names[brand] if brand >= 0 else "Example Shop"

        cents = rng.choice(PRICE_POINTS) * 100 - (5 if rng.random() < 0.5 else 0)
        list_cents = None
        if rng.random() < 0.2:  # on sale
            list_cents = cents
            cents = cents * (100 - rng.choice((10, 20, 25, 30, 40, 50))) // 10_000 * 100 - 5
        out_of_stock = rng.random() < 0.10
        stock = 0 if out_of_stock else rng.randint(1, 200)

        specs: list[VariantSpec] = []
        if rng.random() < 0.2:
            options = variant_options(kind.variants)
            count = min(rng.randint(2, 4), len(options))
            offset = rng.randrange(len(options) - count + 1)
            for i, (code, label) in enumerate(options[offset : offset + count]):
                variant_cents = cents
                if kind.variants == "volume":  # bigger bottles cost more, still ending in 95/00
                    factor = words.VOLUME_PRICE_FACTORS[offset + i]
                    variant_cents = int(cents * factor) // 100 * 100 + cents % 100
                v_stock = 0 if out_of_stock or rng.random() < 0.15 else rng.randint(1, 40)
                image = f"products/{n + 1}-{code.lower()}.svg" if kind.variants == "color" else ""
                specs.append((f"{sku}-{code}", label, variant_cents, v_stock, image))
            if not out_of_stock and not any(spec[3] for spec in specs):
                v_sku, label, v_cents, _, image = specs[0]
                specs[0] = (v_sku, label, v_cents, rng.randint(1, 40), image)
            stock = sum(spec[3] for spec in specs)  # a product's stock is its variants'
            cents = specs[0][2]  # the "from" price
            if list_cents is not None and list_cents <= cents:
                list_cents = None

        categories = {category_id}
        for _ in range(rng.choice((0, 0, 1, 1, 2))):  # cross-listed in 0-2 other leaves
            categories.add(self.leaves[rng.randrange(len(self.leaves))][0])

        translated = rng.random() < 0.7  # the rest falls back to English in the Danish store
        features = " ".join(rng.sample(words.FEATURES, 2))
        row = (
            name,
            f"{self.slug_of(name)}-{n + 1}",
            sku,
            f"{name} by {brand_name}. {features}",
            name_da if translated else "",
            f"{name_da} fra {brand_name}. {rng.choice(words.FEATURES_DA)}" if translated else "",
            self.brand_ids[brand] if brand >= 0 else None,
            self.money(cents),
            self.money(list_cents) if list_cents else None,
            TAX_RATE,
            f"products/{n + 1}.svg",  # drawn by shop.placeholders
            stock,
            rng.random() >= 0.05,
            start + timedelta(seconds=n * 3 * YEAR // max(total, 1)),
            self.now,
        )
        return row, categories, specs

    def slug_of(self, name: str) -> str:
        """slugify() is slow-ish and product names repeat a lot: cache it."""
        cache: dict[str, str] = self.__dict__.setdefault("_slugs", {})
        slug = cache.get(name)
        if slug is None:
            slug = cache[name] = slugify(name)
        return slug
