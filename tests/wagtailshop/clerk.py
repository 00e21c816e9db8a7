"""The Wagtail site's mapping: its pages next to the example shop's own pages."""

from rest_framework import serializers

from django_clerk.contrib.wagtail.serializers import WagtailPageSerializer
from tests.wagtailshop.models import ArticlePage


class CmsPageSerializer(WagtailPageSerializer):
    """Every Wagtail page, as ids "cms-<pk>"."""

    class Meta(WagtailPageSerializer.Meta):
        id_prefix = "cms-"


class ArticleSerializer(WagtailPageSerializer):
    """Articles only, as Clerk pages of type "blog" whose text is their intro, with their
    headings as keywords."""

    page_types = ["wagtailshop.ArticlePage"]
    text_fields = ["intro"]
    keywords = serializers.SerializerMethodField()

    class Meta(WagtailPageSerializer.Meta):
        fields = [*WagtailPageSerializer.Meta.fields, "keywords"]
        id_prefix = "article-"

    def get_type(self, page):
        return "blog"

    def get_keywords(self, page):
        return [block.value for block in page.body if block.block_type == "heading"]


class OtherPagesSerializer(WagtailPageSerializer):
    """Home and landing pages, as ids "page-<pk>"."""

    page_types = ["wagtailshop.HomePage", "wagtailshop.LandingPage"]

    class Meta(WagtailPageSerializer.Meta):
        id_prefix = "page-"


class MistypedSerializer(WagtailPageSerializer):
    """Page types that are not Wagtail page models (the system checks report them)."""

    page_types = ["shop.Product", "wagtailshop.Nope", ArticlePage]

    class Meta(WagtailPageSerializer.Meta):
        id_prefix = "typo-"
