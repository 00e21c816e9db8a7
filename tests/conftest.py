import importlib.util
import os

pytest_plugins = ["django_clerk.testing.pytest_plugin"]

# The worker tests need the task backends' packages (the tox env "workers" installs them).
WORKER_PACKAGES = ("django_tasks_db", "django_tasks_rq")
collect_ignore_glob = (
    [] if all(importlib.util.find_spec(name) for name in WORKER_PACKAGES) else ["workers/*"]
)

import pytest  # noqa: E402
from django.core.cache import cache  # noqa: E402

from tests.chromium import browser  # noqa: E402, F401  (the session's headless Chromium)

WAGTAIL_SETTINGS = "tests.wagtailshop.settings"
# The Wagtail tests run only with Wagtail installed and its site's settings
# (pytest --ds tests.wagtailshop.settings tests/wagtail); the default suite never collects them.
if (
    importlib.util.find_spec("wagtail") is None
    or os.environ.get("DJANGO_SETTINGS_MODULE") != WAGTAIL_SETTINGS
):
    collect_ignore_glob.append("wagtail")
OSCAR_SETTINGS = "tests.oscarshop.settings"
# The django-oscar preset's tests run only with django-oscar installed and the sandbox Oscar
# shop's settings (`pytest tests/oscar --ds tests.oscarshop.settings`, or `tox -e oscar`).
if (
    importlib.util.find_spec("oscar") is None
    or os.environ.get("DJANGO_SETTINGS_MODULE") != OSCAR_SETTINGS
):
    collect_ignore_glob += ["oscar", "oscar/*", "oscarshop", "oscarshop/*"]


@pytest.fixture(autouse=True, scope="session")
def _own_verify_slots(tmp_path_factory):
    """Test processes (pytest-xdist workers) do not share the host's token-verify slots."""
    from django.conf import settings

    lock_dir = str(tmp_path_factory.mktemp("verify-slots"))
    settings.CLERK = {**settings.CLERK, "TOKEN_VERIFY_LOCK_DIR": lock_dir}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached stores, tokens and feed cursors of an
    earlier test (whose rows were rolled back) must not leak into it; nor may a token-verify
    cooldown an earlier test started."""
    forget()
    yield
    forget()


def forget():
    from django_clerk.feeds.tokens import UNREACHABLE_FILE, slots

    cache.clear()
    directory = slots.host.directory()
    if directory is not None:
        (directory / UNREACHABLE_FILE).unlink(missing_ok=True)


@pytest.fixture
def make_store(db):
    """Create a Clerk store; keyword arguments override the defaults."""
    from django_clerk.models import Store

    def make(**fields):
        code = fields.pop("code", f"store{Store.objects.count() + 1}")
        defaults = {
            "name": code.title(),
            "public_key": f"{code}-public",
            "private_key": f"{code}-private",
            "language": "en",
            "base_url": "https://shop.example.com/",
        }
        defaults.update(fields)
        return Store.objects.create(code=code, **defaults)

    return make


@pytest.fixture
def store(make_store):
    """The default store, English, with keys in the database."""
    return make_store(code="default")


@pytest.fixture(params=["int", "str", "uuid"])
def shop(request, store, settings):
    """Each of the three test shops in turn (int, str and UUID keys; see ``tests/shops.py``),
    mapped by ``CLERK["SERIALIZERS"]``, for the default store ``store``."""
    from tests.shops import make_shop

    made = make_shop(request.param)
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": made.serializers}
    return made
