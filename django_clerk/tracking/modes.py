"""``CLERK["TRACKING"]``: where each kind of behaviour event is sent from.

``"browser"``
    Clerk.js sends it from the visitor's browser (an ad-blocker can stop it).
``"server"``
    This app records it in the outbox and sends it from the server after the commit.
``"both"``
    Both; for sales, the server's copy waits ``TRACKING_SALE_GRACE_SECONDS`` and is dropped
    when the browser reports that Clerk.js logged the sale, so each sale counts once.
``"off"``
    Neither.
"""

from __future__ import annotations

from typing import Any

from django_clerk.conf import clerk_settings

BROWSER, SERVER, BOTH, OFF = "browser", "server", "both", "off"
MODES = (BROWSER, SERVER, BOTH, OFF)
DEFAULT_MODES: dict[str, str] = {
    "sales": BOTH,
    "baskets": BOTH,
    "product_views": BROWSER,
    "clicks": BOTH,
    "returns": SERVER,
}
"""The kinds of events and where they are sent from unless ``CLERK["TRACKING"]`` says."""
SERVER_ONLY = frozenset({"returns"})
"""Kinds no browser can send: ``"server"`` or ``"off"`` only."""


def configured_modes() -> dict[str, Any]:
    """``CLERK["TRACKING"]`` as given (``{}`` when it is no dict: check E120 says so)."""
    value = clerk_settings.TRACKING
    return value if isinstance(value, dict) else {}


def tracking_mode(kind: str) -> str:
    """Where events of ``kind`` go from: ``CLERK["TRACKING"][kind]`` or its default (an
    invalid value, reported by check E120, counts as the default)."""
    mode = configured_modes().get(kind, DEFAULT_MODES[kind])
    return mode if mode in allowed_modes(kind) else DEFAULT_MODES[kind]


def allowed_modes(kind: str) -> tuple[str, ...]:
    return (SERVER, OFF) if kind in SERVER_ONLY else MODES


def from_server(kind: str) -> bool:
    """Whether the server records events of ``kind``."""
    return tracking_mode(kind) in (SERVER, BOTH)


def from_browser(kind: str) -> bool:
    """Whether the pages make Clerk.js send events of ``kind``."""
    return tracking_mode(kind) in (BROWSER, BOTH)
