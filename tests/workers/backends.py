"""The task backends the worker tests run the delivery on, and their worker commands."""

from __future__ import annotations

import os
from typing import Any

BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
REDIS_DB = int(os.environ.get("CLERK_WORKER_REDIS_DB", "11"))


def tasks_setting(backend: str) -> dict[str, Any]:
    return {"default": {"BACKEND": BACKENDS[backend]}}


def rq_queues() -> dict[str, Any]:
    return {"default": {"HOST": "127.0.0.1", "PORT": 6379, "DB": REDIS_DB}}


def worker_command(backend: str, name: str, *, scheduler: bool = True) -> list[str]:
    """``manage.py`` arguments of one worker. An RQ worker with ``scheduler`` also moves the
    deferred jobs (retries) to the queue when they come due."""
    if backend == "db":
        return ["db_worker", "--interval=0.2", "--no-startup-delay", f"--worker-id={name}"]
    command = ["rqworker", "default", f"--name={name}", "--job-class=django_tasks_rq.Job"]
    return [*command, "--with-scheduler"] if scheduler else command
