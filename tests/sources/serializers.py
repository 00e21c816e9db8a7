"""Two sources of Clerk's pages in the example shop's one ``Page`` table: CMS pages (ids
without a prefix, sent as text) and blog posts (``"blog-<pk>"``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from shop.models import Page

from django_clerk import mapping


class CmsPageSerializer(mapping.PageSerializer):
    type = serializers.CharField(source="kind")
    text = serializers.CharField(source="body")
    url = mapping.AbsoluteURLField(view_name="shop:page", lookup_field="slug")

    class Meta:
        model = Page
        fields = ["id", "type", "url", "title", "text"]
        modified_field = "updated_at"

    @classmethod
    def get_queryset(cls, store: Any) -> Any:
        return Page.objects.filter(kind=Page.Kind.CMS, is_published=True)

    @classmethod
    def holds(cls, instance: Any) -> bool:
        return instance.kind == Page.Kind.CMS


class BlogPostSerializer(CmsPageSerializer):
    url = mapping.AbsoluteURLField(view_name="shop:blog_post", lookup_field="slug")

    class Meta(CmsPageSerializer.Meta):
        id_prefix = "blog-"

    @classmethod
    def get_queryset(cls, store: Any) -> Any:
        return Page.objects.filter(kind=Page.Kind.BLOG, is_published=True)

    @classmethod
    def holds(cls, instance: Any) -> bool:
        return instance.kind == Page.Kind.BLOG


SOURCES = [
    "tests.sources.serializers.CmsPageSerializer",
    "tests.sources.serializers.BlogPostSerializer",
]
