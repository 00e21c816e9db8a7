"""Add-to-cart from inside Clerk's product designs, and the powerstep after it.

``CLERK["ADD_TO_CART_URL"]`` names the shop's add-to-cart endpoint (a path, which may hold
``{id}`` for the product's id, or a URL name reversed without arguments). ``{% clerk_js %}``
then hands Clerk.js, in ``globals``, what a design needs to post to it: ``add_to_cart_url``,
``csrf_url``, ``csrf_header`` and ``csrf_field``. The page carries no CSRF token: a design
asks ``csrf_url`` (:func:`csrf_token_view`) for one when a visitor adds to cart, so pages
with Clerk.js set no CSRF cookie: a cache keeps one copy for every visitor without cookies.

``after_add_to_cart()`` is what the shop's add-to-cart view returns: the powerstep page
(``CLERK["POWERSTEP_URL"]``) when the store shows the powerstep as a page, as JSON for a
request from a design (``Accept: application/json``), else a redirect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse

from django_clerk.conf import clerk_settings
from django_clerk.json_errors import error_response
from django_clerk.mapping.registry import instance_clerk_id
from django_clerk.models import StorefrontSettings
from django_clerk.stores import store_for_request

#: The URL name of :func:`csrf_token_view` (the app's URLs are included under this namespace).
CSRF_URL_NAME = "django_clerk:csrf-token"


def resolve_url(value: Any) -> str:
    """A path or URL as it is; a URL name reversed; ``""`` when it is neither."""
    if not isinstance(value, str) or not value:
        return ""
    if "/" in value:
        return value
    try:
        return reverse(value)
    except NoReverseMatch:
        return ""


def add_to_cart_globals(request: HttpRequest | None) -> dict[str, Any]:
    """The Clerk.js ``globals`` for add-to-cart from designs; ``{}`` when not configured."""
    url = resolve_url(clerk_settings.ADD_TO_CART_URL)
    if not url or request is None:
        return {}
    return {"add_to_cart_url": url, "csrf_url": resolve_url(CSRF_URL_NAME), **_csrf_names()}


def csrf_token_view(request: HttpRequest) -> JsonResponse:
    """``GET <prefix>/csrf/``: ``{"csrf_token", "csrf_header", "csrf_field"}``, a CSRF token
    for a design's add-to-cart POST (setting Django's CSRF cookie here, and only here);
    ``private, no-store``."""
    if request.method not in ("GET", "HEAD"):
        response = error_response(405, "Only GET is allowed.", Allow="GET, HEAD")
    else:
        response = JsonResponse({"csrf_token": get_token(request), **_csrf_names()})
    response["Cache-Control"] = "private, no-store"
    return response


def _csrf_names() -> dict[str, str]:
    return {"csrf_header": _csrf_header(), "csrf_field": "csrfmiddlewaretoken"}


def _csrf_header() -> str:
    """``CSRF_HEADER_NAME`` as a browser sends it (``HTTP_X_CSRFTOKEN`` → ``X-CSRFToken``
    for Django's default)."""
    meta = str(getattr(settings, "CSRF_HEADER_NAME", "HTTP_X_CSRFTOKEN"))
    if meta == "HTTP_X_CSRFTOKEN":
        return "X-CSRFToken"
    name = meta.removeprefix("HTTP_")
    return "-".join(part.capitalize() for part in name.split("_"))


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def after_add_to_cart(request: HttpRequest, product: Any, default_url: str) -> HttpResponse:
    """The answer of the shop's add-to-cart view once ``product`` is in the cart.

    To ``CLERK["POWERSTEP_URL"]?product=<clerk id>`` when the request's store has the
    powerstep on as a page, else to ``default_url``; JSON ``{"added": true, "product": id,
    "redirect": url}`` for a request that accepts only JSON (a Clerk design's ``fetch``).
    """
    product_id = instance_clerk_id(product, "products") if hasattr(product, "pk") else product
    url = default_url
    store = store_for_request(request)
    powerstep = resolve_url(clerk_settings.POWERSTEP_URL)
    if store is not None and powerstep:
        options = StorefrontSettings.for_store(store)
        if options.powerstep and options.powerstep_type == options.PowerstepType.PAGE:
            url = f"{powerstep}?{urlencode({'product': product_id})}"
    if wants_json(request):
        return JsonResponse({"added": True, "product": product_id, "redirect": url})
    return HttpResponseRedirect(url)
