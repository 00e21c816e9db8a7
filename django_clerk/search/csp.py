"""Would the site's Content-Security-Policy block Clerk? (system checks W110-W114)

The policy is read from settings: Django 6's ``SECURE_CSP`` (with its middleware), or
django-csp's ``CONTENT_SECURITY_POLICY["DIRECTIVES"]`` (4.x) or ``CSP_*_SRC`` settings
(3.x), with django-csp's middleware. A policy set another way (a header written by the web
server or by middleware of your own) cannot be seen here. Report-only policies block
nothing and are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.conf import settings

DJANGO_CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
DJANGO_CSP_PACKAGE_MIDDLEWARE = "csp.middleware.CSPMiddleware"
LEGACY_DIRECTIVES = ("default-src", "script-src", "connect-src", "img-src", "style-src")
CLERK_API = "https://api.clerk.io/v2/search/search"
CLERK_CDN = "https://cdn.clerk.io/"


@dataclass(frozen=True)
class Need:
    """Something Clerk needs from the policy, and the check that says it is missing."""

    check_id: str
    directive: str
    url: str
    why: str


def policy_from_settings() -> tuple[str, dict[str, list[str]]] | None:
    """``(setting name, {directive: [sources]})`` of the enforced policy, or ``None``."""
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    secure_csp = getattr(settings, "SECURE_CSP", None)
    if isinstance(secure_csp, Mapping) and secure_csp and DJANGO_CSP_MIDDLEWARE in middleware:
        return "SECURE_CSP", _normalised(secure_csp)
    if DJANGO_CSP_PACKAGE_MIDDLEWARE not in middleware:
        return None
    modern = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if isinstance(modern, Mapping) and isinstance(modern.get("DIRECTIVES"), Mapping):
        return "CONTENT_SECURITY_POLICY", _normalised(modern["DIRECTIVES"])
    legacy = {
        name: getattr(settings, "CSP_" + name.upper().replace("-", "_"), None)
        for name in LEGACY_DIRECTIVES
    }
    legacy = {k: v for k, v in legacy.items() if v is not None}
    if legacy:
        return "CSP_*_SRC", _normalised(legacy)
    return None


def _normalised(directives: Mapping[str, Any]) -> dict[str, list[str]]:
    result = {}
    for name, sources in directives.items():
        if isinstance(sources, str):
            sources = sources.split()
        if isinstance(sources, Iterable):
            result[str(name).lower()] = [str(s) for s in sources]
    return result


def effective(policy: Mapping[str, list[str]], directive: str) -> list[str] | None:
    """The sources in force for ``directive`` (``default-src`` stands in); ``None``: any."""
    if directive in policy:
        return policy[directive]
    return policy.get("default-src")


def is_nonce(source: str) -> bool:
    return "nonce" in source.lower()


def source_matches(source: str, url: str) -> bool:
    """Whether one CSP source expression lets ``url`` load (CSP3, simplified)."""
    target = urlparse(url)
    source = source.strip()
    if source == "*":
        return target.scheme in ("http", "https")
    if source.endswith(":") and "/" not in source:
        scheme = source[:-1].lower()
        return scheme == target.scheme or (scheme == "http" and target.scheme == "https")
    if source.startswith("'"):
        return False
    parsed = urlparse(source if "://" in source else "scheme-less://" + source)
    upgrade = parsed.scheme == "http" and target.scheme == "https"
    if parsed.scheme not in ("scheme-less", target.scheme) and not upgrade:
        return False
    host = (parsed.hostname or "").lower()
    target_host = (target.hostname or "").lower()
    if host.startswith("*."):
        if not target_host.endswith(host[1:]):
            return False
    elif host != target_host:
        return False
    if parsed.port is not None and parsed.port != (target.port or 443):
        return False
    path = parsed.path
    if path and path != "/":
        return target.path.startswith(path) if path.endswith("/") else target.path == path
    return True


def allows(sources: list[str] | None, url: str) -> bool:
    if sources is None:
        return True
    return any(source_matches(s, url) for s in sources)


def blocked(clerk_js_url: str) -> list[Need]:
    """What the enforced policy would block, for Clerk.js loaded from ``clerk_js_url``."""
    found = policy_from_settings()
    if found is None:
        return []
    _, policy = found
    script = effective(policy, "script-src")
    strict = script is not None and "'strict-dynamic'" in script
    has_nonce = script is not None and any(is_nonce(s) for s in script)
    needs = []
    absolute = clerk_js_url if not clerk_js_url.startswith("//") else "https:" + clerk_js_url
    if urlparse(absolute).scheme in ("http", "https"):
        loader_ok = has_nonce or (not strict and allows(script, absolute))
        if not loader_ok:
            needs.append(Need("django_clerk.W110", "script-src", absolute, "Clerk.js itself"))
    if not (strict and has_nonce) and not allows(script, CLERK_API):
        needs.append(
            Need("django_clerk.W111", "script-src", CLERK_API, "the results Clerk.js loads")
        )
    checks = (
        ("django_clerk.W112", "connect-src", CLERK_API, "Clerk.js' calls to Clerk's API"),
        ("django_clerk.W113", "img-src", CLERK_CDN, "images of Clerk's designs"),
        ("django_clerk.W114", "style-src", CLERK_CDN, "the styles of Clerk's designs"),
    )
    for check_id, directive, url, why in checks:
        if not allows(effective(policy, directive), url):
            needs.append(Need(check_id, directive, url, why))
    return needs
