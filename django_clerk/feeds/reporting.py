"""Error reports of feed requests without their secrets.

A feed request carries secrets: ``private_key`` (and the public ``key``) in its query string
or body, ``X-Clerk-Authorization: Bearer TOKEN``. Django's error reports (the e-mail of
``AdminEmailHandler``, the technical 500 page) show a request's GET and POST parameters, its
headers, its URL and the local variables of every frame. So every request a feed view
handles carries :class:`FeedExceptionReporterFilter` (``request.exception_reporter_filter``),
and what the feed views log goes with :func:`redacted_request`, a copy of the request whose
URL, query string, headers and body hold no secret: Django's reporter reads ``request.GET``
and the URL without asking the filter.

Secrets are the values of the parameters and headers whose name matches :data:`SENSITIVE`
(``key``, ``private_key``, ``token``, ``password``, ``Authorization``...), the private keys
of ``settings.CLERK``, and the private key of the store the request authenticated as. They
are hidden wherever they appear in a report: parameters, headers, URL, frame
variables (whatever their name), exception messages.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
from collections.abc import Callable, ItemsView, Iterable, Mapping
from pprint import pformat
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.template.response import SimpleTemplateResponse
from django.utils.datastructures import MultiValueDict
from django.utils.log import log_response
from django.views.debug import SafeExceptionReporterFilter
from rest_framework.request import Empty, Request

from django_clerk.conf import clerk_settings
from django_clerk.feeds.errors import internal_error_response

logger = logging.getLogger("django_clerk.feeds")

#: Names of parameters, headers and variables whose values are secret.
SENSITIVE = re.compile(r"KEY|TOKEN|SECRET|PASS|SIGNATURE|AUTH|COOKIE|SESSION|CSRF", re.I)
#: Shorter values are hidden where their name says so, not searched for everywhere.
MIN_SECRET_LENGTH = 4
SUBSTITUTE = SafeExceptionReporterFilter.cleansed_substitute


class Shown:
    """A frame variable as the report shows it: its ``repr``, already redacted."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class FeedExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's safe filter, always on, that also hides the feed credentials of the request.

    ``drf_request`` gives access to the parsed body and the authenticated store.
    """

    def __init__(self, request: HttpRequest | None = None, drf_request: Request | None = None):
        self.request = request
        self.drf_request = drf_request
        self._store_keys_of: tuple[Any, list[str]] = (None, [])

    def is_active(self, request: HttpRequest | None) -> bool:
        return True  # with DEBUG too: the secrets are a store's, not the developer's

    # -- what is secret ----------------------------------------------------------------------
    def secrets(self) -> list[str]:
        """The secret values this request holds, longest first (hide ``abcd`` before ``ab``)."""
        found: set[str] = set()
        request = self.request
        if request is not None:
            found.update(_sensitive_values(_query_pairs(request.META.get("QUERY_STRING", ""))))
            found.update(_raw_query_values(request.META.get("QUERY_STRING", "")))
            for name, value in request.META.items():
                if isinstance(value, str) and SENSITIVE.search(name):
                    _scheme, _, credential = value.strip().partition(" ")  # "Bearer TOKEN"
                    found.update({value, credential.strip()})
            post = request.__dict__.get("_post")
            if post is not None:
                found.update(_sensitive_values(_pairs(post)))
        found.update(_sensitive_values(_pairs(self.parsed_body())))
        found.update(_configured_keys())
        found.update(self._store_keys())
        variants = {form for value in found for form in (value, quote(value), quote_plus(value))}
        return sorted(
            (value for value in variants if len(value) >= MIN_SECRET_LENGTH), key=len, reverse=True
        )

    def parsed_body(self) -> Any:
        data = getattr(self.drf_request, "_full_data", Empty)
        return None if data is Empty else data

    def _store_keys(self) -> list[str]:
        """The private key of the store the request authenticated as (read once a report)."""
        store = getattr(self.drf_request, "_auth", None)
        if store is None or self._store_keys_of[0] is store:
            return self._store_keys_of[1]
        try:
            key = store.credentials().private_key
        except Exception:  # a report must never fail for it (e.g. the database is down)
            key = ""
        self._store_keys_of = (store, [key] if isinstance(key, str) and key else [])
        return self._store_keys_of[1]

    def redact(self, text: str, secrets: Iterable[str] | None = None) -> str:
        for secret in self.secrets() if secrets is None else secrets:
            if secret in text:
                text = text.replace(secret, SUBSTITUTE)
        return text

    # -- SafeExceptionReporterFilter ---------------------------------------------------------
    def get_safe_request_meta(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None:
            return {}
        meta = super().get_safe_request_meta(request)
        secrets = self.secrets()
        for name, value in meta.items():
            if name == "QUERY_STRING" and isinstance(value, str):
                meta[name] = redacted_query(value)
            elif isinstance(value, str):
                meta[name] = self.redact(value, secrets)
        return meta

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        data = self.parsed_body()
        if data is None and request is not None:
            data = request.__dict__.get("_post")  # never parse a body for a report
        if isinstance(data, MultiValueDict):
            return {name: cleansed(name, data.getlist(name)) for name in data}
        if isinstance(data, Mapping):
            return {str(name): cleansed(str(name), value) for name, value in data.items()}
        return {} if data is None else {"(body)": Shown(self.redact(_shown(data)))}

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> ItemsView[str, Any]:
        secrets = self.secrets()
        shown: dict[str, Any] = {}
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if value is self.cleansed_substitute or (
                SENSITIVE.search(name) and isinstance(value, str | bytes)
            ):
                shown[name] = SUBSTITUTE
            else:
                if isinstance(value, MultiValueDict):
                    value = {key: cleansed(key, value.getlist(key)) for key in value}
                elif isinstance(value, Mapping):
                    value = cleansed("", value)
                shown[name] = Shown(self.redact(_shown(value), secrets))
        return shown.items()


def cleansed(name: str, value: Any) -> Any:
    """``value`` with the entries whose name is sensitive hidden, at any depth."""
    if SENSITIVE.search(name):
        return SUBSTITUTE
    if isinstance(value, Mapping):
        return {str(key): cleansed(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [cleansed("", item) for item in value]
    return value


def redacted_query(query: str) -> str:
    """A query string with the values of sensitive parameters hidden."""
    pairs = _query_pairs(query)
    if not any(SENSITIVE.search(name) for name, _value in pairs):
        return query
    return urlencode([(n, SUBSTITUTE if SENSITIVE.search(n) else v) for n, v in pairs], safe="*")


def install(request: HttpRequest, drf_request: Request) -> FeedExceptionReporterFilter:
    """Put the filter on ``request``: Django's reporters then use it for this request."""
    reporter_filter = FeedExceptionReporterFilter(request, drf_request)
    request.exception_reporter_filter = reporter_filter
    return reporter_filter


