"""What server-side tracking costs a checkout: the example shop's checkout request with every
event kind sent from the server and Clerk down (nothing listens at the API URL; the delivery
thread keeps failing in the background) against the same request with tracking left to the
browser, measured in the same run, the two interleaved. On the in-memory SQLite database of
the test settings the events wait in the outbox (no thread can share that database); on
PostgreSQL the delivery thread runs and fails against the absent Clerk:

    python benchmarks/tracking.py [--checkouts 300] [--delivery thread|manual]
    DJANGO_SETTINGS_MODULE=example_project.settings \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/clerk_bench_tracking \
        python benchmarks/tracking.py

Target: the checkout is slowed by less than 1 ms (median). The example checkout records the
sale and the emptied basket in one statement (`events_together()`).
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

SERVER = {"sales": "server", "baskets": "server", "product_views": "server", "clicks": "server"}
BROWSER = {"sales": "browser", "baskets": "browser", "product_views": "browser"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkouts", type=int, default=300)
    parser.add_argument(
        "--delivery", choices=["thread", "manual"], help="default: thread, where it can run"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from django_clerk.models import PendingChange, Store
    from django_clerk.sync.dispatch import deliverer

    setup_test_environment()
    # An in-memory SQLite database cannot be shared with the delivery thread: there the
    # events wait in the outbox (as with "manual" delivery), which is what the request pays.
    in_memory = connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:"
    delivery = args.delivery or ("manual" if in_memory else "thread")
    settings.ALLOWED_HOSTS = ["*"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    settings.CLERK = {
        **settings.CLERK,
        "API_URL": "http://127.0.0.1:9/v2/",  # Clerk is down: nothing listens there
        "REALTIME_SYNC": False,  # the catalogue's own sync is not measured here
        "SYNC_DELIVERY": delivery,
        "TRACKING_CONSENT": True,  # the visitor consented: baskets have a visitor too
        "TRACKING_SALE_GRACE_SECONDS": 0,
    }
    from django.test import Client
    from shop.models import Product

    product = Product.objects.create(
        name="Mug", slug="mug", sku="M1", price=Decimal("10.00"), stock=10**9
    )
    store, _ = Store.objects.get_or_create(code="default", defaults={"name": "Default"})
    store.public_key = "bench-public"
    store.save()
    client = Client()
    form = {"email": "ann@example.com", "first_name": "Ann", "last_name": "Lee", "zip_code": "1"}

    def checkout(modes: dict[str, str]) -> float:
        settings.CLERK = {**settings.CLERK, "TRACKING": modes}
        client.post(f"/cart/add/{product.pk}/", {"quantity": 1})
        start = time.perf_counter()
        response = client.post("/checkout/", form)
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        return elapsed

    for _ in range(20):  # warm up: templates, session, the delivery thread
        checkout(SERVER)
        checkout(BROWSER)
    timings: dict[str, list[float]] = {"server": [], "browser": []}
    for _ in range(args.checkouts):
        timings["server"].append(checkout(SERVER))
        timings["browser"].append(checkout(BROWSER))
    if delivery == "thread":
        deliverer.wait_idle(timeout=5)
    waiting = PendingChange.objects.filter(entity__in=["sale", "basket"]).count()

    off = statistics.median(timings["browser"]) * 1000
    on = statistics.median(timings["server"]) * 1000
    print(
        f"checkout request on {connection.vendor}, {delivery} delivery, "
        f"{args.checkouts} each, interleaved (median)"
    )
    print(f"  tracking left to the browser:         {off:.2f} ms")
    print("  sales and baskets from the server,")
    print(f"  Clerk down:                           {on:.2f} ms")
    print(f"  difference {on - off:+.2f} ms ({on / off:.2f}x); target < +1 ms")
    print(f"  events kept in the outbox for when Clerk is back: {waiting}")
    connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
