"""The shop's tracking consent: a cookie its banner sets. With django-cookie-consent, use
``cookie_consent.util.get_cookie_value_from_request(request, "analytics")`` instead."""

from __future__ import annotations

from django.http import HttpRequest

CONSENT_COOKIE = "shop_tracking_consent"


def tracking_allowed(request: HttpRequest) -> bool:
    """``CLERK["TRACKING_CONSENT"]``: the visitor accepted tracking in the banner."""
    return request.COOKIES.get(CONSENT_COOKIE) == "yes"
