"""The per-store Clerk.js build: ``https://custom.clerk.io/<slug>.js``.

Clerk serves a store's own build of Clerk.js from ``custom.clerk.io``. The official extensions
form ``<slug>`` from the store's name: lower-cased, only the letters ``a`` to ``z`` kept
("My Shop DK" → ``myshopdk``). Here ``CLERK["CLERK_JS_URL"]`` may hold ``{slug}``
(``"https://custom.clerk.io/{slug}.js"``), filled with ``CLERK["STORES"][code]["CLERK_JS_SLUG"]``
when set, else with the slug of the store's name.
"""

from __future__ import annotations

import re
from typing import Any

from django_clerk.conf import clerk_settings

CUSTOM_BUILD_URL = "https://custom.clerk.io/{slug}.js"
SLUG_PLACEHOLDER = "{slug}"
DEFAULT_SLUG = "clerk"
NOT_SLUG_RE = re.compile(r"[^a-z]")


def name_slug(name: str) -> str:
    """The official extensions' slug of a store name; ``"clerk"`` when nothing is left."""
    return NOT_SLUG_RE.sub("", (name or "").lower()) or DEFAULT_SLUG


def store_slug(store: Any) -> str:
    stores = clerk_settings.STORES if isinstance(clerk_settings.STORES, dict) else {}
    configured = stores.get(getattr(store, "code", None)) or {}
    slug = configured.get("CLERK_JS_SLUG") if isinstance(configured, dict) else None
    if isinstance(slug, str) and slug.strip():
        return NOT_SLUG_RE.sub("", slug.strip().lower()) or DEFAULT_SLUG
    return name_slug(str(getattr(store, "name", "") or ""))


def clerk_js_url(store: Any) -> str:
    """``CLERK["CLERK_JS_URL"]`` for ``store``, ``{slug}`` filled in."""
    url = str(clerk_settings.CLERK_JS_URL)
    if SLUG_PLACEHOLDER in url:
        url = url.replace(SLUG_PLACEHOLDER, store_slug(store))
    return url
