"""What Clerk recommendations cost an order-confirmation e-mail: the example shop's e-mail
(``shop.emails.order_confirmation_email``) rendered without a public key (the block renders
nothing: the e-mail's own cost), with the fake Clerk up, and with it hanging, in the same run
on an in-memory SQLite database. Prints times, Clerk calls per e-mail and ratios.

    python benchmarks/email_recommendations.py [--emails 200] [--hanging 5] [--timeout 1.0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=200, help="renders, Clerk up / no key")
    parser.add_argument("--hanging", type=int, default=5, help="renders with Clerk hanging")
    parser.add_argument("--timeout", type=float, default=1.0, help="EMAIL_RECOMMENDATIONS_TIMEOUT")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from django_clerk.models import Store
    from django_clerk.testing import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, FakeClerkAPI

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, serialize=False)
    from shop.emails import order_confirmation_email
    from shop.models import Order, OrderLine, Product

    fake = FakeClerkAPI().start()
    settings.CLERK = {
        **settings.CLERK,
        "REALTIME_SYNC": False,
        "API_URL": fake.url,
        "EMAIL_RECOMMENDATIONS_TIMEOUT": args.timeout,
    }
    products = [
        Product.objects.create(
            name=f"Product {n}", slug=f"p-{n}", sku=f"S{n}", price=Decimal("10.00"), stock=5
        )
        for n in range(12)
    ]
    fake.set_products(
        {"id": p.pk, "name": p.name, "url": f"https://shop.example.com/p/{p.slug}/", "price": 10.0}
        for p in products
    )
    order = Order.objects.create(email="ann@example.com")
    for product in products[:3]:
        OrderLine.objects.create(order=order, product=product, quantity=1, unit_price=product.price)
    store, _ = Store.objects.get_or_create(code="default", defaults={"name": "Default"})

    def measure(public_key: str, renders: int) -> tuple[list[float], float, bool]:
        store.public_key, store.private_key = public_key, DEFAULT_PRIVATE_KEY
        store.save()
        fake.reset()
        fake.set_products(
            {"id": p.pk, "name": p.name, "url": f"https://shop.example.com/p/{p.slug}/"}
            for p in products
        )
        if renders == args.hanging:
            fake.hang(60)
        order_confirmation_email(order)  # warm up: templates, connections
        before = fake.count()
        timings, shown = [], False
        for _ in range(renders):
            start = time.perf_counter()
            message = order_confirmation_email(order)
            timings.append(time.perf_counter() - start)
            shown = "clerk-email-recommendations" in message.alternatives[0][0]
        return timings, (fake.count() - before) / renders, shown

    base, base_calls, _ = measure("", args.emails)
    up, up_calls, up_shown = measure(DEFAULT_PUBLIC_KEY, args.emails)
    hanging, hang_calls, hang_shown = measure(DEFAULT_PUBLIC_KEY, args.hanging)
    fake.stop()

    def ms(values: list[float]) -> str:
        return (
            f"median {statistics.median(values) * 1000:8.2f} ms, max {max(values) * 1000:8.2f} ms"
        )

    print(f"order-confirmation e-mail, EMAIL_RECOMMENDATIONS_TIMEOUT = {args.timeout:.2f} s")
    print(f"  no public key ({args.emails} renders):     {ms(base)}, {base_calls:.2f} Clerk calls")
    print(
        f"  Clerk up ({args.emails} renders):          {ms(up)}, {up_calls:.2f} Clerk calls, "
        f"recommendations shown: {up_shown}"
    )
    print(
        f"  Clerk hanging ({args.hanging} renders):       {ms(hanging)}, "
        f"{hang_calls:.2f} Clerk calls, recommendations shown: {hang_shown}"
    )
    base_ms = statistics.median(base)
    print(
        f"  ratios to no key: Clerk up {statistics.median(up) / base_ms:.1f}x, "
        f"hanging {statistics.median(hanging) / base_ms:.1f}x"
    )
    waited = max(hanging) - base_ms
    print(
        f"  slowest hanging render waited {waited * 1000:.0f} ms for Clerk "
        f"(render minus the no-key median): {waited / args.timeout:.2f} x the timeout"
    )


if __name__ == "__main__":
    main()
