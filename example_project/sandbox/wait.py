"""``python -m sandbox.wait URL [SECONDS]``: wait until ``URL`` answers (the fake is up)."""

from __future__ import annotations

import sys
import time
import urllib.request
from typing import Any


class ServerExited(RuntimeError):
    """The server process being waited for exited (its port was taken, it crashed)."""


def wait_for(url: str, seconds: float = 15.0, process: Any = None) -> None:
    """Return once ``url`` answers 200; ``TimeoutError`` after ``seconds``, ``ServerExited``
    as soon as ``process`` (a ``subprocess.Popen`` serving ``url``) has exited."""
    deadline = time.monotonic() + seconds
    while True:
        if process is not None and process.poll() is not None:
            raise ServerExited(f"the server for {url} exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {seconds:g}s")
        time.sleep(0.2)


if __name__ == "__main__":
    wait_for(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 15.0)
