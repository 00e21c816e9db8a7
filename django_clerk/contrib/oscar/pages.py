"""django.contrib.flatpages as Clerk's pages (type ``"cms"``): the current site's pages that
need no login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.db.models import QuerySet, Value
from rest_framework import serializers

from django_clerk import mapping


class PageSerializer(mapping.PageSerializer):
    type = mapping.ExpressionField(Value("cms"), output=str)
    url = mapping.AbsoluteURLField(source=None)  # the "url" column: a path, "/about/"
    text = serializers.CharField(source="content")

    class Meta:
        model = FlatPage
        fields = ["id", "type", "url", "title", "text"]

    @classmethod
    def get_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        pages: QuerySet[Any, Any] = FlatPage._default_manager.filter(registration_required=False)
        site = getattr(settings, "SITE_ID", None)
        return pages.filter(sites__id=site) if site is not None else pages
