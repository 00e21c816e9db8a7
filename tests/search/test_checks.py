"""Checks W110-W116: the Content-Security-Policy against Clerk's hosts, and the settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks

from django_clerk.search.csp import source_matches

DJANGO_CSP = "django.middleware.csp.ContentSecurityPolicyMiddleware"
PACKAGE_CSP = "csp.middleware.CSPMiddleware"
NONCE = "<CSP_NONCE_SENTINEL>"  # Django 6's CSP.NONCE


def warnings() -> dict[str, str]:
    found = checks.run_checks(tags=["django_clerk"])
    return {m.id: m.msg for m in found if m.id and "W11" in m.id}


@pytest.fixture
def middleware(settings: Any) -> Any:
    def use(name: str) -> None:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, name]

    return use


def test_no_policy_no_warning(settings):
    settings.SECURE_CSP = {"default-src": ["'self'"]}  # without its middleware: not enforced
    assert warnings() == {}


def test_a_self_only_policy_blocks_everything_clerk_needs(settings, middleware):
    middleware(DJANGO_CSP)
    settings.SECURE_CSP = {"default-src": ["'self'"]}
    found = warnings()
    assert set(found) == {f"django_clerk.W11{n}" for n in range(5)}
    assert "SECURE_CSP" in found["django_clerk.W110"]
    assert "https://cdn.clerk.io/clerk.js" in found["django_clerk.W110"]


def test_clerk_hosts_allowed_pass(settings, middleware):
    middleware(DJANGO_CSP)
    settings.SECURE_CSP = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "https://*.clerk.io"],
        "connect-src": ["api.clerk.io"],
        "img-src": ["https:"],
        "style-src": ["*"],
    }
    assert warnings() == {}


def test_a_nonce_with_strict_dynamic_lets_clerk_js_load_what_it_needs(settings, middleware):
    middleware(DJANGO_CSP)
    settings.SECURE_CSP = {"script-src": [NONCE, "'strict-dynamic'"]}
    assert warnings() == {}
    settings.SECURE_CSP = {"script-src": [NONCE]}  # Clerk.js loads; its results do not
    assert set(warnings()) == {"django_clerk.W111"}
    settings.SECURE_CSP = {"script-src": ["https://cdn.clerk.io", "'strict-dynamic'"]}
    assert set(warnings()) == {"django_clerk.W110", "django_clerk.W111"}


def test_django_csp_4_and_3_settings(settings, middleware):
    middleware(PACKAGE_CSP)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"connect-src": ["'self'"]}}
    assert set(warnings()) == {"django_clerk.W112"}
    del settings.CONTENT_SECURITY_POLICY
    settings.CSP_IMG_SRC = ("'self'",)
    assert set(warnings()) == {"django_clerk.W113"}


def test_a_custom_clerk_js_build(settings, middleware):
    settings.CLERK = {**settings.CLERK, "CLERK_JS_URL": "https://custom.clerk.io/{slug}.js"}
    found = checks.run_checks(tags=["django_clerk"])
    assert [m.id for m in found if m.level >= checks.WARNING] == []
    middleware(DJANGO_CSP)
    settings.SECURE_CSP = {"script-src": ["https://cdn.clerk.io", "https://api.clerk.io"]}
    assert set(warnings()) == {"django_clerk.W110"}


@pytest.mark.parametrize(
    ("source", "url", "expected"),
    [
        ("*", "https://api.clerk.io/v2/x", True),
        ("https:", "https://api.clerk.io/", True),
        ("http:", "https://api.clerk.io/", True),
        ("https:", "http://api.clerk.io/", False),
        ("'self'", "https://api.clerk.io/", False),
        ("*.clerk.io", "https://cdn.clerk.io/clerk.js", True),
        ("*.clerk.io", "https://clerk.io/", False),
        ("https://api.clerk.io:8443", "https://api.clerk.io/", False),
        ("https://api.clerk.io/v2/", "https://api.clerk.io/v2/search", True),
        ("https://api.clerk.io/v3/", "https://api.clerk.io/v2/search", False),
        ("https://cdn.clerk.io/clerk.js", "https://cdn.clerk.io/clerk.js", True),
        ("http://evil.example", "https://api.clerk.io/", False),
    ],
)
def test_source_matching(source, url, expected):
    assert source_matches(source, url) is expected


def test_search_settings_are_checked(settings):
    settings.CLERK = {
        **settings.CLERK,
        "SEARCH": {
            "PER_PAGE": "ten",
            "MAX_PER_PAGE": 0,
            "FACET_TITLES": {"brand": 1},
            "COLOUR": True,
            "STORES": {"da": {"STORES": {}}, "de": []},
        },
        "ADD_TO_CART_URL": "no-such-url-name",
        "POWERSTEP_URL": "shop:added",
        "CUSTOMER_GROUP": "tests.nowhere.group",
    }
    found = checks.run_checks(tags=["django_clerk"])
    messages = [m.msg for m in found if m.id == "django_clerk.W115"]
    assert len(messages) == 6, messages
    # A hook that cannot be imported is the one check of the hooks, E054.
    assert sorted(m.id for m in found if m.id in ("django_clerk.W116", "django_clerk.E054")) == [
        "django_clerk.E054",
        "django_clerk.W116",
    ]
    from django_clerk.search.options import search_options

    assert search_options().per_page == 24  # the wrong value gives way to the default
    settings.CLERK = {**settings.CLERK, "SEARCH": "yes"}
    assert [m.id for m in checks.run_checks(tags=["django_clerk"])].count("django_clerk.W115") == 1


def test_example_settings_pass():
    assert warnings() == {}
