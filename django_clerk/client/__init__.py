"""Server-side client of Clerk.io's REST API (``api.clerk.io``).

>>> client = ClerkClient.for_store(store)
>>> client.upsert("products", [{"id": 1, "name": "Mug", ...}])
>>> client.with_visitor(request).substituting([1], limit=4).result
"""

from __future__ import annotations

from django_clerk.client.api import MAX_BATCH, ClerkClient, ClerkResult
from django_clerk.client.errors import (
    ClerkAPIError,
    ClerkAuthenticationError,
    ClerkError,
    ClerkTransientError,
    ClerkUnavailableError,
)
from django_clerk.client.transport import backoff_delay, parse_retry_after, redact
from django_clerk.client.visitor import get_visitor_id

__all__ = [
    "MAX_BATCH",
    "ClerkAPIError",
    "ClerkAuthenticationError",
    "ClerkClient",
    "ClerkError",
    "ClerkResult",
    "ClerkTransientError",
    "ClerkUnavailableError",
    "backoff_delay",
    "get_visitor_id",
    "parse_retry_after",
    "redact",
]
