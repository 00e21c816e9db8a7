"""Shared state of the demo seeder: random streams, money, compact id memory, counts."""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.utils import timezone

from shop.demo import words

EPOCH = datetime(2025, 1, 1, tzinfo=dt_timezone.utc)
"""All demo timestamps lie before this fixed instant (``updated_at`` excepted)."""
DAY = 86_400
YEAR = 365 * DAY


@dataclass(frozen=True)
class Kind:
    """What a leaf category sells, parsed from :data:`shop.demo.words.TAXONOMY`."""

    plural: str
    singular: str
    singular_da: str
    variants: str  # "size", "shoe", "color" or "volume"

    @classmethod
    def parse(cls, spec: str) -> Kind:
        return cls(*spec.split("|"))


ALL_KINDS = [
    Kind.parse(leaf) for _, subs in words.TAXONOMY for _, leaves in subs for leaf in leaves
]


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


class SeederBase:
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
        self.now = timezone.now()  # for updated_at only: the rows are written now
        self._money: dict[int, Decimal] = {}
        # What later steps need to know of earlier ones, kept compact: per product number
        # (0-based) its id, price and variants (a slice of the variant arrays).
        self.brand_ids: list[int] = []
        self.brand_names: list[str] = []
        self.leaves: list[tuple[int, Kind]] = []
        self.product_ids = array("q")
        self.product_cents = array("q")
        self.variant_start = array("q")
        self.variant_count = array("b")
        self.variant_ids = array("q")
        self.variant_cents = array("q")
        self.customer_ids = array("q")

    def rng(self, part: str) -> random.Random:
        """An independent, reproducible stream per part (str seeds hash with SHA-512)."""
        return random.Random(f"{self.seed}:{part}")

    def money(self, cents: int) -> Decimal:
        value = self._money.get(cents)
        if value is None:
            value = self._money[cents] = Decimal(cents).scaleb(-2)
        return value

    def batches(self, total: int) -> range:
        return range(0, total, self.batch_size)

    def batch(self, first: int, total: int) -> range:
        return range(first, min(total, first + self.batch_size))
