"""``manage.py seed_demo``: deterministic demo data for the example shop, in bulk."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shop.demo import DemoSeeder, ensure_stores, reset_shop_data, shop_has_data
from shop.demo_markets import ensure_euro_store, reset_market_prices, seed_market_prices


def non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill the shop with deterministic demo data (same --seed, same data): brands, a "
        "three-level category tree, products with variants, customers, orders and pages. "
        "Also creates the Clerk stores 'default', 'da' and 'eu' (EUR), and B2B prices."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--products", type=non_negative, default=1000)
        parser.add_argument("--categories", type=non_negative, default=64)
        parser.add_argument("--brands", type=non_negative, default=50)
        parser.add_argument("--customers", type=non_negative, default=200)
        parser.add_argument("--orders", type=non_negative, default=500)
        parser.add_argument("--pages", type=non_negative, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=non_negative, default=5000)
        parser.add_argument(
            "--reset", action="store_true", help="Delete all shop data first (raw deletes)."
        )
        parser.add_argument(
            "--no-market-prices",
            action="store_false",
            dest="market_prices",
            help="Seed no customer-group and negotiated prices.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] >= 2
        seeder = DemoSeeder(
            seed=options["seed"],
            products=options["products"],
            categories=options["categories"],
            brands=options["brands"],
            customers=options["customers"],
            orders=options["orders"],
            pages=options["pages"],
            batch_size=options["batch_size"] or 5000,
            progress=(lambda message: self.stderr.write(message)) if verbose else None,
        )
        # One transaction: a failed or interrupted run leaves the previous data in place.
        with transaction.atomic():
            if options["reset"]:
                reset_market_prices()
                reset_shop_data()
            elif shop_has_data():
                raise CommandError("The shop already has data: pass --reset to replace it.")
            counts = seeder.run()
            ensure_stores()
            ensure_euro_store()
            if options.get("market_prices", True):
                seed_market_prices()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Seeded {counts} with seed {options['seed']} in {elapsed:.1f}s.")
