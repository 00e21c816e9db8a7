"""Settings of the task workers that the worker tests start: the shop servers' settings (the
test database, ``CLERK_SERVER_OVERRIDES``) with the task backend named by
``CLERK_WORKER_BACKEND`` (``db`` or ``rq``) and its queue on Redis (``CLERK_WORKER_REDIS_DB``)."""

import os

from tests.server_settings import *  # noqa: F403
from tests.workers.backends import rq_queues, tasks_setting

TASKS = tasks_setting(os.environ["CLERK_WORKER_BACKEND"])
RQ_QUEUES = rq_queues()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_clerk": {"handlers": ["console"], "level": "INFO"}},
}
