"""What the fake Clerk API records of each request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REDACTED = "********"


@dataclass
class RecordedRequest:
    """One request the fake received. ``path`` is relative to ``/v2/`` (``"token/verify"``).

    ``status`` is the HTTP status answered, ``None`` when the connection was dropped.
    """

    method: str
    path: str
    query: dict[str, Any]
    json: Any
    headers: dict[str, str]
    time: float
    status: int | None = None

    @property
    def params(self) -> dict[str, Any]:
        """Query and JSON body merged, the body winning (what Clerk reads)."""
        body = self.json if isinstance(self.json, dict) else {}
        return {**self.query, **body}

    @property
    def store(self) -> str | None:
        """The public ``key`` the request named, if any."""
        key = self.params.get("key")
        return key if isinstance(key, str) and key else None

    def as_json(self) -> dict[str, Any]:
        """The request as JSON-ready data, private keys redacted."""
        return {
            "method": self.method,
            "path": self.path,
            "store": self.store,
            "query": redact(self.query),
            "json": redact(self.json),
            "status": self.status,
            "time": self.time,
        }


def redact(value: Any) -> Any:
    """``value`` with every ``private_key`` replaced by :data:`REDACTED`."""
    if isinstance(value, dict):
        return {k: REDACTED if k == "private_key" else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value
