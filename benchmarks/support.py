"""What several benchmarks share: a scratch database with the app's tables, and the fake
Clerk API in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_database(workdir: Path, name: str) -> str:
    """A fresh database with the app's tables; returns its URL for subprocesses."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = (
        str(workdir / "bench.sqlite3") if connection.vendor == "sqlite" else name
    )
    # Tables from the models, as the tests make them: the test apps' models have no
    # migrations, and some refer to tables that migrations make later.
    connection.settings_dict["TEST"]["MIGRATE"] = False
    created = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    if connection.vendor == "sqlite":
        return f"sqlite:///{created}"
    return f"{url.rsplit('/', 1)[0]}/{created}"


class RemoteFake:
    """The fake Clerk API in a process of its own: its request handling does not compete
    with the saves for this process's GIL, as a real (remote) Clerk's does not."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django_clerk.testing", "--port", "0", "--lenient"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        line = self.process.stdout.readline()
        self.url = line.rsplit(" ", 1)[-1].strip()

    def use(self) -> None:
        from django.conf import settings

        settings.CLERK = {**settings.CLERK, "API_URL": self.url}

    def pending(self) -> int:
        from django_clerk.models import PendingChange

        return PendingChange.objects.count()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
