"""The Wagtail site's mapping: its pages next to the example shop's own pages."""

from django_clerk.contrib.wagtail.serializers import WagtailPageSerializer
from tests.wagtailshop.models import ArticlePage


class CmsPageSerializer(WagtailPageSerializer):
    """Every Wagtail page, as ids "cms-<pk>"."""

    class Meta(WagtailPageSerializer.Meta):
        id_prefix = "cms-"


class ArticleSerializer(WagtailPageSerializer):
    """Articles only, as Clerk pages of type "blog" whose text is their intro."""

    page_types = ["wagtailshop.ArticlePage"]
    text_fields = ["intro"]

    def get_type(self, page):
        return "blog"

    class Meta(WagtailPageSerializer.Meta):
        id_prefix = "article-"


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
