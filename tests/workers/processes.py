"""Task worker processes for the worker tests: started on the test's database, killed with
SIGKILL (the whole process group: an RQ worker forks a child per job) or stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.processes import ROOT, server_environment
from tests.workers.backends import worker_command


class Workers:
    """The workers of one test; :meth:`close` stops those still running."""

    def __init__(self, backend: str, clerk: dict[str, Any]) -> None:
        self.backend, self.clerk = backend, clerk
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.scratch = Path(tempfile.mkdtemp(prefix="clerk-workers-"))

    def start(self, name: str, *, scheduler: bool = True) -> subprocess.Popen[bytes]:
        log = (self.scratch / f"{name}.log").open("wb")
        env = server_environment(
            self.clerk,
            {
                "DJANGO_SETTINGS_MODULE": "tests.workers.worker_settings",
                "CLERK_WORKER_BACKEND": self.backend,
            },
        )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                *worker_command(self.backend, name, scheduler=scheduler),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, children included
        )
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL the worker and its children at once: no clean-up runs."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.scratch.glob("*.log"))
        )

    def close(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()
