"""Sending the app's warnings and errors to Clerk.io's remote log (``log/debug``).

:class:`ClerkLogHandler` is an optional logging handler::

    LOGGING = {
        "version": 1,
        "handlers": {
            "clerk": {
                "class": "django_clerk.log_handler.ClerkLogHandler",
                "level": "WARNING",
                "store": "default",  # the store whose public key the lines are sent with
            },
        },
        "loggers": {"django_clerk": {"handlers": ["clerk"], "level": "INFO"}},
    }

A record is only formatted and put on a bounded in-memory queue by the thread that logs it
(a request never waits for the database or Clerk). A daemon thread per process writes the
queue's lines into the outbox (one row each, on its own connection, in autocommit), and the
delivery sends them to ``log/debug`` with the store's public key (``log/debug`` takes no
private key), retrying while Clerk is down, as it does every change. At exit, logging's
shutdown waits (``FLUSH_SECONDS`` at most) until the queued lines are in the outbox. When the
queue is full (the database is slow), new lines are dropped and counted, never blocking. The
handler never recurses: records of the API client's own logger, and anything logged while a
line is being recorded or delivered, are not sent. The store's private key is removed from
every line before it is stored.

The outbox holds a line once per hour: the same line logged again within the hour (Clerk down
and a warning repeated at each retry) updates its row, whose metadata counts the repeats
(``"repeated"``), so the lines waiting for Clerk stay few. A line not delivered within a day
(:data:`~django_clerk.sync.events.LOG_LINE_MAX_AGE`) is dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import queue
import threading
import time
from typing import Any

from django_clerk.log_lines import sending as _sending

__all__ = ["ClerkLogHandler"]

LEVELS = {logging.WARNING: "warn", logging.ERROR: "error", logging.CRITICAL: "error"}
IGNORED_LOGGERS = ("django_clerk.client",)
"""The API client logs its own calls and failures: sending those would call it again."""
QUEUE_SIZE = 1000
MAX_MESSAGE = 2000
FLUSH_SECONDS = 5.0
"""How long the process's exit waits for queued lines to reach the outbox."""


class ClerkLogHandler(logging.Handler):
    """A handler that sends records to Clerk's ``log/debug`` through the outbox.

    ``timeout`` is kept for old settings: the delivery's ``SYNC_TIMEOUT`` applies."""

    def __init__(
        self, level: int | str = logging.WARNING, store: str = "default", timeout: float = 5.0
    ) -> None:
        super().__init__(level)
        self.store_code = store
        self.timeout = timeout
        self.dropped = 0
        self.lines: queue.Queue[tuple[str, str, dict[str, Any]] | None] = queue.Queue(QUEUE_SIZE)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._hour = 0
        self._repeats: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(_sending, "active", False):
            return False  # logged while sending a line: never recurse
        if record.name.startswith(IGNORED_LOGGERS):
            return False
        return bool(super().filter(record))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # Cut far beyond what is sent: the keys are removed (in the sending thread)
            # before the line is cut to MAX_MESSAGE, so no cut key can slip through.
            message = self.format(record)[: 4 * MAX_MESSAGE]
            level = LEVELS.get(record.levelno, "warn" if record.levelno > logging.INFO else "log")
            metadata = {"logger": record.name, "logged_at": int(record.created)}
            self.lines.put_nowait((message, level, metadata))
        except queue.Full:
            self.dropped += 1
            return
        except Exception:
            self.handleError(record)
            return
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="django-clerk-log", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        _sending.active = True
        while True:
            line = self.lines.get()
            try:
                if line is None:
                    return
                self.send(*line)
            except Exception:  # no database, no such store: the line is lost, never re-logged
                self.dropped += 1
            finally:
                self.lines.task_done()

    def send(self, message: str, level: str, metadata: dict[str, Any]) -> None:
        """Record one line in the outbox (in the handler's thread, in autocommit); the
        delivery sends it to Clerk."""
        from django.db import close_old_connections

        from django_clerk.models import Store
        from django_clerk.models.sync import LOG_LINE
        from django_clerk.tracking.recording import record_event

        try:
            stores = list(Store.objects.all())
            store = next(s for s in stores if s.code == self.store_code)
            keys = [s.credentials().private_key for s in stores]
            text = scrubbed(message, keys)
            key, repeated = self._repeat(text, level)
            if repeated > 1:
                metadata = {**metadata, "repeated": repeated}
            payload = {"message": text, "level": level, "metadata": metadata}
            record_event(store, LOG_LINE, key, payload)
        finally:
            close_old_connections()

    def _repeat(self, message: str, level: str) -> tuple[str, int]:
        """The outbox id of a line (the same line in the same hour is one row) and how many
        times this process logged it in this hour."""
        hour = int(time.time() // 3600)
        digest = hashlib.sha256(f"{level}\n{message}".encode()).hexdigest()[:40]
        key = f"{digest}:{hour}"
        if self._hour != hour:
            self._hour, self._repeats = hour, {}
        self._repeats[key] = self._repeats.get(key, 0) + 1
        return key, self._repeats[key]

    def wait_sent(self, timeout: float = 10.0) -> bool:
        """Wait until every queued line was recorded in the outbox or dropped."""
        done = threading.Event()

        def waiter() -> None:
            self.lines.join()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        return done.wait(timeout)

    def flush(self) -> None:
        """Wait (``FLUSH_SECONDS`` at most) until the queued lines are in the outbox; logging
        calls it at the process's exit."""
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            self.wait_sent(FLUSH_SECONDS)

    def close(self) -> None:
        thread = self._thread
        if thread is not None and thread.is_alive():
            with contextlib.suppress(queue.Full):
                self.lines.put_nowait(None)
        super().close()


def scrubbed(message: str, keys: list[str]) -> str:
    """``message`` without any store's private key (in any spelling), cut to
    :data:`MAX_MESSAGE`, without the start of a key that the cut may have left at its end."""
    from django_clerk.client.transport import REDACTED, redact

    text = redact(message, [key for key in keys if key])[:MAX_MESSAGE]
    for key in keys:
        for size in range(min(len(key) - 1, len(text)), 3, -1):
            if text.endswith(key[:size]):
                return text[:-size] + REDACTED
    return text
