"""Exceptions raised by :class:`django_clerk.client.ClerkClient`.

Hierarchy::

    ClerkError
    ├── ClerkAPIError               Clerk answered ``{"status": "error", "type": ...}``
    │   └── ClerkAuthenticationError    ... with ``type == "AuthenticationError"``
    └── ClerkTransientError         network error, timeout, 5xx, 429, non-JSON answer
        └── ClerkUnavailableError       raised once the retries are exhausted

Messages never contain the private key: the transport redacts every text it puts into
an exception (see :func:`django_clerk.client.transport.redact`).

What a failure means for a caller that can try again later (the real-time sync, the full
sync) is decided here, in :func:`classify`, and nowhere else:

* :attr:`Failure.TRANSIENT`: network errors, timeouts, HTTP 5xx, 408, 429, a non-JSON answer,
  and Clerk's error JSON with type ``InternalError`` or a missing or unknown type, whatever the
  HTTP status (Clerk answers ``{"status": "error"}`` with HTTP 200 during incidents). Retry
  later, forever.
* :attr:`Failure.REFUSED`: ``ParsingError`` or ``LogicalError``: Clerk refuses what was sent.
  A batch is split to find the objects at fault; those are kept as failed.
* :attr:`Failure.CONFIGURATION`: ``AuthenticationError``: the store's keys are wrong. Nothing
  about the objects is wrong: they wait (and are retried) until the keys are fixed.
"""

from __future__ import annotations

import enum
from typing import Any

AUTHENTICATION_ERROR = "AuthenticationError"
PARSING_ERROR = "ParsingError"
LOGICAL_ERROR = "LogicalError"
INTERNAL_ERROR = "InternalError"

#: Clerk error types that no retry can fix.
PERMANENT_TYPES = frozenset({AUTHENTICATION_ERROR, PARSING_ERROR, LOGICAL_ERROR})
#: Clerk error types that refuse the data sent (one bad object spoils its batch).
REFUSAL_TYPES = frozenset({PARSING_ERROR, LOGICAL_ERROR})
#: HTTP statuses without a Clerk error JSON that refuse the request itself.
REFUSAL_STATUSES = frozenset({413})


class Failure(enum.Enum):
    """What a failed call means for a caller that can try again later."""

    TRANSIENT = "transient"
    REFUSED = "refused"
    CONFIGURATION = "configuration"


class ClerkError(Exception):
    """Base class of every error of the Clerk.io API client.

    :param message: human readable text (Clerk's ``message`` when Clerk sent one).
    :param type: Clerk's error ``type`` (``AuthenticationError``, ``ParsingError``,
        ``LogicalError``, ``InternalError``) or ``None`` when Clerk did not say.
    :param status_code: HTTP status of the answer, ``None`` when there was no answer.
    :param more_info: Clerk's ``moreInfo`` (usually a documentation URL).
    :param error_id: Clerk's error ``id``, useful when contacting Clerk's support.
    """

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        status_code: int | None = None,
        more_info: str | None = None,
        error_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.status_code = status_code
        self.more_info = more_info
        self.error_id = error_id

    @property
    def retryable(self) -> bool:
        """Whether sending the same request again later may succeed (see :func:`classify`)."""
        return classify(self) is Failure.TRANSIENT

    def __str__(self) -> str:
        parts = [self.message]
        if self.type:
            parts.insert(0, f"[{self.type}]")
        if self.status_code is not None:
            parts.append(f"(HTTP {self.status_code})")
        if self.error_id:
            parts.append(f"(error id {self.error_id})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, type={self.type!r}, "
            f"status_code={self.status_code!r})"
        )


class ClerkAPIError(ClerkError):
    """Clerk answered with an error JSON (``status != "ok"``), or refused the request.

    Retryable unless its type is one of the permanent ones (a ``ParsingError``,
    ``AuthenticationError`` or ``LogicalError`` will fail again) or the HTTP status refuses
    the request itself (413): an ``InternalError``, or an error Clerk gave no known type, may
    pass later, whatever the HTTP status.
    """


class ClerkAuthenticationError(ClerkAPIError):
    """Clerk refused the keys or the token (``type == "AuthenticationError"``)."""


class ClerkTransientError(ClerkError):
    """Clerk could not be reached or answered in a way a later retry may fix.

    :param retry_after: seconds Clerk asked us to wait (``Retry-After``), if any.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return True


class ClerkUnavailableError(ClerkTransientError):
    """Every attempt failed with a transient error; Clerk is considered unavailable.

    Still :attr:`retryable`: a caller with a queue (the real-time sync) should try again
    later, a caller in a request (the feed's token check) should answer 503.

    :param attempts: how many HTTP attempts were made.
    """

    def __init__(self, message: str, *, attempts: int = 1, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.attempts = attempts


def error_class_for(type_: str | None) -> type[ClerkAPIError]:
    """The :class:`ClerkAPIError` subclass matching Clerk's error ``type``."""
    return ClerkAuthenticationError if type_ == AUTHENTICATION_ERROR else ClerkAPIError


def classify(error: BaseException | None) -> Failure:
    """What ``error`` (raised by the client) means: see :class:`Failure`; ``None`` (a failure
    without an error to tell) is transient.

    Anything that is not a refusal or a key problem is transient: nothing is given up because
    of a failure a later attempt may not meet.
    """
    if not isinstance(error, ClerkError) or isinstance(error, ClerkTransientError):
        return Failure.TRANSIENT
    if error.type == AUTHENTICATION_ERROR or isinstance(error, ClerkAuthenticationError):
        return Failure.CONFIGURATION
    if error.type in REFUSAL_TYPES:
        return Failure.REFUSED
    if error.type is None and error.status_code in REFUSAL_STATUSES:
        return Failure.REFUSED
    return Failure.TRANSIENT
