"""Every feed error as JSON: ``{"error": {"code": N, "message": "..."}}``, never an HTML page.

An HTML error page stops Clerk's importer ("Got a unexpected response ... <!DOCTYPE html>"),
so the feed views use :func:`exception_handler` for everything, unexpected exceptions included.
Messages never repeat what the client sent, so a private key cannot leak through them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("django_clerk.feeds")


class BadCredentials(exceptions.APIException):
    """Credentials were sent but are wrong: 403 (DRF's ``AuthenticationFailed`` would be 401)."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "Invalid credentials."
    default_code = "bad_credentials"


class ClerkUnreachable(exceptions.APIException):
    """Clerk could not be asked to verify the importer's token."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Clerk.io could not be reached to verify the token; try again later."
    default_code = "clerk_unreachable"


class BadParameter(exceptions.APIException):
    """A request parameter is malformed; the message names it."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameter"

    def __init__(self, name: str, problem: str) -> None:
        self.parameter = name
        super().__init__(f"{name}: {problem}")


def error_body(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler of the feed views: a JSON error response for any exception."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        # No request data in the record: query strings and bodies may hold a private key.
        logger.exception(
            "Feed %s failed for %s", type(view).__name__, getattr(view, "entity", "") or "-"
        )
        return Response(error_body(500, "Internal error while serving the feed."), status=500)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return Response(
        error_body(exc.status_code, message_of(exc.detail)), status=exc.status_code, headers=headers
    )


def message_of(detail: Any) -> str:
    """One readable line from a DRF error detail (``{"limit": ["..."]}`` -> ``"limit: ..."``)."""
    if isinstance(detail, dict):
        return "; ".join(
            f"{name}: {message_of(value)}" if name != "non_field_errors" else message_of(value)
            for name, value in detail.items()
        )
    if isinstance(detail, (list, tuple)):
        return " ".join(message_of(item) for item in detail)
    return str(detail)
