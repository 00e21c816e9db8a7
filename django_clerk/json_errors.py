"""The one shape of every error the app's URLs answer: ``{"error": {"code": N, "message":
"..."}}``. A leaf module: the feeds, the storefront endpoints, the unsubscribe views and the
JSON errors middleware all build their errors here."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


def error_body(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(code: int, message: str, **headers: str) -> JsonResponse:
    """A JSON error response with ``headers`` (``Allow``, ``Retry-After``...)."""
    return JsonResponse(error_body(code, message), status=code, headers=headers or None)
