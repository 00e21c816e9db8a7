"""Clerk.io visitor ids for server-side calls, kept in the Django session after consent.

Clerk personalises results per visitor: an alphanumeric id of at most 32 characters that
stays the same for one device. Server-side calls cannot read Clerk.js' own cookie reliably,
so, once the visitor consented to tracking (``CLERK["TRACKING_CONSENT"]``), the id is created
once per session and stored in ``request.session["clerk_visitor"]``. Without consent nothing
is stored: the id lives as long as the request, and no session (no row, no cookie) is created.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from typing import Any, TypeGuard

from django_clerk.conf import clerk_settings, named_callable

SESSION_KEY = "clerk_visitor"
CONSENT_ATTRIBUTE = "_clerk_tracking_consent"
REQUEST_VISITOR_ATTRIBUTE = "_clerk_request_visitor"
VISITOR_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")

logger = logging.getLogger("django_clerk.client")


def new_visitor_id() -> str:
    """A fresh random visitor id: 32 lowercase hex characters."""
    return secrets.token_hex(16)


def is_valid_visitor_id(value: Any) -> TypeGuard[str]:
    """Whether ``value`` is an id Clerk accepts: alphanumeric, 1 to 32 characters."""
    return isinstance(value, str) and bool(VISITOR_ID_RE.fullmatch(value))


def tracking_allowed(request: Any) -> bool:
    """Whether the visitor of ``request`` consented to tracking: ``CLERK["TRACKING_CONSENT"]``
    (a ``request -> bool`` callable or its dotted path; ``True``: always; ``None``: never).

    Asked once per request. A hook that raises counts as no consent (and is logged).
    """
    if request is None:
        return False
    known = getattr(request, CONSENT_ATTRIBUTE, None)
    if isinstance(known, bool):
        return known
    hook = clerk_settings.TRACKING_CONSENT
    allowed = False
    if hook is True:
        allowed = True
    elif hook:
        try:
            function = named_callable(hook)
            allowed = function is not None and bool(function(request))
        except Exception:
            logger.exception("CLERK['TRACKING_CONSENT'] failed: treated as no consent")
    with contextlib.suppress(AttributeError):  # an object that takes no attributes
        setattr(request, CONSENT_ATTRIBUTE, allowed)
    return allowed


def get_visitor_id(request: Any) -> str:
    """The Clerk visitor id of ``request``.

    With tracking consent: the session's id, created and stored on first use (an invalid
    stored value is replaced). Without consent, or without a session (no
    ``SessionMiddleware``): an id for this request only, stored nowhere; the session is not
    touched, so none is created.
    """
    session = getattr(request, "session", None)
    if session is None or not tracking_allowed(request):
        return _request_visitor(request)
    visitor = session.get(SESSION_KEY)
    if not is_valid_visitor_id(visitor):
        visitor = new_visitor_id()
        session[SESSION_KEY] = visitor
    return visitor


def _request_visitor(request: Any) -> str:
    """An id kept on the request object only: the calls of one request share it."""
    visitor = getattr(request, REQUEST_VISITOR_ATTRIBUTE, None)
    if is_valid_visitor_id(visitor):
        return visitor
    visitor = new_visitor_id()
    try:
        setattr(request, REQUEST_VISITOR_ATTRIBUTE, visitor)
    except AttributeError:
        logger.debug("Cannot keep a Clerk visitor id on %r: a one-off id", type(request))
    return visitor
