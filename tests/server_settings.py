"""Settings of the shop servers that tests start as separate processes (``tests.processes``).

The test settings, on the database named by ``CLERK_SERVER_DATABASE_URL`` (the test
database of the test that starts them), with ``CLERK_SERVER_OVERRIDES`` (JSON) merged into
``CLERK``. The test process stands in for the proxy in front of the shop, so
``X-Forwarded-Proto`` is trusted here.
"""

import json
import os

from tests.settings import *  # noqa: F403
from tests.settings import CLERK, database_from_url

DATABASES = {"default": database_from_url(os.environ["CLERK_SERVER_DATABASE_URL"])}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CLERK = {**CLERK, **json.loads(os.environ.get("CLERK_SERVER_OVERRIDES") or "{}")}
