"""Demo customers, orders and content pages, and the seeder that runs every step."""

from __future__ import annotations

import time
from datetime import timedelta

from django.utils.text import slugify

from shop.demo import words
from shop.demo.base import ALL_KINDS, DAY, EPOCH, YEAR
from shop.demo.catalog import CatalogSeeder
from shop.demo.writer import TableWriter, reset_sequences
from shop.models import Brand, Category, Customer, Order, OrderLine, Page, Product, ProductVariant

ORDER_STATUSES = [status.value for status in Order.Status]
ORDER_STATUS_WEIGHTS = [
    4,
    8,
    10,
    70,
    5,
    3,
]  # pending, paid, shipped, completed, cancelled, refunded
LineSpec = tuple[int, int | None, int, int]  # product id, variant id, quantity, unit price cents


class DemoSeeder(CatalogSeeder):
    """Seeds everything, in dependency order. Run it inside a transaction."""

    def run(self):  # -> SeedCounts
        steps = [
            self.seed_brands,
            self.seed_categories,
            self.seed_products,
            self.seed_customers,
            self.seed_orders,
            self.seed_pages,
        ]
        for step in steps:
            started = time.perf_counter()
            step()
            self.progress(f"{step.__name__}: {time.perf_counter() - started:.1f}s")
        reset_sequences([Brand, Category, Product, ProductVariant, Customer, Order])
        return self.counts

    def seed_customers(self) -> None:
        """``customerN@example.com``, registered evenly over the three years to one year
        before :data:`EPOCH`, so before any of their orders."""
        rng = self.rng("customers")
        total = self.n_customers
        start = EPOCH - timedelta(seconds=3 * YEAR)
        writer = TableWriter(
            Customer,
            ["id", "email", "first_name", "last_name", "zip_code", "subscribed", "is_business",
             "created_at", "updated_at"],
        )  # fmt: skip
        for first in self.batches(total):
            rows = []
            for i in self.batch(first, total):
                customer_id = writer.allocate()
                self.customer_ids.append(customer_id)
                rows.append(
                    (
                        customer_id,
                        f"customer{i + 1}@example.com",
                        rng.choice(words.FIRST_NAMES),
                        rng.choice(words.LAST_NAMES),
                        str(rng.randint(1000, 9990)),
                        rng.random() < 0.4,
                        rng.random() < 0.1,
                        start + timedelta(seconds=i * 2 * YEAR // total),
                        self.now,
                    )
                )
            writer.write(rows)
        self.counts.customers = writer.count

    def seed_orders(self) -> None:
        """Orders over the year before :data:`EPOCH`: 80% by customers, the rest by guests,
        with 1-4 lines of real products (bestsellers more often) at their price."""
        rng = self.rng("orders")
        total = self.n_orders if self.product_ids else 0
        start = EPOCH - timedelta(seconds=YEAR)
        orders = TableWriter(
            Order, ["id", "customer", "email", "status", "created_at", "updated_at"]
        )
        lines = TableWriter(OrderLine, ["order", "product", "variant", "quantity", "unit_price"])
        for first in self.batches(total):
            order_rows, line_rows = [], []
            for i in self.batch(first, total):
                order_id = orders.allocate()
                if self.customer_ids and rng.random() < 0.8:
                    index = rng.randrange(len(self.customer_ids))
                    customer_id = self.customer_ids[index]
                    email = f"customer{index + 1}@example.com"
                else:
                    customer_id, email = None, f"guest{i + 1}@example.com"
                status = rng.choices(ORDER_STATUSES, ORDER_STATUS_WEIGHTS)[0]
                created_at = start + timedelta(seconds=i * YEAR // total)
                order_rows.append((order_id, customer_id, email, status, created_at, self.now))
                line_rows.extend(
                    (order_id, product_id, variant_id, quantity, self.money(cents))
                    for product_id, variant_id, quantity, cents in self.order_lines(rng)
                )
            orders.write(order_rows)
            lines.write(line_rows)
        self.counts.orders, self.counts.order_lines = orders.count, lines.count

    def order_lines(self, rng) -> list[LineSpec]:
        picked: dict[int, LineSpec] = {}
        n_products = len(self.product_ids)
        for _ in range(rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0]):
            # Skewed towards a scattered set of bestsellers, as in real shops, so that
            # Clerk's "popular" and "bought together" have something to find.
            index = int(n_products * rng.random() ** 3) * 7919 % n_products
            quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
            variant_id, cents = None, self.product_cents[index]
            if count := self.variant_count[index]:
                v = self.variant_start[index] + rng.randrange(count)
                variant_id, cents = self.variant_ids[v], self.variant_cents[v]
            picked.setdefault(index, (self.product_ids[index], variant_id, quantity, cents))
        return list(picked.values())

    def seed_pages(self) -> None:
        """Even numbers are CMS pages (about us, shipping, …), odd ones blog posts."""
        rng = self.rng("pages")
        total = self.n_pages
        n_cms = len(words.CMS_PAGES)
        writer = TableWriter(
            Page,
            ["kind", "title", "slug", "body", "image", "is_published", "published_at",
             "updated_at"],
        )  # fmt: skip
        for first in self.batches(total):
            rows = []
            for i in self.batch(first, total):
                j = i // 2
                body = "\n\n".join(
                    " ".join(rng.sample(words.SENTENCES, rng.randint(2, 4)))
                    for _ in range(rng.randint(3, 5))
                )
                if i % 2 == 0:
                    title = words.CMS_PAGES[j % n_cms]
                    if j >= n_cms:
                        title += f" ({j // n_cms + 1})"
                    published = EPOCH - timedelta(seconds=3 * YEAR - j * DAY)
                    rows.append(
                        (Page.Kind.CMS.value, title, slugify(title), body, "", True, published,
                         self.now)
                    )  # fmt: skip
                else:
                    title = self.blog_title(rng)
                    published = EPOCH - timedelta(seconds=2 * YEAR * (total - i) // total)
                    rows.append(
                        (Page.Kind.BLOG.value, title, f"{slugify(title)}-{j + 1}", body,
                         f"blog/{j + 1}.jpg", rng.random() >= 0.05, published, self.now)
                    )  # fmt: skip
            writer.write(rows)
        self.counts.pages = writer.count

    def blog_title(self, rng) -> str:
        kind = rng.choice(ALL_KINDS)
        title = rng.choice(words.BLOG_TITLES).format(
            n=rng.randint(3, 9),
            noun=kind.singular.lower(),
            material=rng.choice(words.MATERIALS[kind.variants])[0].lower(),
            brand=rng.choice(self.brand_names or ["Example Shop"]),
            season=rng.choice(words.SEASONS),
            adjective=rng.choice(words.ADJECTIVES)[0].lower(),
            category=kind.plural.lower(),
        )
        return title[0].upper() + title[1:]
