"""Clerk placements: the ``<span class="clerk" ...>`` elements Clerk.js fills in.

A :class:`Placement` is the element's classes, id and ``data-*`` attributes; the templates
under ``django_clerk/`` render it with autoescaping, so any value is safe in the attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django_clerk.storefront.context import Storefront
from django_clerk.storefront.escaping import data_value

DATA_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def product_list(products: Any) -> list[Any]:
    """Products or their ids as a list, as Clerk's ``products`` argument wants them: an
    iterable as it is, a single product or id (int, str, UUID) as a list of one."""
    if isinstance(products, (str, bytes, Mapping)) or not isinstance(products, Iterable):
        return [products]
    return list(products)


def content_template(content_id: str) -> str:
    """``"product-page-alternatives"`` or ``"@product-page-alternatives"`` → the
    ``data-template`` value ``"@product-page-alternatives"``."""
    return "@" + str(content_id).strip().lstrip("@")


def data_name(name: str) -> str:
    """A keyword argument as a ``data-*`` attribute name: ``facets_target`` → ``data-facets-
    target``. Only lower-case letters, digits and dashes are accepted."""
    cleaned = name.strip().lower().replace("_", "-")
    if not DATA_NAME_RE.match(cleaned):
        raise ValueError(f"{name!r} cannot be a data-* attribute name")
    return f"data-{cleaned}"


@dataclass
class Placement:
    """One Clerk element."""

    data: dict[str, Any]
    classes: list[str] = field(default_factory=list)
    element_id: str = ""

    @property
    def attributes(self) -> list[tuple[str, str]]:
        """``[("data-template", "@x"), ("data-products", "[42]")]``; ``None`` values left out."""
        return [(data_name(k), data_value(v)) for k, v in self.data.items() if v is not None]

    @property
    def class_names(self) -> str:
        return " ".join(["clerk", *self.classes])


def content_placement(
    storefront: Storefront, content_id: str, *, deduplicate: bool = True, **data: Any
) -> Placement:
    """A placement of Content ``content_id``; every keyword becomes a ``data-*`` attribute,
    ``products`` always a list (``products=product.pk`` → ``data-products="[42]"``).

    With ``deduplicate`` (product recommendations) the placement takes part in the page's
    "filter duplicates" numbering.
    """
    if data.get("products") is not None:
        data["products"] = product_list(data["products"])
    placement = Placement({"template": content_template(content_id), **data})
    if deduplicate:
        classes, exclude = storefront.next_placement()
        placement.classes.extend(classes)
        if exclude:
            placement.data["exclude_from"] = exclude
    return placement


def placements_of(storefront: Storefront, kind: str, **data: Any) -> list[Placement]:
    """The placements of one kind the store has switched on, e.g. ``"product"``."""
    return [
        content_placement(storefront, cid, **data) for cid in storefront.options.content_ids(kind)
    ]


def live_search(storefront: Storefront, selector: str | None = None) -> Placement | None:
    options = storefront.options
    content_ids = options.content_ids("live_search")
    if not content_ids:
        return None
    return content_placement(
        storefront,
        content_ids[0],
        deduplicate=False,
        instant_search=selector or options.live_search_selector,
        instant_search_suggestions=options.live_search_suggestions,
        instant_search_categories=options.live_search_categories,
        instant_search_pages=options.live_search_pages,
        instant_search_positioning=options.live_search_positioning,
    )


SEARCH_ID = "clerk-search"
SEARCH_RESULTS_ID = "clerk-search-results"
SEARCH_FILTERS_ID = "clerk-search-filters"


def search_page(storefront: Storefront, query: str, **data: Any) -> Placement | None:
    options = storefront.options
    content_ids = options.content_ids("search")
    if not content_ids:
        return None
    facets = options.facet_attributes
    placement = content_placement(
        storefront,
        content_ids[0],
        deduplicate=False,
        query=query or "",
        target=f"#{SEARCH_RESULTS_ID}",
        facets_target=f"#{SEARCH_FILTERS_ID}" if facets else None,
        facets_attributes=facets or None,
        **data,
    )
    placement.element_id = SEARCH_ID
    return placement


def exit_intent(storefront: Storefront) -> Placement | None:
    content_ids = storefront.options.content_ids("exit_intent")
    if not content_ids:
        return None
    return content_placement(storefront, content_ids[0], deduplicate=False, exit_intent=True)
