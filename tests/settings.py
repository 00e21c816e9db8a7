"""Test settings: the example shop's, on SQLite by default or on ``DATABASE_URL``."""

import importlib.util
import os

from example_project.settings import *  # noqa: F403
from example_project.settings import CLERK, database_from_url

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite://"))}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("CLERK_TEST_DB_NAME", "test_django_clerk")
    }

INSTALLED_APPS = [*INSTALLED_APPS, "tests.othershop", "tests.uuidshop", "tests.marketshop"]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
ALLOWED_HOSTS = ["*"]  # tests choose stores by the request's host (shop.example.dk, ...)
CLERK = {
    **CLERK,
    "PUBLIC_KEY": "",
    "PRIVATE_KEY": "",
    "API_URL": "http://127.0.0.1:9/v2/",  # nothing listens: tests point it at the fake API
    "BASE_URL": "https://shop.example.com",
    "FEED_ALLOW_HTTP": False,
    # Tests deliver pending changes explicitly; the sync tests switch modes as they need.
    # (The delivery thread would share the in-memory SQLite database with the test.)
    "SYNC_DELIVERY": "manual",
}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The task backends of the worker tests (tests/workers), when their packages are installed.
if importlib.util.find_spec("django_tasks_db") and importlib.util.find_spec("django_tasks_rq"):
    from tests.workers.backends import rq_queues

    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db", "django_rq"]
    RQ_QUEUES = rq_queues()