def reporter_filter_of(request: HttpRequest | None) -> FeedExceptionReporterFilter:
    found = getattr(request, "exception_reporter_filter", None)
    if isinstance(found, FeedExceptionReporterFilter):
        return found
    return FeedExceptionReporterFilter(request)


def redacted_request(request: HttpRequest) -> HttpRequest:
    """A copy of ``request`` for log records: URL, query string, headers and body hidden
    where they hold secrets; reports made from it use the request's filter."""
    reporter_filter = reporter_filter_of(request)
    shown = copy.copy(request)
    shown.META = reporter_filter.get_safe_request_meta(request)
    try:
        shown.GET = QueryDict(shown.META.get("QUERY_STRING", ""))
    except Exception:  # e.g. more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        shown.GET = QueryDict()
    shown.COOKIES = reporter_filter.get_safe_cookies(request)
    # The parsed body's attributes, private to HttpRequest (the stubs leave them out).
    shown._post, shown._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
    shown.exception_reporter_filter = reporter_filter
    return shown


def redact_exception(exc: BaseException, reporter_filter: FeedExceptionReporterFilter) -> None:
    """Hide secrets in the messages of ``exc`` and of the exceptions it was raised from."""
    secrets = reporter_filter.secrets()
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        with contextlib.suppress(Exception):  # an exception class with read-only args
            current.args = tuple(
                reporter_filter.redact(arg, secrets) if isinstance(arg, str) else arg
                for arg in current.args
            )
        current = current.__cause__ or current.__context__


def report_unexpected(exc: BaseException, request: HttpRequest, view: Any) -> None:
    """Log an unexpected exception of a feed view, the request and exception redacted."""
    redact_exception(exc, reporter_filter_of(request))
    logger.error(
        "Feed %s failed for %s",
        type(view).__name__,
        getattr(view, "entity", "") or "-",
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": redacted_request(request)},
    )


def log_feed_response(response: Any, request: HttpRequest, exception: Any = None) -> None:
    """What Django logs of an error response (``django.request``), with the redacted request:
    Django's own record would carry the query string and its private key."""
    if response.status_code >= 400 and not getattr(response, "_has_been_logged", False):
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=redacted_request(request),
            exception=exception,
        )


def _pairs(data: Any) -> list[tuple[str, Any]]:
    if isinstance(data, MultiValueDict):
        return [(str(name), value) for name, values in data.lists() for value in values]
    if isinstance(data, Mapping):
        return [(str(name), value) for name, value in data.items()]
    return []


def _query_pairs(query: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(query, keep_blank_values=True)
    except ValueError:
        return []


def _raw_query_values(query: str) -> set[str]:
    """The still-encoded values of sensitive parameters, as they appear in the URL."""
    values = set()
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if value and SENSITIVE.search(name):
            values.add(value)
    return values


def _sensitive_values(pairs: Iterable[tuple[str, Any]]) -> set[str]:
    found: set[str] = set()
    for name, value in pairs:
        if isinstance(value, Mapping):
            found.update(_sensitive_values(_pairs(value)))
        elif SENSITIVE.search(name) and isinstance(value, str | int):
            found.add(str(value))
    return found


def _configured_keys() -> set[str]:
    """The private keys of ``settings.CLERK``: they may turn up in any frame variable."""
    found = {clerk_settings.PRIVATE_KEY}
    stores = clerk_settings.STORES
    if isinstance(stores, Mapping):
        for options in stores.values():
            if isinstance(options, Mapping):
                found.add(options.get("PRIVATE_KEY"))
    return {value for value in found if isinstance(value, str) and value}


def _shown(value: Any) -> str:
    """How Django's reporter shows a value (its ``pprint`` filter)."""
    try:
        return pformat(value)
    except Exception as exc:
        return f"Error in formatting: {exc.__class__.__name__}: {exc}"


def respond_safely(
    view: Any,
    dispatch: Callable[..., HttpResponseBase],
    request: HttpRequest,
    *args: Any,
    **kwargs: Any,
) -> HttpResponseBase:
    """``dispatch(request)`` of a feed view, its response rendered: whatever fails, rendering
    included, is a JSON 500; an unexpected exception and error responses are logged with
    the redacted request. The view's exception handler leaves its unexpected exception in
    ``view.unexpected_exception``."""
    try:
        response = dispatch(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
    except Exception as exc:
        view.unexpected_exception = exc
        response = internal_error_response()
    unexpected = getattr(view, "unexpected_exception", None)
    if unexpected is not None:
        report_unexpected(unexpected, request, view)
    log_feed_response(response, request, unexpected)
    return response
