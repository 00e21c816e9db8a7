"""django-filter FilterSets of the feeds: ``modified_after`` and the ``start_date``/``end_date``
window, built from the serializer's ``Meta.modified_field`` and ``Meta.date_field``.

Times are a UNIX timestamp (``1700000000``, decimals allowed) or ISO 8601 (``2024-05-01``,
``2024-05-01T12:00:00+02:00``; without an offset, the current time zone). A bare date as
``end_date`` includes that whole day.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django_filters.rest_framework import DjangoFilterBackend

TIME_HELP = "Enter a UNIX timestamp or an ISO 8601 date or date-time."
TIME_PARAMETERS = ("modified_after", "start_date", "end_date")


def parse_time(value: str) -> datetime.datetime | datetime.date | None:
    """A UNIX timestamp or ISO 8601 text as an aware datetime (or a date); ``None`` if neither."""
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        if seconds != seconds or abs(seconds) > 253402300799:  # NaN, or past year 9999
            return None
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    try:
        day = parse_date(value)  # a bare date first: parse_datetime would take it as midnight
        if day is not None:
            return day
        moment = parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. month 13
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class TimeField(forms.Field):
    """A form field for :func:`parse_time`."""

    default_error_messages = {"invalid": TIME_HELP}

    def to_python(self, value: Any) -> datetime.datetime | datetime.date | None:
        if value in self.empty_values:
            return None
        parsed = parse_time(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class TimeFilter(django_filters.Filter):
    """Objects whose ``field_name`` is after (``bound="after"``), from (``"start"``) or up to
    (``"end"``) the given time; a date as ``end`` bound includes the whole day."""

    field_class = TimeField

    def __init__(self, *, bound: str, **kwargs: Any) -> None:
        self.bound = bound
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value is None:
            return qs
        lookup = {"after": "gt", "start": "gte", "end": "lte"}[self.bound]
        if not isinstance(value, datetime.datetime):
            day = timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
            if self.bound == "end":
                day, lookup = day + datetime.timedelta(days=1), "lt"
            value = day
        return qs.filter(**{f"{self.field_name}__{lookup}": value})


@lru_cache(maxsize=32)
def filterset_for(serializer: type) -> type[django_filters.FilterSet]:
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
    """Filters from the view's parameters (query string and, for POSTs, the JSON body)."""

    def get_filterset_class(self, view: Any, queryset: QuerySet | None = None):
        return filterset_for(view.serializer_class)

    def get_filterset_kwargs(self, request: Any, queryset: QuerySet, view: Any) -> dict[str, Any]:
        data = {name: str(view.params[name]) for name in TIME_PARAMETERS if name in view.params}
        return {"data": data, "queryset": queryset, "request": request}
