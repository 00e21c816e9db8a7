"""System checks of the storefront settings (ids ``django_clerk.E040``-``E049``/``W040``-``W049``).

========================  ==============================================================
``django_clerk.E040``     ``CLERK["CLERK_JS_URL"]`` is not an http(s), ``//`` or ``/`` URL
``django_clerk.E041``     a storefront setting has the wrong type (currency, nonce, visitor, labels)
``django_clerk.W040``     no template engine passes ``request`` to templates: the tags fall
                          back to the default store and see no CSP nonce on the request
``django_clerk.W041``     ``ADD_TO_CART_URL`` is set but the app's URLs (its CSRF token
                          endpoint) are not included
========================  ==============================================================
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from django_clerk.conf import clerk_settings
from django_clerk.storefront.cart import CSRF_URL_NAME, resolve_url

STRING_SETTINGS = ("CURRENCY_SYMBOL", "CURRENCY_ISO", "CSP_NONCE_ATTRIBUTE")
BOOL_SETTINGS = ("JS_VISITOR_FROM_SESSION", "DEFAULT_LABELS")
REQUEST_PROCESSOR = "django.template.context_processors.request"


@register("django_clerk")
def check_storefront(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # E001 says so already
    errors: list[CheckMessage] = []
    url = clerk_settings.CLERK_JS_URL
    if not _is_script_url(url):
        errors.append(
            Error(
                f"CLERK['CLERK_JS_URL'] must be an http(s) URL, //host/path or /path, not {url!r}.",
                hint="The default is https://cdn.clerk.io/clerk.js.",
                id="django_clerk.E040",
            )
        )
    for name in STRING_SETTINGS:
        value = getattr(clerk_settings, name)
        if not isinstance(value, str):
            errors.append(
                Error(f"CLERK[{name!r}] must be a string, not {value!r}.", id="django_clerk.E041")
            )
    iso = clerk_settings.CURRENCY_ISO
    if isinstance(iso, str) and iso and not (len(iso) == 3 and iso.isalpha()):
        errors.append(
            Error(
                f"CLERK['CURRENCY_ISO'] must be a 3-letter ISO 4217 code, not {iso!r}.",
                id="django_clerk.E041",
            )
        )
    for name in BOOL_SETTINGS:
        if not isinstance(getattr(clerk_settings, name), bool):
            errors.append(Error(f"CLERK[{name!r}] must be True or False.", id="django_clerk.E041"))
    if clerk_settings.ADD_TO_CART_URL and not resolve_url(CSRF_URL_NAME):
        errors.append(
            Warning(
                "CLERK['ADD_TO_CART_URL'] is set, but the app's URLs are not included: Clerk's "
                "designs cannot get the CSRF token their add-to-cart POST needs.",
                hint="Include them, e.g. path('clerk/', include('django_clerk.urls')).",
                id="django_clerk.W041",
            )
        )
    if not _request_in_templates():
        errors.append(
            Warning(
                "No DjangoTemplates engine has the 'request' context processor: the Clerk "
                "template tags cannot find the request's store, visitor or CSP nonce.",
                hint=f"Add {REQUEST_PROCESSOR!r} to TEMPLATES[...]['OPTIONS']"
                "['context_processors'].",
                id="django_clerk.W040",
            )
        )
    return errors


def _is_script_url(value: Any) -> bool:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    if value.startswith("//"):
        return bool(urlparse("https:" + value).netloc)
    if value.startswith("/"):
        return True
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _request_in_templates() -> bool:
    engines = [
        engine
        for engine in getattr(settings, "TEMPLATES", [])
        if engine.get("BACKEND") == "django.template.backends.django.DjangoTemplates"
    ]
    if not engines:
        return True  # another template language: nothing to say
    return any(
        REQUEST_PROCESSOR in (engine.get("OPTIONS") or {}).get("context_processors", [])
        for engine in engines
    )


@register("django_clerk")
def check_search_and_csp(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``django_clerk.W110``-``W116``: the Content-Security-Policy against Clerk's hosts, and
    the search and storefront parity settings (:mod:`django_clerk.search`)."""
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []
    from django_clerk.search.storefront_checks import search_warnings

    return search_warnings()
