"""``{% load clerk_wagtail %}``: the Clerk id of a Wagtail page, for templates.

A page's Clerk id carries its source's ``Meta.id_prefix`` (``"cms-12"``)::

    {% load clerk clerk_wagtail %}
    {% clerk_page_context page %}                       {# Clerk('context', {page: …}) #}
    {% clerk_placement "page-related" page=page|clerk_page_id %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from django_clerk.contrib.wagtail.sources import wagtail_sources
from django_clerk.mapping import clerk_id
from django_clerk.templatetags.clerk import NOTHING, clerk_context

register = template.Library()


@register.filter
def clerk_page_id(page: Any) -> Any:
    """The Clerk id of ``page`` in the first Wagtail source that holds it; ``""`` when none
    does (a page type no source serves)."""
    if page is None:
        return ""
    for source in wagtail_sources():
        if source.holds(page):
            return clerk_id(source, page.pk)
    return ""


@register.simple_tag(takes_context=True)
def clerk_page_context(context: template.Context, page: Any) -> SafeString:
    """``Clerk('context', {"page": id})`` for the page being shown (nothing for a page no
    source serves)."""
    page_id = clerk_page_id(page)
    if page_id == "":
        return NOTHING
    return clerk_context(context, page=page_id)
