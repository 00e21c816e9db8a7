"""The warnings of ``check_search_and_csp`` (ids ``django_clerk.W110``-``W116``).

========================  ==============================================================
``django_clerk.W110``     the Content-Security-Policy blocks Clerk.js itself (script-src)
``django_clerk.W111``     ... blocks the results Clerk.js loads from api.clerk.io (script-src)
``django_clerk.W112``     ... blocks Clerk.js' calls to api.clerk.io (connect-src)
``django_clerk.W113``     ... blocks images from cdn.clerk.io (img-src)
``django_clerk.W114``     ... blocks styles from cdn.clerk.io (style-src)
``django_clerk.W115``     ``CLERK["SEARCH"]`` is malformed (unknown key, wrong type)
``django_clerk.W116``     ``ADD_TO_CART_URL``, ``POWERSTEP_URL`` or ``LIVE_SEARCH_SEARCH_URL``
                          is neither a path nor a URL name that reverses
========================  ==============================================================
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Warning

from django_clerk.conf import clerk_settings
from django_clerk.search import csp, options
from django_clerk.storefront.cart import resolve_url
from django_clerk.storefront.clerk_js_build import CUSTOM_BUILD_URL


def search_warnings() -> list[CheckMessage]:
    return [*csp_warnings(), *settings_warnings()]


def csp_warnings() -> list[CheckMessage]:
    url = str(clerk_settings.CLERK_JS_URL).replace("{slug}", "clerk")
    found = csp.policy_from_settings()
    name = found[0] if found else ""
    return [
        Warning(
            f"The Content-Security-Policy in {name} blocks {need.why}: {need.directive} does "
            f"not allow {need.url}.",
            hint=f"Add https://*.clerk.io to {need.directive} (or a nonce and "
            "'strict-dynamic' to script-src). Clerk's hosts: api.clerk.io, cdn.clerk.io, "
            f"custom.clerk.io ({CUSTOM_BUILD_URL}).",
            id=need.check_id,
        )
        for need in csp.blocked(url)
    ]


def settings_warnings() -> list[CheckMessage]:
    found: list[CheckMessage] = [
        Warning(problem, hint="See docs/search.md for the options.", id="django_clerk.W115")
        for problem in options.problems(clerk_settings.SEARCH)
    ]
    search = options.configured()
    urls = {
        "CLERK['ADD_TO_CART_URL']": clerk_settings.ADD_TO_CART_URL,
        "CLERK['POWERSTEP_URL']": clerk_settings.POWERSTEP_URL,
        "CLERK['SEARCH']['LIVE_SEARCH_SEARCH_URL']": search.get("LIVE_SEARCH_SEARCH_URL", ""),
    }
    for name, value in urls.items():
        if value and not resolve_url(value):
            found.append(
                Warning(
                    f"{name} = {value!r} is neither a path nor a URL name that reverses "
                    "without arguments.",
                    id="django_clerk.W116",
                )
            )
    return found
