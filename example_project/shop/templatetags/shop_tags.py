from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from shop.models import Category

register = template.Library()


@register.inclusion_tag("shop/includes/nav.html", takes_context=True)
def shop_nav(context: template.Context) -> dict[str, Any]:
    """The header's top-level categories (one small query)."""
    return {
        "categories": Category.objects.top_level().only("name", "slug"),
        "current": context.get("category"),
    }


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, page_number: int) -> str:
    """The current query string with ``page`` replaced, e.g. ``?q=shoe&page=2``."""
    request = context.get("request")
    query: QueryDict = request.GET.copy() if request else QueryDict(mutable=True)
    query["page"] = str(page_number)
    return "?" + query.urlencode()
