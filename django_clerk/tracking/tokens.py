"""Signed tokens of the tracking views (``django.core.signing``, one salt per use): a sale
the browser logged, and a click on a product the shop rendered itself."""

from __future__ import annotations

from typing import Any

from django.core import signing

SALE_SALT = "django_clerk.tracking.sale-logged"
CLICK_SALT = "django_clerk.tracking.click"
SALE_TOKEN_SECONDS = 7 * 24 * 3600
"""How long a confirmation page may report its sale (a tab left open, then reloaded)."""
CLICK_TOKEN_SECONDS = 30 * 24 * 3600
"""How long a rendered click link works (cached pages)."""


class BadToken(Exception):
    """The token is malformed, forged or expired: the message says which."""


def sale_token(store_id: int, sale: str) -> str:
    return signing.dumps([store_id, sale], salt=SALE_SALT)


def read_sale_token(token: str) -> tuple[int, str]:
    """``(store id, sale id)`` of a :func:`sale_token`."""
    value = _load(token, SALE_SALT, SALE_TOKEN_SECONDS)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise BadToken("Not a sale token.")
    return value[0], str(value[1])


def click_token(store_id: int, product: Any, api: str, labels: list[str], url: str) -> str:
    return signing.dumps(
        {"s": store_id, "p": product, "a": api, "l": labels, "u": url},
        salt=CLICK_SALT,
        compress=True,
    )


def read_click_token(token: str) -> dict[str, Any]:
    """``{"s": store id, "p": product id, "a": api, "l": labels, "u": url}``."""
    value = _load(token, CLICK_SALT, CLICK_TOKEN_SECONDS)
    if not isinstance(value, dict) or not {"s", "p", "a", "l", "u"} <= set(value):
        raise BadToken("Not a click token.")
    return value


def _load(token: Any, salt: str, max_age: int) -> Any:
    if not isinstance(token, str) or not token or len(token) > 4000:
        raise BadToken("Give the signed token: t=...")
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken("The token has expired.") from None
    except signing.BadSignature:
        raise BadToken("The token's signature is not valid.") from None
