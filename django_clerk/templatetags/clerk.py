"""``{% load clerk %}``: Clerk.js, placements and tracking for a shop's templates.

Every tag renders nothing when the request's store has no public key. The logic lives in
:mod:`django_clerk.storefront`; the markup in the ``django_clerk/*.html`` templates, which a
theme can override.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from django_clerk.mapping.registry import page_object_ids
from django_clerk.search import placements as search_placements
from django_clerk.search.chat import chat_metadata
from django_clerk.storefront import placements as build
from django_clerk.storefront.context import Storefront, csp_nonce, storefront_for
from django_clerk.storefront.escaping import clerk_call, script_json
from django_clerk.storefront.placements import Placement
from django_clerk.tracking import markup as tracking
from django_clerk.tracking.modes import from_browser

register = template.Library()
NOTHING = SafeString("")


def _active(context: template.Context) -> Storefront | None:
    storefront = storefront_for(context)
    return storefront if storefront.enabled else None


def _script(context: template.Context, calls: list[SafeString]) -> SafeString:
    return render_to_string(
        "django_clerk/script.html", {"calls": calls, "nonce": csp_nonce(context)}
    )


def _placements(items: list[Placement]) -> SafeString:
    if not items:
        return NOTHING
    return render_to_string("django_clerk/placements.html", {"placements": items})


@register.simple_tag(takes_context=True)
def clerk_js(context: template.Context) -> SafeString:
    """The Clerk.js loader and ``Clerk('config', {...})`` for the request's store; for a
    logged-in customer of a store that collects emails, also their email."""
    storefront = _active(context)
    if storefront is None:
        return NOTHING
    calls = [clerk_call("config", storefront.config())]
    if email := storefront.customer_email():
        calls.append(clerk_call("call", "log/email", {"email": email}))
    nonce = csp_nonce(context)
    return render_to_string(
        "django_clerk/clerk_js.html",
        {
            "js_url": script_json(storefront.clerk_js_url()),
            "calls": calls,
            "nonce": nonce,
            "nonce_json": script_json(nonce),
        },
    )


@register.simple_tag(takes_context=True)
def clerk_context(
    context: template.Context, product: Any = None, category: Any = None, page: Any = None
) -> SafeString:
    """``Clerk('context', {product, category, page})`` for the page being shown."""
    values = page_object_ids(product, category, page)
    if not values or _active(context) is None:
        return NOTHING
    return _script(context, [clerk_call("context", values)])


@register.simple_tag(takes_context=True)
def clerk_placement(context: template.Context, content_id: str, **data: Any) -> SafeString:
    """Any Content: ``{% clerk_placement "home-page-popular" products=product limit=8 %}``;
    every keyword becomes a ``data-*`` attribute. Takes part in "filter duplicates"."""
    storefront = _active(context)
    if storefront is None:
        return NOTHING
    return _placements([build.content_placement(storefront, content_id, **data)])


@register.simple_tag(takes_context=True)
def clerk_product_placements(context: template.Context, product: Any, **data: Any) -> SafeString:
    """The product page's placements (alternatives, others also bought...)."""
    storefront = _active(context)
    if storefront is None:
        return NOTHING
    return _placements(build.placements_of(storefront, "product", products=[product], **data))


@register.simple_tag(takes_context=True)
def clerk_category_placement(context: template.Context, category: Any, **data: Any) -> SafeString:
    """The category page's placements."""
    storefront = _active(context)
    if storefront is None:
        return NOTHING
    return _placements(build.placements_of(storefront, "category", category=category, **data))


@register.simple_tag(takes_context=True)
def clerk_cart_placement(context: template.Context, products: Any, **data: Any) -> SafeString:
    """The cart page's placements, for the products in the cart (ids or products, or one)."""
    storefront = _active(context)
    if storefront is None or not products:
        return NOTHING
    return _placements(
        build.placements_of(storefront, "cart", products=build.product_list(products), **data)
    )


@register.simple_tag(takes_context=True)
def clerk_live_search(
    context: template.Context, selector: str | None = None, **options: Any
) -> SafeString:
    """Live search on the input matched by ``selector`` (default: the store's setting);
    options: limit, suggestions, categories, pages, positioning, include_categories,
    pages_type, form_selector and search_url (see docs/search.md)."""
    storefront = _active(context)
    found = search_placements.live_search(storefront, selector, **options) if storefront else None
    if found is None:
        return NOTHING
    html = _placements([found.placement])
    if found.form_selector and found.search_url:
        html += render_to_string(
            "django_clerk/search/live_search_form.html",
            {
                "nonce": csp_nonce(context),
                "selector_json": script_json(found.form_selector),
                "url_json": script_json(found.search_url),
            },
        )
    return SafeString(html)


