"""Settings of the example shop: a small, realistic Django shop connected to Clerk.io.

Reads ``CLERK_PUBLIC_KEY``, ``CLERK_PRIVATE_KEY``, ``CLERK_API_URL`` and ``DATABASE_URL``
from the environment, and for deployment:

* ``DJANGO_ALLOWED_HOSTS``: the host names the shop answers to, comma-separated (default
  ``localhost,127.0.0.1,[::1]``, enough for ``make demo``; never ``*``);
* ``CLERK_API_URL`` on this machine (``http://127.0.0.1:8765/v2/``, the fake Clerk API of
  ``make demo``) turns on the sandbox: the storefront loads the fake's stand-in for Clerk.js
  and shows a sandbox banner (see docs/demo.md);
* ``DJANGO_TRUST_PROXY_HEADERS=1``: the shop runs behind a proxy that sets
  ``X-Forwarded-Proto`` on every request (and drops the client's own), so a request is
  taken as HTTPS when that header says ``https``. Off by default: a client could otherwise
  pass a plain-http request off as HTTPS.
* ``CLERK_SYNC_DELIVERY`` and ``DJANGO_TASKS_BACKEND``: who delivers the real-time sync (see
  the block above ``LOGGING``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def database_from_url(url: str) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into DATABASES."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = unquote(parsed.path[1:]) if parsed.path not in ("", "/") else ":memory:"
        if not name or name == ":memory:":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        # A file: write-ahead log, whose commits (a feed page moves its crawl's cursor) wait
        # for no fsync; readers and the writer do not block each other.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"},
        }
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path[1:]),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


DEFAULT_ALLOWED_HOSTS = "localhost,127.0.0.1,[::1]"
PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def allowed_hosts(environ: Mapping[str, str]) -> list[str]:
    """``DJANGO_ALLOWED_HOSTS`` as a list: comma-separated, blanks ignored."""
    raw = environ.get("DJANGO_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS)
    return [host.strip() for host in raw.split(",") if host.strip()]


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def sandbox_js_url(api_url: str) -> str | None:
    """The fake Clerk API's stand-in for Clerk.js when ``api_url`` is on this machine (the
    sandbox), else ``None`` (the real Clerk.js)."""
    parsed = urlparse(api_url)
    if parsed.scheme != "http" or parsed.hostname not in LOCAL_HOSTS:
        return None
    return f"{parsed.scheme}://{parsed.netloc}/_fake/clerk.js"


def proxy_ssl_header(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """``SECURE_PROXY_SSL_HEADER``: only when ``DJANGO_TRUST_PROXY_HEADERS`` says a proxy
    sets ``X-Forwarded-Proto``."""
    trusted = environ.get("DJANGO_TRUST_PROXY_HEADERS", "").strip().lower() in TRUE_WORDS
    return PROXY_SSL_HEADER if trusted else None


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-shop-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = allowed_hosts(os.environ)
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "django_clerk",
    "shop",
]

MIDDLEWARE = [
    "django_clerk.middleware.JSONErrorsMiddleware",  # JSON errors for the app's URLs
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shop.csp.NonceCSPMiddleware",  # off unless SHOP_CSP = True
]

ROOT_URLCONF = "example_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.cart",
                "shop.context_processors.sandbox",
            ],
        },
    },
]

WSGI_APPLICATION = "example_project.wsgi.application"

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("da", "Danish")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
MEDIA_URL = "media/"

CLERK = {
    "PUBLIC_KEY": os.environ.get("CLERK_PUBLIC_KEY", ""),
    "PRIVATE_KEY": os.environ.get("CLERK_PRIVATE_KEY", ""),
    "API_URL": os.environ.get("CLERK_API_URL", "https://api.clerk.io/v2/"),
    "BASE_URL": os.environ.get("SHOP_BASE_URL", "http://127.0.0.1:8000"),
    "FEED_ALLOW_HTTP": DEBUG,
    "SERIALIZERS": {
        "products": "shop.clerk.ProductSerializer",
        "categories": "shop.clerk.CategorySerializer",
        "orders": "shop.clerk.OrderSerializer",
        "customers": ["shop.clerk.CustomerSerializer", "shop.clerk.SubscriberSerializer"],
        "pages": "shop.clerk.PageSerializer",
    },
    # Newsletter consent: unsubscribe links and Clerk's unsubscribe call change these.
    "SUBSCRIPTION_MODELS": {"shop.Customer": {}, "shop.NewsletterSubscriber": {}},
    # Clerk.js stays cookieless until the visitor accepts tracking (the shop's banner).
    "TRACKING_CONSENT": "shop.consent.tracking_allowed",
    # The pages `manage.py clerk_validate_tracking` walks (docs: "Validating tracking").
    "TRACKING_JOURNEY": "shop.clerk_journey.journey",
    # Behaviour events from the server too (an ad-blocker cannot lose them): sales once each.
    "TRACKING": {"sales": "both", "baskets": "both", "clicks": "both"},
    # Markets: prices are kept in DKK; the euro store ("eu") converts them.
    "BASE_CURRENCY": "DKK",
    "CURRENCY_RATES": {"EUR": "0.134"},
    "CUSTOMER_GROUP": "shop.prices.customer_group",
    "INDIVIDUAL_PRICES": "shop.prices.individual_prices",
}
if os.environ.get("CLERK_EU_PUBLIC_KEY"):  # the euro store's keys
    CLERK["STORES"] = {
        "eu": {
            "PUBLIC_KEY": os.environ["CLERK_EU_PUBLIC_KEY"],
            "PRIVATE_KEY": os.environ.get("CLERK_EU_PRIVATE_KEY", ""),
        }
    }

# The sandbox: without real Clerk keys, ``make demo`` points CLERK_API_URL at the fake.
SHOP_SANDBOX_JS_URL = sandbox_js_url(CLERK["API_URL"])
if SHOP_SANDBOX_JS_URL:
    CLERK["CLERK_JS_URL"] = SHOP_SANDBOX_JS_URL
    CLERK["TRACKING"]["product_views"] = "server"  # the sandbox shows log/product calls

# -- Delivery of the real-time sync: CLERK_SYNC_DELIVERY and DJANGO_TASKS_BACKEND ------------
# CLERK_SYNC_DELIVERY: "thread" (the default), "task" or "manual". In task mode the delivery
# is a task of the backend DJANGO_TASKS_BACKEND: "immediate" (after the commit, in the same
# process), "db" (django-tasks-db: run `python manage.py db_worker`) or "rq" (django-tasks-rq
# on Redis at REDIS_URL: run `python manage.py rqworker default --with-scheduler
# --job-class django_tasks_rq.Job`). The "db" and "rq" backends need `pip install
# django-clerkio[workers]`.
CLERK["SYNC_DELIVERY"] = os.environ.get("CLERK_SYNC_DELIVERY", "thread")
TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if os.environ.get("DJANGO_TASKS_BACKEND"):
    _tasks_backend = os.environ["DJANGO_TASKS_BACKEND"]
    if _tasks_backend == "immediate":
        _tasks_package = "django.tasks" if find_spec("django.tasks") else "django_tasks"
        _backend_path = f"{_tasks_package}.backends.immediate.ImmediateBackend"
    elif _tasks_backend in TASK_BACKENDS:
        _backend_path = TASK_BACKENDS[_tasks_backend]
        INSTALLED_APPS += ["django_tasks_db"] if _tasks_backend == "db" else ["django_rq"]
    else:
        raise ValueError(
            f"DJANGO_TASKS_BACKEND must be immediate, db or rq, not {_tasks_backend!r}"
        )
    TASKS = {"default": {"BACKEND": _backend_path}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_clerk": {"handlers": ["console"], "level": "INFO"}},
}
