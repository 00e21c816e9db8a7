"""django-filter FilterSets of the feeds: ``modified_after`` and the ``start_date``/``end_date``
window, built from the serializer's ``Meta.modified_field`` and ``Meta.date_field``.

Times are a UNIX timestamp (``1700000000``, decimals allowed) or ISO 8601 (``2024-05-01``,
``2024-05-01T12:00:00+02:00``; without an offset, the current time zone). A bare date as
``end_date`` includes that whole day. :func:`parse_time` is the one parser of them: anything
malformed, or outside :data:`EARLIEST`..:data:`LATEST` once in UTC, is a 400 naming the
parameter, never an overflow further down.
"""

from __future__ import annotations

import datetime
import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django_filters.rest_framework import DjangoFilterBackend

from django_clerk.feeds.errors import BadParameter

if TYPE_CHECKING:
    from django_clerk.mapping.serializers import ClerkSerializer

TIME_HELP = "Enter a UNIX timestamp or an ISO 8601 date or date-time."
TIME_PARAMETERS = ("modified_after", "start_date", "end_date")
#: The times a feed filters on, in UTC: a day short of ``datetime``'s limits at both ends,
#: so no time zone conversion (Python's or the database's) can overflow.
EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.timezone.utc)
LATEST = datetime.datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)
OUT_OF_RANGE = "must be between 0001-01-02 and 9999-12-30 (UTC)."
#: Where a bare date puts the bound: its first instant, or its last one for an ``end``.
BOUNDS = ("after", "start", "end")


def parse_time(name: str, value: Any, bound: str = "start") -> datetime.datetime:
    """The parameter ``name`` as an aware datetime in UTC: a UNIX timestamp or ISO 8601 text.

    A bare date is its first instant in the current time zone, or its last one when
    ``bound`` is ``"end"``. :raises BadParameter: malformed, or out of range.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 64:
            raise BadParameter(name, OUT_OF_RANGE)
        value = str(value)
    elif isinstance(value, float):
        value = repr(value)
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 64:
        raise BadParameter(name, TIME_HELP)
    try:
        seconds = float(text)
    except ValueError:
        moment = _parse_iso(name, text, bound)
    else:
        if not math.isfinite(seconds):
            raise BadParameter(name, OUT_OF_RANGE)
        try:
            moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise BadParameter(name, OUT_OF_RANGE) from None
    if not EARLIEST <= moment <= LATEST:
        raise BadParameter(name, OUT_OF_RANGE)
    return moment


def _parse_iso(name: str, text: str, bound: str) -> datetime.datetime:
    """ISO 8601 text in UTC; a date and a naive time are read in the current time zone."""
    try:
        day = parse_date(text)  # a bare date first: parse_datetime would take it as midnight
        moment: datetime.datetime | None
        if day is not None:
            moment = datetime.datetime.combine(
                day, datetime.time.max if bound == "end" else datetime.time.min
            )
        else:
            moment = parse_datetime(text)
        if moment is None:
            raise BadParameter(name, TIME_HELP)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError):  # impossible (month 13, offset +25:00) or past year 1
        raise BadParameter(name, OUT_OF_RANGE if _looks_iso(text) else TIME_HELP) from None


def _looks_iso(text: str) -> bool:
    try:
        return parse_date(text[:10]) is not None
    except ValueError:
        return False


class TimeField(forms.Field):
    """A form field for :func:`parse_time`; ``bound`` places a bare date in its day."""

    default_error_messages = {"invalid": TIME_HELP}

    def __init__(self, *, bound: str = "start", **kwargs: Any) -> None:
        self.bound = bound
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        try:
            return parse_time("", value, self.bound)
        except BadParameter as exc:
            message = str(exc.detail).removeprefix(": ")
            raise forms.ValidationError(message, code="invalid") from None


class TimeFilter(django_filters.Filter):
    """Objects whose ``field_name`` is after (``bound="after"``), from (``"start"``) or up to
    (``"end"``) the given time; a date as ``end`` bound includes the whole day."""

    field_class = TimeField

    def __init__(self, *, bound: str, **kwargs: Any) -> None:
        if bound not in BOUNDS:
            raise ValueError(f"bound must be one of {BOUNDS}, not {bound!r}")
        self.bound = bound
        super().__init__(bound=bound, **kwargs)

    def filter(self, qs: QuerySet[Any, Any], value: Any) -> QuerySet[Any, Any]:
        if value is None:
            return qs
        lookup = {"after": "gt", "start": "gte", "end": "lte"}[self.bound]
        return qs.filter(**{f"{self.field_name}__{lookup}": value})


@lru_cache(maxsize=32)
def filterset_for(serializer: type[ClerkSerializer]) -> type[django_filters.FilterSet]:
    """The FilterSet of a serializer: what its ``Meta`` says the model can be filtered on."""
    meta = serializer.Meta
    declared: dict[str, Any] = {}
    modified = getattr(meta, "modified_field", None)
    if modified:
        declared["modified_after"] = TimeFilter(field_name=modified, bound="after")
    dated = getattr(meta, "date_field", None)
    if dated:
        declared["start_date"] = TimeFilter(field_name=dated, bound="start")
        declared["end_date"] = TimeFilter(field_name=dated, bound="end")
    declared["Meta"] = type("Meta", (), {"model": meta.model, "fields": []})
    return type(f"{serializer.__name__}FeedFilterSet", (django_filters.FilterSet,), declared)


class FeedFilterBackend(DjangoFilterBackend):
    """Filters from the view's parameters (query string and, for POSTs, the JSON body).

    Every time parameter is checked by :func:`parse_time` first, whether or not the entity
    filters on it, so a bad value is the same 400 on every feed.
    """

    def get_filterset_class(
        self, view: Any, queryset: QuerySet[Any, Any] | None = None
    ) -> type[django_filters.FilterSet]:
        return filterset_for(view.serializer_class)

    def get_filterset_kwargs(
        self, request: Any, queryset: QuerySet[Any, Any], view: Any
    ) -> dict[str, Any]:
        data = {}
        for name in TIME_PARAMETERS:
            if name in view.params and view.params[name] not in (None, ""):
                parse_time(name, view.params[name])
                data[name] = view.params[name]
        return {"data": data, "queryset": queryset, "request": request}
