"""A session cart: product/variant ids and quantities, priced from the database on read.

The session holds only ``{"<product_id>" or "<product_id>-<variant_id>": quantity}``, so
prices are never stale and :meth:`Cart.product_ids` and :meth:`Cart.count` need no query
(the header and Clerk's cart recommendations read them on every page).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from shop.models import Product, ProductVariant

SESSION_KEY = "shop_cart"
MAX_QUANTITY = 99


def line_key(product_id: int, variant_id: int | None = None) -> str:
    return f"{product_id}-{variant_id}" if variant_id else str(product_id)


def parse_key(key: str) -> tuple[int, int | None]:
    """``"12-34"`` → ``(12, 34)``; ``"12"`` → ``(12, None)``. Raises ValueError if malformed."""
    product, _, variant = key.partition("-")
    return int(product), int(variant) if variant else None


@dataclass(frozen=True)
class CartLine:
    key: str
    product: Product
    variant: ProductVariant | None
    quantity: int

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price if self.variant else self.product.price

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def available(self) -> int:
        return (self.variant or self.product).stock


class Cart:
    """The cart of one session. Lines are loaded lazily, in two queries, and cached."""

    def __init__(self, request_or_session: HttpRequest | SessionBase) -> None:
        session = getattr(request_or_session, "session", request_or_session)
        self.session: SessionBase = session
        self._lines: list[CartLine] | None = None

    # -- raw session data -------------------------------------------------------------
    @property
    def _data(self) -> dict[str, int]:
        data = self.session.get(SESSION_KEY)
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, int]) -> None:
        self.session[SESSION_KEY] = data
        self.session.modified = True
        self._lines = None

    # -- changes ----------------------------------------------------------------------
    def add(
        self, product: Product | int, variant: ProductVariant | int | None = None, quantity: int = 1
    ) -> int:
        """Add ``quantity`` (capped at :data:`MAX_QUANTITY`); returns the line's new quantity."""
        product_id = product if isinstance(product, int) else product.pk
        variant_id = variant if isinstance(variant, int) or variant is None else variant.pk
        key = line_key(product_id, variant_id)
        data = self._data
        data[key] = min(data.get(key, 0) + max(quantity, 0), MAX_QUANTITY)
        if data[key] <= 0:
            del data[key]
        self._save(data)
        return data.get(key, 0)

    def set_quantity(self, key: str, quantity: int) -> None:
        """Set a line's quantity; zero or less removes it. Unknown keys are ignored."""
        data = self._data
        if key not in data:
            return
        if quantity <= 0:
            del data[key]
        else:
            data[key] = min(quantity, MAX_QUANTITY)
        self._save(data)

    def remove(self, key: str) -> None:
        self.set_quantity(key, 0)

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
        self.session.modified = True
        self._lines = None

    # -- reading ----------------------------------------------------------------------
    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return bool(self._data)

    def __iter__(self) -> Iterator[CartLine]:
        return iter(self.lines)

    @property
    def count(self) -> int:
        """Number of items (sum of quantities), from the session alone."""
        return sum(q for q in self._data.values() if isinstance(q, int))

    @property
    def product_ids(self) -> list[int]:
        """Distinct product ids in the order they were added, from the session alone."""
        ids: list[int] = []
        for key in self._data:
            try:
                product_id, _ = parse_key(key)
            except ValueError:
                continue
            if product_id not in ids:
                ids.append(product_id)
        return ids

    @property
    def lines(self) -> list[CartLine]:
        """Priced lines; products that were unpublished or deleted since are dropped."""
        if self._lines is None:
            self._lines = self._load()
        return self._lines

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))

    def _load(self) -> list[CartLine]:
        parsed: list[tuple[str, int, int | None, int]] = []
        for key, quantity in self._data.items():
            try:
                product_id, variant_id = parse_key(key)
            except ValueError:
                continue
            if isinstance(quantity, int) and quantity > 0:
                parsed.append((key, product_id, variant_id, quantity))
        products = Product.objects.published().in_bulk({p for _, p, _, _ in parsed})
        variant_ids = {v for _, _, v, _ in parsed if v}
        variants = ProductVariant.objects.in_bulk(variant_ids) if variant_ids else {}
        lines = []
        for key, product_id, variant_id, quantity in parsed:
            product = products.get(product_id)
            variant = variants.get(variant_id) if variant_id else None
            if product is None or (
                variant_id and (variant is None or variant.product_id != product_id)
            ):
                continue
            lines.append(CartLine(key, product, variant, quantity))
        return lines
