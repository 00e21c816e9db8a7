"""A minimal Content-Security-Policy with a per-request nonce, to show ``{% clerk_js %}``
under a strict policy. On when ``settings.SHOP_CSP`` is true (read on each request).

``request.csp_nonce`` is where django-csp puts its nonce too, and where django-clerk's
``CLERK["CSP_NONCE_ATTRIBUTE"]`` looks by default.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class NonceCSPMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "SHOP_CSP", False):
            return self.get_response(request)
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy",
            f"script-src 'self' 'nonce-{nonce}'; object-src 'none'; base-uri 'none'",
        )
        return response
