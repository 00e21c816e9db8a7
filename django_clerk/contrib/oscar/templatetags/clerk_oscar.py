"""``{% load clerk_oscar %}``: the storefront tags for Oscar's templates.

They build on ``{% load clerk %}`` (which they call) with what Oscar knows: the basket of
``request.basket``, a child product's parent, and what the basket and checkout signals kept
in the session (see :mod:`django_clerk.contrib.oscar.storefront_signals`).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from oscar.core.loading import get_model

from django_clerk.contrib.oscar.storefront_signals import (
    ADDED_KEY,
    SALE_KEY,
    clerk_product_pk,
    json_key,
)
from django_clerk.templatetags import clerk as tags

register = template.Library()
Order = get_model("order", "Order")


def _request(context: template.Context) -> Any:
    return context.get("request")


@register.simple_tag
def clerk_oscar_product(product: Any) -> Any:
    """The product Clerk knows for ``product`` (a child's parent, else itself)."""
    if product is None:
        return None
    parent = getattr(product, "parent", None) if getattr(product, "parent_id", None) else None
    return parent or product


@register.simple_tag(takes_context=True)
def clerk_oscar_basket_products(context: template.Context) -> list[Any]:
    """The ids of the products Clerk knows in ``request.basket``, each once, in order."""
    basket = getattr(_request(context), "basket", None)
    if basket is None or basket.id is None:
        return []
    lines = basket.all_lines()
    return list(dict.fromkeys(clerk_product_pk(line.product) for line in lines if line.product))


@register.simple_tag(takes_context=True)
def clerk_oscar_sales_tracking(context: template.Context, order: Any = None) -> SafeString:
    """``log/sale`` of ``order`` (default: the order the checkout just placed), once: the
    order kept by the checkout signal is forgotten when it is tracked."""
    session = getattr(_request(context), "session", None)
    placed = session.get(SALE_KEY) if session is not None else None
    if order is None and placed is not None:
        order = Order._default_manager.filter(pk=placed).first()
    if order is None:
        return tags.NOTHING
    if session is not None and placed == json_key(order.pk):
        del session[SALE_KEY]
    return tags.clerk_sales_tracking(context, order)


@register.simple_tag(takes_context=True)
def clerk_oscar_tracking(context: template.Context) -> SafeString:
    """For every page: the basket as Clerk's cart, the powerstep of a product just added
    (once), and the sale the checkout just placed (once, unless the thank-you page's
    ``clerk_oscar_sales_tracking`` already sent it)."""
    parts = [tags.clerk_cart(context, clerk_oscar_basket_products(context))]
    session = getattr(_request(context), "session", None)
    added = session.pop(ADDED_KEY, None) if session is not None else None
    if added is not None:
        parts.append(tags.clerk_powerstep(context, added))
    parts.append(clerk_oscar_sales_tracking(context))
    return mark_safe("".join(parts))  # each part is a rendered, escaped tag
