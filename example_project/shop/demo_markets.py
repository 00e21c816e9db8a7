"""The demo's markets and B2B prices, seeded by ``seed_demo``: a euro store next to the
Danish krone ones, the customer group "trade" with its own prices, and a customer
(``b2b`` / ``b2b-demo``) with negotiated prices."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group, User

from shop.models import GroupPrice, NegotiatedPrice, Product

#: How many products get a trade price (the first ones by SKU), and a negotiated price.
TRADE_PRICED, NEGOTIATED = 20, 5


def reset_market_prices() -> None:
    """Delete the B2B prices (before the products they point at)."""
    NegotiatedPrice.objects.all().delete()
    GroupPrice.objects.all().delete()


def seed_market_prices() -> None:
    trade, _ = Group.objects.get_or_create(name="trade")
    customer, created = User.objects.get_or_create(
        username="b2b", defaults={"email": "b2b@example.com"}
    )
    if created:
        customer.set_password("b2b-demo")
        customer.save(update_fields=["password"])
    products = list(Product.objects.published().order_by("sku")[:TRADE_PRICED])
    GroupPrice.objects.bulk_create(
        GroupPrice(
            product=p, group=trade.name, price=(p.price * Decimal("0.9")).quantize(Decimal("0.01"))
        )
        for p in products
    )
    NegotiatedPrice.objects.bulk_create(
        NegotiatedPrice(
            user=customer, product=p, price=(p.price * Decimal("0.8")).quantize(Decimal("0.01"))
        )
        for p in products[:NEGOTIATED]
    )


def ensure_euro_store() -> None:
    """The euro market: an English store in EUR, active once it has keys (in the admin, or
    ``CLERK_EU_PUBLIC_KEY``/``CLERK_EU_PRIVATE_KEY``)."""
    from django_clerk.models import Store

    euro, _ = Store.objects.update_or_create(
        code="eu", defaults={"name": "Euro store", "language": "en", "currency": "EUR"}
    )
    if euro.is_active != euro.is_configured:
        euro.is_active = euro.is_configured
        euro.save(update_fields=["is_active", "updated_at"])
