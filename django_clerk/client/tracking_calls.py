"""Clerk.io's behaviour logging calls (public key only), mixed into
:class:`~django_clerk.client.api.ClerkClient`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class TrackingCalls:
    """``log/sale``, ``log/click``, ``log/basket/set`` and ``log/product``, each with the
    client's visitor, and ``log/returned``."""

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        private: bool = False,
        retries: int | None = None,
    ) -> dict[str, Any]:  # pragma: no cover - ClerkClient's own _call comes first in the MRO
        raise NotImplementedError

    def _with_visitor(self, visitor: str | None) -> str | None:  # pragma: no cover - as above
        raise NotImplementedError

    def log_sale(
        self,
        sale: Any,
        products: Sequence[dict[str, Any]],
        *,
        customer: Any = None,
        email: str | None = None,
        visitor: str | None = None,
    ) -> dict[str, Any]:
        """``log/sale``: ``products`` as ``[{"id", "quantity", "price"}]``."""
        params = {
            "sale": sale,
            "products": list(products),
            "customer": customer,
            "email": email,
            "visitor": self._with_visitor(visitor),
        }
        return self._call("POST", "log/sale", params)

    def log_click(
        self, product: Any, api: str, *, visitor: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """``log/click``: ``product`` was clicked in results of ``api`` (e.g. ``search/search``)."""
        params = {"product": product, "api": api, "visitor": self._with_visitor(visitor), **extra}
        return self._call("POST", "log/click", params)

    def log_basket(
        self, products: Iterable[Any], *, visitor: str | None = None, email: str | None = None
    ) -> dict[str, Any]:
        """``log/basket/set``: the ids now in the visitor's basket."""
        params = {
            "products": list(products),
            "visitor": self._with_visitor(visitor),
            "email": email,
        }
        return self._call("POST", "log/basket/set", params)

    def log_product(self, product: Any, *, visitor: str | None = None) -> dict[str, Any]:
        """``log/product``: the visitor viewed ``product``."""
        params = {"product": product, "visitor": self._with_visitor(visitor)}
        return self._call("POST", "log/product", params)

    def log_returned(self, order: Any, product: Any, quantity: int) -> dict[str, Any]:
        """``log/returned``: ``quantity`` of ``product`` of the sale ``order`` came back."""
        params = {"order": order, "product": product, "quantity": quantity}
        return self._call("GET", "log/returned", params)
