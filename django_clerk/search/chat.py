"""Clerk Chat: what ``{% clerk_chat %}`` tells Chat about the page being shown.

Chat is switched on and designed in my.clerk.io and comes with Clerk.js; the tag sends
``Clerk('chat', 'metadata', {...})`` with the page's product, category and page (as Clerk
ids), the path, whether the visitor is logged in and, when ``CLERK["CUSTOMER_GROUP"]`` names
a callable ``(request) -> str``, the customer's group.
"""

from __future__ import annotations

import logging
from typing import Any

from django_clerk.mapping.registry import page_object_ids
from django_clerk.storefront.prices import customer_group

logger = logging.getLogger("django_clerk.storefront")


def chat_metadata(
    request: Any, product: Any = None, category: Any = None, page: Any = None
) -> dict[str, Any]:
    """``{"product": 12, "category": 3, "path": "/p/boot/", "logged_in": true, ...}``."""
    metadata = page_object_ids(product, category, page)
    if request is not None:
        metadata["path"] = request.path
        user = getattr(request, "user", None)
        metadata["logged_in"] = bool(user is not None and user.is_authenticated)
        try:
            group = customer_group(request)  # CLERK["CUSTOMER_GROUP"], asked once per request
        except Exception:  # a broken hook must not break the page
            logger.exception("CLERK['CUSTOMER_GROUP'] failed")
            group = None
        if group is not None:
            metadata["customer_group"] = group
    return metadata
