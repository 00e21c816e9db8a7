"""JSON error answers for the app's URLs, also when Django's own middleware refuses a request.

The app's views answer every error as JSON. A request can be refused before it reaches them,
though: a ``Host`` header not in ``ALLOWED_HOSTS`` (``DisallowedHost``, raised by
``CommonMiddleware``), a body or form too large for the limits, or another middleware's own
refusal. Django then renders its HTML error page, which Clerk's importer cannot read.
:class:`JSONErrorsMiddleware`, first in ``MIDDLEWARE``, answers those with the app's JSON
error (``{"error": {"code": N, "message": "..."}}``) when the path is one of the app's; every
other response passes unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import Resolver404, resolve

APP_NAMESPACE = "django_clerk"

MESSAGES = {
    400: "Bad request: refused before it reached the app (for example, its Host header is "
    "not one of the site's ALLOWED_HOSTS).",
    403: "Forbidden: refused before it reached the app.",
    413: "The request is too large.",
}


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
    return JsonResponse({"error": {"code": status, "message": message}}, status=status)


class JSONErrorsMiddleware:
    """Put it first in ``MIDDLEWARE``: an error page for one of the app's URLs that no view
    of the app produced (the request was refused by middleware) becomes a JSON error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and getattr(request, "resolver_match", None) is None  # no view answered
            and "json" not in str(response.get("Content-Type", ""))
            and is_app_path(request.path_info)
        ):
            answer = json_error(response.status_code)
            retry_after: Any = response.get("Retry-After")
            if retry_after:
                answer["Retry-After"] = retry_after
            return answer
        return response
