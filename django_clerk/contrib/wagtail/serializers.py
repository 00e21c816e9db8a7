"""The pages source: Wagtail pages as Clerk's ``pages`` entity.

Served: pages that are live, public (no view restriction on them or above them) and
routable (under a Site's root page), of the Wagtail locale of the store's language (see
:mod:`~django_clerk.contrib.wagtail.locales`), read as their specific page class (one query
per page type on a feed page). Each object is::

    {"id": 12, "type": "blogpage", "url": "https://…/blog/hello/", "title": "Hello",
     "text": "…"}

Subclass :class:`WagtailPageSerializer` to change any of it::

    class BlogSerializer(WagtailPageSerializer):
        page_types = ["blog.BlogPage"]      # only these page models (and their subclasses)
        text_fields = ["intro", "body"]     # the first of them that holds text

        def get_type(self, page):
            return "blog"

        class Meta(WagtailPageSerializer.Meta):
            id_prefix = "blog-"             # next to other page sources
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, ClassVar

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.html import strip_tags
from rest_framework import serializers
from wagtail.models import Page, Site
from wagtail.search import index

from django_clerk.contrib.wagtail import checks  # noqa: F401  (registers the checks)
from django_clerk.contrib.wagtail.locales import ALL_LOCALES, store_content_language
from django_clerk.mapping import PageSerializer

SPACES = re.compile(r"\s+")


def routable_condition() -> Q:
    """Pages under the root page of a Wagtail Site (or of a translation of one): the pages
    that have a URL. Read from Wagtail's cached list of site root paths."""
    condition = Q(pk__in=[])
    for root in Site.get_site_root_paths():
        condition |= Q(url_path__startswith=root.root_path)
    return condition


def plain_text(value: Any) -> str:
    """A field's value as one line of text: a list (Wagtail's searchable content of a
    StreamField or rich text) joined, HTML tags removed, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return SPACES.sub(" ", " ".join(plain_text(item) for item in value)).strip()
    return SPACES.sub(" ", strip_tags(str(value))).strip()


class WagtailPageSerializer(PageSerializer):
    """Wagtail pages as Clerk pages: ``id``, ``type``, ``url``, ``title``, ``text``."""

    #: Page models served (``"app_label.ModelName"`` or classes, subclasses included);
    #: empty: every page type.
    page_types: ClassVar[Sequence[str | builtins.type[Any]]] = ()
    #: Attributes whose text becomes ``text``, the first that holds any; ``None``: the
    #: page's ``search_description``, else the text of the ``index.SearchField`` entries its
    #: model declares in ``search_fields`` (all but ``title``).
    text_fields: ClassVar[Sequence[str] | None] = None
    #: Marks the class as a Wagtail page source (its signals and checks find it by it).
    wagtail_page_source: ClassVar[bool] = True
    #: ``url`` from the Wagtail Site's root URL (``Site.root_url``) instead of the store's
    #: base URL (``Store.base_url``, then ``CLERK["BASE_URL"]``).
    use_site_root_url: ClassVar[bool] = False

    type = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta:
        model = Page
        fields = ["id", "type", "url", "title", "text"]
        modified_field = "last_published_at"

    # -- which pages ------------------------------------------------------------------------
    @classmethod
    def page_models(cls) -> list[builtins.type[Any]]:
        """The page models of :attr:`page_types`, as classes."""
        return [apps.get_model(t) if isinstance(t, str) else t for t in cls.page_types]

    @classmethod
    def get_queryset(cls, store: Any) -> QuerySet[Any, Any]:
        queryset = Page.objects.live().public().filter(routable_condition())
        models = cls.page_models()
        if models:
            queryset = queryset.type(*models)
        language = store_content_language(store)
        if language is not ALL_LOCALES:
            queryset = queryset.filter(locale__language_code=language)
        specific: QuerySet[Any, Any] = queryset.specific()  # each page as its own class
        return specific

    @classmethod
    def holds(cls, instance: Any) -> bool:
        """Whether ``instance`` (a page) is of one of :attr:`page_types`."""
        if not isinstance(instance, Page):
            return False
        models = tuple(cls.page_models())
        return not models or issubclass(instance.specific_class or type(instance), models)

    # -- how they look ----------------------------------------------------------------------
    def get_type(self, page: Any) -> str:
        """Clerk's page ``type``: the page model's name (``"blogpage"``)."""
        name: str = type(page)._meta.model_name
        return name

    def get_url(self, page: Any) -> str | None:
        """The page's absolute URL; ``None`` (left out) when it has none."""
        parts = page.get_url_parts(request=self._site_paths_cache)
        if parts is None or parts[2] is None:
            return None
        _, root_url, path = parts
        store = self.context.get("store")
        if self.use_site_root_url or store is None or not store.get_base_url():
            return f"{root_url}{path}"
        absolute: str = store.absolute_url(path)
        return absolute

    def get_text(self, page: Any) -> str:
        """The first of :attr:`text_fields` holding text (see there for the default)."""
        if self.text_fields is None:
            return plain_text(page.search_description) or search_text(page)
        for name in self.text_fields:
            text = plain_text(searchable(getattr(page, name, None)))
            if text:
                return text
        return ""

    @property
    def _site_paths_cache(self) -> Any:
        """An object Wagtail keeps the site root paths on, for every page of one render
        (its ``get_url_parts`` takes one as ``request``)."""
        cache = self.__dict__.get("_site_paths")
        if cache is None:
            cache = self.__dict__["_site_paths"] = SimpleNamespace()
        return cache


def search_fields(model: type[Any]) -> list[Any]:
    """The ``index.SearchField`` entries of a page model's ``search_fields``, but ``title``."""
    return [
        field
        for field in model.get_search_fields()
        if isinstance(field, index.SearchField) and field.field_name != "title"
    ]


def search_text(page: Any) -> str:
    """The text of the search fields ``page``'s model declares, in their order."""
    return plain_text([field.get_value(page) for field in search_fields(type(page))])


def searchable(value: Any) -> Any:
    """A StreamField's value as its searchable content; any other value as it is."""
    block = getattr(value, "stream_block", None)
    if block is not None:
        return block.get_searchable_content(value)
    return value
