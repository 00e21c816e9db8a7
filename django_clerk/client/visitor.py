"""Clerk.io visitor ids for server-side calls, kept in the Django session.

Clerk personalises results per visitor: an alphanumeric id of at most 32 characters that
stays the same for one device. Server-side calls cannot read Clerk.js' own cookie reliably,
so the id is created once per session and stored in ``request.session["clerk_visitor"]``.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any, TypeGuard

SESSION_KEY = "clerk_visitor"
VISITOR_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")

logger = logging.getLogger("django_clerk.client")


def new_visitor_id() -> str:
    """A fresh random visitor id: 32 lowercase hex characters."""
    return secrets.token_hex(16)


def is_valid_visitor_id(value: Any) -> TypeGuard[str]:
    """Whether ``value`` is an id Clerk accepts: alphanumeric, 1 to 32 characters."""
    return isinstance(value, str) and bool(VISITOR_ID_RE.fullmatch(value))


def get_visitor_id(request: Any) -> str:
    """The Clerk visitor id of ``request``'s session, created and stored on first use.

    An invalid stored value is replaced. Without a session (no ``SessionMiddleware``) a fresh
    id is returned on every call: results are then not personalised across requests.
    """
    session = getattr(request, "session", None)
    if session is None:
        logger.debug("No session on the request: using a one-off Clerk visitor id")
        return new_visitor_id()
    visitor = session.get(SESSION_KEY)
    if not is_valid_visitor_id(visitor):
        visitor = new_visitor_id()
        session[SESSION_KEY] = visitor
    return visitor
