"""The search page's and live search's options as Clerk.js ``data-*`` attributes.

The attribute names are those the official Magento 2 extension writes (``Block/Result.php``,
``livesearch.phtml``): ``data-facets-in-url``, ``data-facets-titles``,
``data-facets-multiselect-attributes``, ``data-facets-design``, ``data-search-categories``,
``data-search-pages``, ``data-search-pages-type``, ``data-instant-search-pages-type``...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django_clerk.search.options import PAGES_TYPE_ALL, search_options
from django_clerk.storefront import placements as build
from django_clerk.storefront.cart import resolve_url
from django_clerk.storefront.context import Storefront
from django_clerk.storefront.placements import Placement

AFTER_RENDER = "clerkSearchAfterRender"
SEARCH_PAGE_OPTIONS = (
    "facet_attributes",
    "facet_titles",
    "facet_multiselect",
    "facet_design",
    "facets_in_url",
    "include_categories",
    "categories",
    "pages",
    "pages_type",
    "no_results_text",
    "load_more_text",
)
LIVE_SEARCH_OPTIONS = (
    "limit",
    "suggestions",
    "categories",
    "pages",
    "positioning",
    "include_categories",
    "pages_type",
    "form_selector",
    "search_url",
)


@dataclass
class SearchPage:
    placement: Placement
    no_results_text: str
    load_more_text: str


@dataclass
class LiveSearch:
    placement: Placement
    form_selector: str
    search_url: str


def search_page(storefront: Storefront, query: str, **given: Any) -> SearchPage | None:
    """The search page placement with every option: tag arguments win over
    ``CLERK["SEARCH"]`` (per store), which wins over the defaults."""
    opts = search_options(storefront.store)
    chosen = {name: given.pop(name) for name in SEARCH_PAGE_OPTIONS if name in given}

    def option(name: str) -> Any:
        return chosen[name] if name in chosen else getattr(opts, name)

    placement = build.search_page(storefront, query, **given)
    if placement is None:
        return None
    data = placement.data
    attributes = option("facet_attributes")
    if attributes is not None and attributes:
        data["facets_attributes"] = list(attributes)
        data["facets_target"] = f"#{build.SEARCH_FILTERS_ID}"
    elif attributes is not None:
        data.pop("facets_attributes", None)
        data.pop("facets_target", None)
    if "facets_target" in data:
        if option("facets_in_url"):
            data["facets_in_url"] = True
        if option("facet_titles"):
            data["facets_titles"] = dict(option("facet_titles"))
        if option("facet_multiselect"):
            data["facets_multiselect_attributes"] = list(option("facet_multiselect"))
        if option("facet_design"):
            data["facets_design"] = option("facet_design")
    if option("include_categories"):
        data["search_categories"] = option("categories")
        data["search_pages"] = option("pages")
        if option("pages_type") and option("pages_type") != PAGES_TYPE_ALL:
            data["search_pages_type"] = option("pages_type")
    no_results, load_more = str(option("no_results_text")), str(option("load_more_text"))
    if no_results or load_more:
        data.setdefault("offset", 0)
        data.setdefault("after_render", AFTER_RENDER)
    return SearchPage(placement, no_results, load_more)


def live_search(
    storefront: Storefront, selector: str | None = None, **given: Any
) -> LiveSearch | None:
    unknown = set(given) - set(LIVE_SEARCH_OPTIONS)
    if unknown:
        raise TypeError(f"clerk_live_search has no option {', '.join(sorted(unknown))}")
    placement = build.live_search(storefront, selector)
    if placement is None:
        return None
    opts = search_options(storefront.store)
    data = placement.data
    if "limit" in given:
        data["limit"] = given["limit"]
    for name in ("suggestions", "categories", "pages", "positioning"):
        if name in given:
            data[f"instant_search_{name}"] = given[name]
    if not given.get("include_categories", opts.live_search_include_categories):
        data["instant_search_categories"] = 0
        data["instant_search_pages"] = 0
    pages_type = given.get("pages_type", opts.live_search_pages_type)
    if pages_type and pages_type != PAGES_TYPE_ALL:
        data["instant_search_pages_type"] = pages_type
    form_selector = str(given.get("form_selector", opts.live_search_form_selector) or "")
    search_url = resolve_url(given.get("search_url", opts.live_search_search_url))
    return LiveSearch(placement, form_selector, search_url if form_selector else "")
