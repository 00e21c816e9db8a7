"""HTTP for the Clerk.io client: JSON in/out, error mapping, retries, backoff, ``Retry-After``.

Transient failures (network error, timeout, HTTP 5xx, 408, 429, a non-JSON answer, Clerk's
``InternalError`` or an error of no known type, whatever the HTTP status: see
:func:`~django_clerk.client.errors.classify`) are retried with exponential backoff
(``backoff * 2**n`` seconds, at most :data:`MAX_BACKOFF`); when Clerk sends ``Retry-After``
(seconds or an HTTP date) that delay is used instead, capped at :data:`MAX_RETRY_AFTER` so one
header cannot park a worker for an hour. Clerk's refusals (``ParsingError``,
``AuthenticationError``, ``LogicalError``) are raised at once.

Bodies and query values are JSON-encoded here (:func:`to_json`): UUIDs become strings.
Functions that hold the private key in a local are marked with ``sensitive_variables``, and
no exception raised here chains one whose frames hold it, so Django's error reports (and
anything built on ``ExceptionReporter``) do not show it.

The private key travels in query strings for some calls (as the official extensions do), so
every text that may contain a URL is passed through :func:`redact` before it reaches a log
record or an exception, and urllib3's DEBUG request log is filtered the same way.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import timezone
from decimal import Decimal
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import requests
from django.utils.functional import Promise
from django.views.decorators.debug import sensitive_variables

from django_clerk import __version__
from django_clerk.client.errors import (
    AUTHENTICATION_ERROR,
    REFUSAL_STATUSES,
    ClerkError,
    ClerkTransientError,
    ClerkUnavailableError,
    error_class_for,
)

logger = logging.getLogger("django_clerk.client")

MAX_BACKOFF = 30.0
"""Longest exponential backoff between two attempts, in seconds."""
MAX_RETRY_AFTER = 60.0
"""Longest ``Retry-After`` honoured, in seconds; longer requests are shortened to this."""

USER_AGENT = f"django-clerkio/{__version__} python-requests/{requests.__version__}"
#: ``private_key=...`` and ``email=...`` (personal data, e.g. of a person Clerk is asked to
#: forget) in URLs and JSON, whose values are masked in every message and log line.
_PRIVATE_KEY_PARAM = re.compile(
    r"((?<![A-Za-z_])(?:private_key|email)(?:=|%3D|\"\s*:\s*\"|'\s*:\s*'))[^&\s'\"#)]*"
)
REDACTED = "***"


@sensitive_variables("text", "secrets", "secret", "form")
def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every ``private_key=...`` and ``email=...`` value and every given secret
    masked."""
    text = _PRIVATE_KEY_PARAM.sub(r"\1" + REDACTED, text)
    for secret in secrets:
        if not secret:
            continue
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, REDACTED)
    return text


class _RedactPrivateKeyFilter(logging.Filter):
    """Masks ``private_key=`` in urllib3's DEBUG line ``"GET /v2/...?private_key=... HTTP/1.1"``."""

    @sensitive_variables("record", "message")
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        if "private_key" in message or "email" in message:
            record.msg, record.args = redact(message), ()
        return True


_URLLIB3_FILTER = _RedactPrivateKeyFilter()
logging.getLogger("urllib3.connectionpool").addFilter(_URLLIB3_FILTER)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date).

    Returns ``None`` for a missing or unparseable header; a date in the past gives ``0.0``.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def backoff_delay(attempt: int, backoff: float, retry_after: float | None = None) -> float:
    """Seconds to sleep after failed attempt number ``attempt`` (0-based).

    ``Retry-After`` wins over the exponential backoff, capped at :data:`MAX_RETRY_AFTER`.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_RETRY_AFTER)
    return min(max(backoff, 0.0) * (2.0**attempt), MAX_BACKOFF)


def json_default(value: Any) -> Any:
    """JSON form of the values Python's encoder does not know: a UUID as its canonical string
    (an id), a Decimal as a float, a lazy translation as a string."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@sensitive_variables("value", "problem")
def to_json(value: Any) -> str:
    """``value`` as JSON (see :func:`json_default`). A value that cannot be encoded raises a
    ``TypeError`` that names its type only and chains nothing: the value may hold a key."""
    try:
        return json.dumps(value, default=json_default, allow_nan=False)
    except (TypeError, ValueError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    raise TypeError(f"Cannot send to Clerk.io: {problem}")


@sensitive_variables("params", "encoded", "value")
def encode_query(params: Mapping[str, Any]) -> dict[str, str]:
    """Query-string form of ``params``: lists, dicts and booleans JSON-encoded, ``None`` dropped.

    This is how Clerk's API reads structured GET parameters (``products=[1,2]``).
    """
    encoded: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset, dict, bool)):
            encoded[name] = to_json(list(value) if isinstance(value, tuple) else value)
        else:
            encoded[name] = str(value)
    return encoded


