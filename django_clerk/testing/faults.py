"""Faults the fake Clerk API can be told to inject: errors, rate limits, hangs, refusals and
outages, each for the next requests that match (see :class:`FaultInjection`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

DOWN_MODES = ("close", "503")


@dataclass
class _Rule:
    """An injected fault: applies to the next ``remaining`` matching requests (None = all)."""

    kind: str  # "fail" | "rate_limit" | "error" | "hang"
    remaining: int | None
    path: str | None
    method: str | None
    options: dict[str, Any] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.path is None:
            return True
        wanted = self.path.strip("/")
        return path == wanted or path.startswith(wanted + "/")


class FaultInjection:
    """The fault-injection half of :class:`~django_clerk.testing.fake_api.FakeClerkAPI`."""

    _lock: threading.RLock
    _rules: list[_Rule]
    _refused: dict[str, dict[str, tuple[str, str | None]]]
    _down: str | None

    def fail_next(
        self, n: int = 1, status: int = 503, *, path: str | None = None, method: str | None = None
    ) -> None:
        """Answer the next ``n`` matching requests with ``status`` and an HTML body."""
        self._add_rule("fail", n, path, method, status=status)

    def rate_limit(
        self,
        n: int = 1,
        retry_after: float | str | None = 1,
        *,
        path: str | None = None,
        method: str | None = None,
    ) -> None:
        """Answer 429 with ``Retry-After: retry_after`` (seconds or an HTTP date)."""
        self._add_rule("rate_limit", n, path, method, retry_after=retry_after)

    def error_next(
        self,
        n: int | None = 1,
        type: str | None = "ParsingError",
        message: str | None = None,
        *,
        status: int | None = None,
        path: str | None = None,
        method: str | None = None,
    ) -> None:
        """Answer Clerk's error JSON to the next ``n`` matching requests (None = all).

        ``status`` defaults to the usual one for ``type`` (Clerk also answers errors with
        HTTP 200: pass ``status=200``); ``type=None`` sends an error without a type.
        """
        self._add_rule("error", n, path, method, type=type, message=message, status=status)

    def hang(
        self,
        seconds: float,
        n: int | None = None,
        *,
        path: str | None = None,
        method: str | None = None,
    ) -> None:
        """Wait ``seconds`` before handling the next ``n`` matching requests (None = all).

        After the wait the request is processed as usual (Clerk would too), unless the fake was
        reset or stopped meanwhile: then the connection is dropped.
        """
        self._add_rule("hang", n, path, method, seconds=float(seconds))

    def refuse(
        self,
        entity: str,
        ids: Iterable[Any],
        type: str = "ParsingError",
        message: str | None = None,
    ) -> None:
        """Refuse every upsert of ``entity`` holding one of ``ids`` with Clerk's error JSON
        (until :meth:`clear_faults`): a bad object spoils its whole batch, as with Clerk."""
        with self._lock:
            refused = self._refused.setdefault(entity, {})
            refused.update({str(i): (type, message) for i in ids})

    def go_down(self, mode: str = "close") -> None:
        """Simulate an outage: ``"close"`` drops connections unanswered, ``"503"`` answers 503."""
        if mode not in DOWN_MODES:
            raise ValueError(f"mode must be one of {DOWN_MODES}")
        with self._lock:
            self._down = mode

    def come_up(self) -> None:
        with self._lock:
            self._down = None

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()
            self._refused.clear()
            self._down = None

    def _add_rule(
        self, kind: str, n: int | None, path: str | None, method: str | None, **options: Any
    ) -> None:
        with self._lock:
            self._rules.append(_Rule(kind, n, path, method, options))

    def _take_rule(self, kinds: tuple[str, ...], method: str, path: str) -> _Rule | None:
        for rule in self._rules:
            if rule.kind in kinds and rule.matches(method, path):
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule
        return None