@register.simple_tag(takes_context=True)
def clerk_search_page(context: template.Context, query: str, **data: Any) -> SafeString:
    """The search page placement with its facets and results targets; options: facet_
    attributes, facet_titles, facet_multiselect, facet_design, facets_in_url,
    include_categories, categories, pages, pages_type, no_results_text, load_more_text
    (see docs/search.md); any other keyword becomes a ``data-*`` attribute."""
    storefront = _active(context)
    page = search_placements.search_page(storefront, query, **data) if storefront else None
    if page is None:
        return NOTHING
    placement = page.placement
    with_texts = page.no_results_text or page.load_more_text
    return render_to_string(
        "django_clerk/search/search_page.html" if with_texts else "django_clerk/search_page.html",
        {
            "placement": placement,
            "has_facets": "facets_target" in placement.data,
            "filters_id": build.SEARCH_FILTERS_ID,
            "results_id": build.SEARCH_RESULTS_ID,
            "no_results_text": page.no_results_text,
            "load_more_text": page.load_more_text,
            "after_render": search_placements.AFTER_RENDER,
            "search_id_json": script_json(build.SEARCH_ID),
            "nonce": csp_nonce(context),
        },
    )


@register.simple_tag(takes_context=True)
def clerk_chat(
    context: template.Context, product: Any = None, category: Any = None, page: Any = None
) -> SafeString:
    """``Clerk('chat', 'metadata', {...})``: what Clerk Chat should know about this page."""
    storefront = _active(context)
    if storefront is None:
        return NOTHING
    metadata = chat_metadata(storefront.request, product=product, category=category, page=page)
    return _script(context, [clerk_call("chat", "metadata", metadata)])


@register.simple_tag(takes_context=True)
def clerk_exit_intent(context: template.Context) -> SafeString:
    storefront = _active(context)
    placement = build.exit_intent(storefront) if storefront else None
    return _placements([placement]) if placement else NOTHING


@register.simple_tag(takes_context=True)
def clerk_powerstep(
    context: template.Context, product: Any, popup: bool | None = None
) -> SafeString:
    """The powerstep after add-to-cart: a page section or, with ``popup`` (default: the
    store's powerstep type), a dialog."""
    storefront = _active(context)
    if storefront is None:
        return NOTHING
    items = build.placements_of(storefront, "powerstep", products=[product])
    if not items:
        return NOTHING
    if popup is None:
        popup = storefront.options.powerstep_type == storefront.options.PowerstepType.POPUP
    return render_to_string("django_clerk/powerstep.html", {"placements": items, "popup": popup})


@register.simple_tag(takes_context=True)
def clerk_sales_tracking(context: template.Context, order: Any) -> SafeString:
    """``log/sale`` tracking of ``order`` for the confirmation page, as ``CLERK["TRACKING"]
    ["sales"]`` says (see :func:`~django_clerk.tracking.markup.sale_tracking`)."""
    storefront = _active(context)
    if storefront is None:
        return NOTHING
    found = tracking.sale_tracking(storefront, order, csp_nonce(context))
    return _placements([found]) if isinstance(found, Placement) else found


@register.simple_tag(takes_context=True)
def clerk_cart(context: template.Context, products: Any) -> SafeString:
    """``Clerk('cart', 'set', [ids])``: the cart's product ids or products (or just one);
    nothing when ``CLERK["TRACKING"]["baskets"]`` leaves baskets to the server."""
    if _active(context) is None or products is None or not from_browser("baskets"):
        return NOTHING
    return _script(context, [clerk_call("cart", "set", build.product_list(products))])


@register.simple_tag(takes_context=True)
def clerk_click(context: template.Context, product: Any, api: str, label: str = "") -> SafeString:
    """``data-clerk-click="<signed token>"`` for a link to a product the shop rendered from
    Clerk's results of ``api``, shown under ``label``; ``{% clerk_click_script %}`` logs it."""
    storefront = _active(context)
    return tracking.click_attribute(storefront, product, api, label) if storefront else NOTHING


@register.simple_tag(takes_context=True)
def clerk_click_url(
    context: template.Context, product: Any, api: str, label: str = "", url: str | None = None
) -> str:
    """A link to ``product`` (or ``url``) that logs the click on the way, without JavaScript."""
    storefront = _active(context)
    if storefront is None:
        return url if url is not None else tracking.product_url(product)
    return tracking.click_url(storefront, product, api, label, url)


@register.simple_tag(takes_context=True)
def clerk_click_script(context: template.Context) -> SafeString:
    """The script that logs clicks on ``{% clerk_click %}`` links (once per page)."""
    storefront = _active(context)
    return tracking.click_script(storefront, csp_nonce(context)) if storefront else NOTHING