class Transport:
    """Sends one logical call to Clerk, retrying transient failures.

    :param session: a ``requests.Session`` to use (not closed by :meth:`close`); by default
        the transport owns one, so connections are kept alive between calls.
    :param sleep: the sleep function used between attempts (inject a fake one in tests).
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.sleep = sleep

    def close(self) -> None:
        if self._owns_session:
            self.session.close()

    @sensitive_variables("params", "json_body", "query", "body", "secrets")
    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        timeout: float,
        retries: int,
        backoff: float,
        secrets: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Call Clerk and return its ``{"status": "ok", ...}`` answer as a dict.

        :param retries: extra attempts after the first one for transient failures
            (``0`` = one attempt only).
        :param secrets: strings to mask in every log record and exception (the private key).
        :raises ClerkAPIError: Clerk answered an error that a retry cannot fix.
        :raises ClerkUnavailableError: every attempt failed with a transient error.
        """
        secrets = tuple(s for s in secrets if s)
        attempts = max(0, int(retries)) + 1
        query = encode_query(params) if params else None
        body = None if json_body is None else to_json(json_body).encode()
        last: ClerkError | None = None
        for attempt in range(attempts):
            try:
                return self._attempt(method, url, query, body, timeout, secrets, attempt, attempts)
            except ClerkError as exc:
                if not exc.retryable:
                    raise
                last = exc
            if attempt + 1 < attempts:
                delay = backoff_delay(attempt, backoff, getattr(last, "retry_after", None))
                logger.info(
                    "Clerk.io %s %s failed (%s); retry %d/%d in %.2fs",
                    method,
                    _path(url),
                    last,
                    attempt + 1,
                    attempts - 1,
                    delay,
                )
                self.sleep(delay)
        assert last is not None
        logger.warning(
            "Clerk.io %s %s failed after %d attempt(s): %s", method, _path(url), attempts, last
        )
        raise ClerkUnavailableError(
            f"Clerk.io unavailable after {attempts} attempt(s): {last.message}",
            type=last.type,
            status_code=last.status_code,
            more_info=last.more_info,
            error_id=last.error_id,
            retry_after=getattr(last, "retry_after", None),
            attempts=attempts,
        ) from last

    @sensitive_variables("query", "body", "secrets", "detail")
    def _attempt(
        self,
        method: str,
        url: str,
        query: dict[str, str] | None,
        body: bytes | None,
        timeout: float,
        secrets: tuple[str, ...],
        attempt: int,
        attempts: int,
    ) -> dict[str, Any]:
        path = _path(url)
        started = time.monotonic()
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if body is not None:
            headers["Content-Type"] = "application/json"
        # The failure is raised after the ``except`` blocks, so it chains no context: the
        # frames of requests' own exception hold the URL and the body, keys included.
        failure: ClerkTransientError | None = None
        try:
            response = self.session.request(
                method, url, params=query, data=body, timeout=timeout, headers=headers
            )
        except requests.Timeout:
            logger.debug("Clerk.io %s %s timed out after %ss", method, path, timeout)
            failure = ClerkTransientError(f"Clerk.io {method} {path} timed out after {timeout}s")
        except requests.RequestException as exc:
            detail = redact(f"{type(exc).__name__}: {exc}", secrets)
            logger.debug("Clerk.io %s %s failed: %s", method, path, detail)
            failure = ClerkTransientError(f"Could not reach Clerk.io ({method} {path}): {detail}")
        if failure is not None:
            raise failure
        logger.debug(
            "Clerk.io %s %s -> HTTP %s in %.0f ms (attempt %d/%d)",
            method,
            path,
            response.status_code,
            (time.monotonic() - started) * 1000,
            attempt + 1,
            attempts,
        )
        return _interpret(response, method, path, secrets)


def _path(url: str) -> str:
    """The path of ``url``: never the query string, which may hold keys."""
    return urlsplit(url).path


@sensitive_variables("secrets")
def _interpret(
    response: requests.Response, method: str, path: str, secrets: tuple[str, ...]
) -> dict[str, Any]:
    """The answer's JSON if it is a success, else the matching :class:`ClerkError`."""
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    try:
        decoded = response.json()
    except ValueError:
        decoded = None
    payload: dict[str, Any] | None = decoded if isinstance(decoded, dict) else None
    if payload is not None and payload.get("status") == "ok" and status < 400:
        return payload

    where = f"Clerk.io {method} {path}"
    if payload is None:
        message = f"{where} answered HTTP {status} without a JSON object"
        if status in (401, 403):
            raise error_class_for(AUTHENTICATION_ERROR)(
                message, type=AUTHENTICATION_ERROR, status_code=status
            )
        if status in REFUSAL_STATUSES:
            raise error_class_for(None)(message, status_code=status)
        raise ClerkTransientError(message, status_code=status, retry_after=retry_after)

    error_type = payload.get("type") if isinstance(payload.get("type"), str) else None
    message = redact(str(payload.get("message") or f"{where} failed (HTTP {status})"), secrets)
    if error_type is None and status in (401, 403):
        error_type = AUTHENTICATION_ERROR
    more_info, error_id = _opt_str(payload.get("moreInfo")), _opt_str(payload.get("id"))
    error = error_class_for(error_type)(
        message, type=error_type, status_code=status, more_info=more_info, error_id=error_id
    )
    if status in (408, 429) or error.retryable:  # see errors.classify
        raise ClerkTransientError(
            message,
            type=error_type,
            retry_after=retry_after,
            status_code=status,
            more_info=more_info,
            error_id=error_id,
        )
    raise error


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
