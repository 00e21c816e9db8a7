from django.db import models
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from django_clerk.contrib.wagtail.blocks import ClerkPlacementBlock


class HomePage(Page):
    template = "wagtailshop/page.html"


class ArticlePage(Page):
    intro = models.CharField(max_length=250, blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock()),
            ("paragraph", blocks.RichTextBlock()),
            ("clerk", ClerkPlacementBlock()),
        ],
        blank=True,
    )

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    template = "wagtailshop/article_page.html"


class LandingPage(Page):
    summary = RichTextField(blank=True)

    search_fields = [*Page.search_fields, index.SearchField("summary")]
    template = "wagtailshop/page.html"
