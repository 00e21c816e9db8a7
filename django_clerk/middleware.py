"""JSON error answers for the app's URLs, also when Django answers for the app.

The app's views answer every error as JSON. A request can be refused before it reaches them,
though: a ``Host`` header not in ``ALLOWED_HOSTS`` (``DisallowedHost``, raised by
``CommonMiddleware``), a body or form too large for the limits, or another middleware's own
refusal; and Django answers for a view that raised what it turns into a response itself (too
many query parameters, an unexpected error). Django then renders its HTML error page, which
Clerk's importer and a headless storefront cannot read. :class:`JSONErrorsMiddleware`, first
in ``MIDDLEWARE``, answers those with the app's JSON error (``{"error": {"code": N,
"message": "..."}}``) when the path is one of the app's; every other response passes
unchanged, and so do the pages the app renders for people on purpose (the unsubscribe page).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import Resolver404, resolve

from django_clerk.json_errors import error_response

APP_NAMESPACE = "django_clerk"

MESSAGES = {
    400: "Bad request (for example, too many parameters, or a Host header that is not one "
    "of the site's ALLOWED_HOSTS).",
    403: "Forbidden.",
    413: "The request is too large.",
    500: "Internal error.",
}
#: Set on a response the app renders for people on purpose (HTML is its answer).
FOR_PEOPLE = "clerk_page_for_people"


def is_app_path(path: str) -> bool:
    """Whether ``path`` is one of the app's URLs (the app answers every path under its
    prefix, so any path under it is)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    except Exception:  # a broken URLconf: Django reports it elsewhere
        return False
    return APP_NAMESPACE in match.namespaces or match.app_name == APP_NAMESPACE


def json_error(status: int) -> JsonResponse:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    message = MESSAGES.get(status, f"{phrase}.")
    return error_response(status, message)


class JSONErrorsMiddleware:
    """Put it first in ``MIDDLEWARE``: an HTML (or any non-JSON) error answer to one of the
    app's URLs becomes a JSON error, unless the app rendered it for people on purpose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and not getattr(response, FOR_PEOPLE, False)
            and "json" not in str(response.get("Content-Type", ""))
            and is_app_path(request.path_info)
        ):
            answer = json_error(response.status_code)
            retry_after: Any = response.get("Retry-After")
            if retry_after:
                answer["Retry-After"] = retry_after
            return answer
        return response
