"""Real shop server processes for tests whose behaviour depends on several of them.

``gunicorn(workers=4)`` starts gunicorn with that many worker processes (each with its own
per-process cache, as in production) on the database of the running test, waits until it
answers and yields its base URL. The test must commit what the servers should see: use the
``transactional_db`` fixture. An in-memory SQLite database cannot be shared with another
process, so on SQLite the test is skipped; CI runs the suite on PostgreSQL too.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_database_url() -> str:
    """A URL of the running test's database that another process can open."""
    settings = connection.settings_dict
    if not settings["ENGINE"].endswith("postgresql"):
        pytest.skip("needs a database that several processes share (PostgreSQL)")
    user = quote(settings.get("USER") or "")
    password = quote(settings.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(settings['NAME'])}"


def server_environment(clerk: dict[str, Any] | None, env: dict[str, str] | None) -> dict[str, str]:
    """The environment of a server process: the test settings on the test's database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        "CLERK_SERVER_DATABASE_URL": shared_database_url(),
        "CLERK_SERVER_OVERRIDES": json.dumps(clerk or {}),
        **(env or {}),
    }


def wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it serves
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {START_SECONDS} s:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def gunicorn(
    workers: int = 4,
    *,
    clerk: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    timeout: int = 30,
) -> Iterator[str]:
    """Serve the test shop with gunicorn's ``workers`` sync worker processes.

    ``clerk`` is merged into the servers' ``CLERK`` setting (e.g. ``{"API_URL": fake.url}``);
    ``env`` adds environment variables. Yields ``http://127.0.0.1:PORT``. Requests that
    must look like HTTPS send ``X-Forwarded-Proto: https``.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "gunicorn.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "example_project.wsgi:application",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    "--worker-class=sync",
                    f"--timeout={timeout}",
                    "--graceful-timeout=2",
                    "--log-level=warning",
                ],
                cwd=ROOT,
                env=server_environment(clerk, env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_until_answering(f"{base_url}/clerk/version", process, log)
                yield base_url
            finally:
                stop(process)
