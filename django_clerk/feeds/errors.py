"""Every feed error as JSON: ``{"error": {"code": N, "message": "..."}}``, never an HTML page.

An HTML error page stops Clerk's importer ("Got a unexpected response ... <!DOCTYPE html>"),
so the feed views use :func:`exception_handler` for everything, unexpected exceptions included.
Bad input is a 4xx (a body too big 413, too many form fields 400, any other "suspicious"
request 400), never a 500. Messages never repeat what the client sent, so a private key
cannot leak through them; an unexpected exception is a JSON 500, logged without secrets
(:mod:`django_clerk.feeds.reporting`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import BadRequest as DjangoBadRequest
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpResponse, UnreadablePostError
from rest_framework import exceptions, status
from rest_framework.response import Response

from django_clerk.json_errors import error_body

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


class RequestTooLarge(exceptions.APIException):
    """The body is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class BadRequest(exceptions.APIException):
    """A request that cannot be read: too many fields, a body cut short, a suspicious one."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request could not be read."
    default_code = "bad_request"


INTERNAL_ERROR = "Internal error while serving the feed."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler of the feed views: a JSON error response for any exception."""
    exc = api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        if view is not None and getattr(view, "reports_unexpected", False):
            view.unexpected_exception = exc  # logged, redacted, once the response is made
        else:  # no request data in the record: it may hold a private key
            logger.error("Feed %s failed: %s", type(view).__name__, type(exc).__name__)
        return Response(error_body(500, INTERNAL_ERROR), status=500)
    headers = {}
    auth_header = getattr(exc, "auth_header", None)  # NotAuthenticated, set by DRF's view
    if auth_header:
        headers["WWW-Authenticate"] = str(auth_header)
    wait = getattr(exc, "wait", None)  # Throttled
    if wait:
        headers["Retry-After"] = str(int(wait))
    return Response(
        error_body(exc.status_code, message_of(exc.detail)), status=exc.status_code, headers=headers
    )


def internal_error_response() -> HttpResponse:
    """A JSON 500 that needs no renderer: for failures outside DRF's exception handling."""
    body = json.dumps(error_body(500, INTERNAL_ERROR))
    return HttpResponse(body, status=500, content_type="application/json")


def api_exception(exc: Exception) -> Exception:
    """The DRF exception a Django exception caused by the request stands for; others as is."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return BadRequest("The request has too many fields.")
    if isinstance(exc, UnreadablePostError):
        return BadRequest("The request body could not be read.")
    if isinstance(exc, DjangoBadRequest):
        return BadRequest()
    if isinstance(exc, SuspiciousOperation):
        logger.warning("Feed request refused: %s", type(exc).__name__)
        return BadRequest()
    return exc


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
