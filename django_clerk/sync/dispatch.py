"""Who delivers, and when: ``CLERK["SYNC_DELIVERY"]``.

``"thread"`` (the default)
    Out of the box, with no worker to run: after each commit that recorded changes, a single
    daemon thread per process is woken and delivers what is due. The saving request only sets
    an event. The thread sends with short timeouts (``SYNC_TIMEOUT``) and a circuit breaker:
    after ``SYNC_BREAKER_THRESHOLD`` failed pushes in a row it waits ``SYNC_BREAKER_COOLDOWN``
    seconds before trying again. It also wakes up for retries that come due. (The task and
    ``clerk_deliver`` stop a run after the same number of failed pushes in a row.)
``"task"``
    Each commit that recorded changes enqueues the :func:`~django_clerk.sync.tasks.deliver_pending`
    task on the default task backend (``django.tasks``, or the ``django_tasks`` backport), so a
    database worker, RQ or Celery deliver, from as many machines as you like.
``"manual"``
    Nothing is started: run ``manage.py clerk_deliver`` (from cron, say).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange
from django_clerk.sync import delivery

logger = logging.getLogger("django_clerk.sync")

DELIVERY_MODES = ("thread", "task", "manual")
IDLE_RECHECK_SECONDS = 60.0
"""Longest sleep of the delivery thread while changes wait for a retry."""
ERROR_RETRY_SECONDS = 1.0
"""Sleep of the delivery thread after a round failed on its own (not on Clerk)."""
GATHER_SECONDS = 0.5
"""How long the delivery thread waits after a wake-up, so the commits of a burst of requests
go out together (fewer calls to Clerk, fewer writes competing with the shop's)."""


_scheduled_on: weakref.WeakKeyDictionary[BaseDatabaseWrapper, list[Any]] = (
    weakref.WeakKeyDictionary()
)
"""``{connection: its list of commit callbacks that holds ours}`` (connections are
per-thread)."""


def schedule(using: str) -> None:
    """Ask for a delivery once the current transaction commits (once per transaction)."""
    if clerk_settings.SYNC_DELIVERY == "manual":
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        after_commit()
        return
    # One callback per transaction: Django gives each transaction (and each savepoint
    # rollback) a new list of callbacks, so the list's identity tells whether ours is in it.
    hooks = connection.run_on_commit
    if _scheduled_on.get(connection) is hooks:
        return
    transaction.on_commit(after_commit, using=using, robust=True)
    _scheduled_on[connection] = connection.run_on_commit


def after_commit() -> None:
    """Start a delivery according to ``SYNC_DELIVERY``. Never raises."""
    mode = clerk_settings.SYNC_DELIVERY
    try:
        if mode == "thread":
            deliverer.wake()
        elif mode == "task":
            # Importing the task module declares the task, which builds the task backend:
            # only when deliveries go through it.
            from django_clerk.sync.tasks import enqueue_delivery

            enqueue_delivery()
    except Exception:
        logger.exception("Could not start the Clerk.io delivery; changes stay pending")


class CircuitBreaker:
    """Opens after ``threshold`` failures in a row, for ``cooldown`` seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures = 0
        self.open_until = 0.0

    def record(self, failed: bool) -> None:
        if not failed:
            self.failures = 0
            return
        self.failures += 1
        if self.failures >= int(clerk_settings.SYNC_BREAKER_THRESHOLD):
            self.trip()

    def trip(self) -> None:
        """Open now: a delivery round met ``SYNC_BREAKER_THRESHOLD`` failed batches in a row."""
        self.open_until = self.clock() + float(clerk_settings.SYNC_BREAKER_COOLDOWN)
        self.failures = 0

    def remaining(self) -> float:
        """Seconds until deliveries may be tried again (0 when closed)."""
        return max(0.0, self.open_until - self.clock())


class Deliverer:
    """The per-process delivery thread of ``SYNC_DELIVERY = "thread"``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wakeup = threading.Event()
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._requested = 0  # wake-ups asked for
        self._completed = 0  # wake-ups served by a finished round
        self.breaker = CircuitBreaker()

    def wake(self) -> None:
        """Deliver soon. Costs the caller an event set (and a thread start, once)."""
        thread = self._thread
        if thread is None or self._pid != os.getpid() or not thread.is_alive():
            self._start()
        with self._done:
            self._requested += 1
        self._wakeup.set()

    def _start(self) -> None:
        with self._lock:
            alive = self._thread is not None and self._thread.is_alive()
            if alive and self._pid == os.getpid():
                return
            # A forked child inherits the state but not the thread: start afresh.
            self._pid = os.getpid()
            self._wakeup = threading.Event()
            self.breaker = CircuitBreaker()
            self._thread = threading.Thread(
                target=self._run, name="django-clerk-delivery", daemon=True
            )
            self._thread.start()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until every wake-up so far was served by a delivery round (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        with self._done:
            target = self._requested
            while self._completed < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._done.wait(left)
        return True

    def _run(self) -> None:
        sleep: float | None = None
        while True:
            self._wakeup.wait(sleep)
            # Wake-ups meanwhile are served after the pause.
            time.sleep(max(self.breaker.remaining(), GATHER_SECONDS))
            self._wakeup.clear()
            with self._done:
                serving = self._requested
            sleep = self._round()
            with self._done:
                self._completed = max(self._completed, serving)
                self._done.notify_all()

    def _round(self) -> float | None:
        """Deliver what is due; return how long to sleep before the next retry is due."""
        try:
            report = delivery.deliver_due(
                max_transient_failures=int(clerk_settings.SYNC_BREAKER_THRESHOLD)
            )
            if report.stopped:
                self.breaker.trip()
            else:
                self.breaker.record(report.transient_failures > 0 and report.delivered == 0)
            # A change claimed by another delivery (or one that died) is ready only when its
            # claim runs out: waking before would poll the database for nothing.
            next_due = PendingChange.objects.filter(state=PendingChange.State.PENDING).next_ready()
        except Exception:  # the database, most likely: try again soon
            logger.exception("Clerk.io delivery round failed; changes stay pending")
            self.breaker.record(True)
            return ERROR_RETRY_SECONDS
        finally:
            connections.close_all()  # this thread's connections only
        if next_due is None:
            return None
        wait: float = (next_due - timezone.now()).total_seconds()
        return min(max(wait, 0.05), IDLE_RECHECK_SECONDS)


deliverer = Deliverer()
_started_in: int = 0  # the process whose first request started the delivery thread


def wake_on_first_request(**kwargs: Any) -> None:
    """``request_started``: once per process, start the delivery thread, so changes left
    pending by a restart (waiting for a retry, or recorded by a process that ended) are
    delivered without waiting for the next save in this process. Costs a request one
    comparison; the thread does the rest."""
    global _started_in
    if _started_in == os.getpid():
        return
    _started_in = os.getpid()
    if clerk_settings.SYNC_DELIVERY == "thread" and clerk_settings.REALTIME_SYNC:
        deliverer.wake()
