"""``CLERK["SEARCH"]``: the search page, live search and server-side search options.

Every option has a default (:data:`SEARCH_DEFAULTS`); ``CLERK["SEARCH"]`` overrides them for
every store and ``CLERK["SEARCH"]["STORES"][code]`` for one store, the way the official
extensions keep their search settings per store view. Template tag arguments win over both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from django_clerk.conf import clerk_settings

SEARCH_DEFAULTS: dict[str, Any] = {
    # -- the search page (Clerk.js) ---------------------------------------------------------
    "FACET_ATTRIBUTES": None,  # None: the store's "search facet attributes" (admin)
    "FACET_TITLES": {},  # {"brand": "Brand"}: headings of the facets
    "FACET_MULTISELECT": [],  # attributes whose values may be chosen together
    "FACET_DESIGN": "",  # id of a facet design made in my.clerk.io
    "FACETS_IN_URL": False,  # keep the chosen facets in the page's URL
    "INCLUDE_CATEGORIES": False,  # show matching categories and pages with the results
    "CATEGORIES": 5,  # how many categories, with INCLUDE_CATEGORIES
    "PAGES": 5,  # how many pages, with INCLUDE_CATEGORIES
    "PAGES_TYPE": "all",  # which pages: "all", or one page type (e.g. "cms", "blog")
    "NO_RESULTS_TEXT": "",  # shown when a search finds nothing ("": nothing shown)
    "LOAD_MORE_TEXT": "",  # the load-more button's text ("": no button)
    # -- live search (Clerk.js) -------------------------------------------------------------
    "LIVE_SEARCH_INCLUDE_CATEGORIES": True,  # False: no categories and pages in the dropdown
    "LIVE_SEARCH_PAGES_TYPE": "all",
    "LIVE_SEARCH_FORM_SELECTOR": "",  # forms whose action becomes LIVE_SEARCH_SEARCH_URL
    "LIVE_SEARCH_SEARCH_URL": "",  # a path or URL name: the shop's search page
    # -- server-side search, category pages and the storefront API --------------------------
    "TIMEOUT": 2.0,  # seconds of the single attempt of a call to Clerk
    "CACHE_SECONDS": 60,  # answers reused for this long (0: never cached)
    "PER_PAGE": 24,
    "MAX_PER_PAGE": 100,
    "MAX_QUERY_LENGTH": 200,
    "CATEGORY_LOGIC": "popular",  # recommendations/category/<logic> of category pages
    "API_ATTRIBUTES": ["id", "name", "price", "image", "url"],  # product_data of the API
    "STORES": {},  # {"da": {"NO_RESULTS_TEXT": "Ingen resultater"}}: one store's overrides
}
PAGES_TYPE_ALL = "all"
POSITIVE = {"TIMEOUT", "PER_PAGE", "MAX_PER_PAGE", "MAX_QUERY_LENGTH"}


@dataclass(frozen=True)
class SearchOptions:
    """The search options in force for one store."""

    facet_attributes: list[str] | None = None
    facet_titles: dict[str, str] = field(default_factory=dict)
    facet_multiselect: list[str] = field(default_factory=list)
    facet_design: str = ""
    facets_in_url: bool = False
    include_categories: bool = False
    categories: int = 5
    pages: int = 5
    pages_type: str = PAGES_TYPE_ALL
    no_results_text: str = ""
    load_more_text: str = ""
    live_search_include_categories: bool = True
    live_search_pages_type: str = PAGES_TYPE_ALL
    live_search_form_selector: str = ""
    live_search_search_url: str = ""
    timeout: float = 2.0
    cache_seconds: int = 60
    per_page: int = 24
    max_per_page: int = 100
    max_query_length: int = 200
    category_logic: str = "popular"
    api_attributes: list[str] = field(default_factory=list)


OPTION_NAMES = {f.name.upper(): f.name for f in fields(SearchOptions)}


def configured() -> dict[str, Any]:
    """``CLERK["SEARCH"]`` as given (``{}`` when it is not a dict: check W115 says so)."""
    value = clerk_settings.SEARCH
    return value if isinstance(value, dict) else {}


def search_options(store: Any = None) -> SearchOptions:
    """The options of ``store`` (a :class:`~django_clerk.models.Store` or ``None``)."""
    user = configured()
    merged = {**SEARCH_DEFAULTS, **user}
    per_store = user.get("STORES")
    code = getattr(store, "code", None)
    if isinstance(per_store, dict) and isinstance(per_store.get(code), dict):
        merged.update(per_store[code])
    values = {
        OPTION_NAMES[k]: v if _type_ok(SEARCH_DEFAULTS[k], v, k) else SEARCH_DEFAULTS[k]
        for k, v in merged.items()
        if k in OPTION_NAMES
    }  # a value of the wrong type (check W115 reports it) gives way to the default
    return SearchOptions(**values)


def problems(value: Any) -> list[str]:
    """What is wrong with a ``CLERK["SEARCH"]`` value (for check W115)."""
    if not isinstance(value, dict):
        return [f"CLERK['SEARCH'] must be a dict, not {type(value).__name__}"]
    found = _section_problems("CLERK['SEARCH']", value)
    stores = value.get("STORES", {})
    if not isinstance(stores, dict):
        found.append("CLERK['SEARCH']['STORES'] must be a dict of store code to options")
        return found
    for code, options in stores.items():
        name = f"CLERK['SEARCH']['STORES'][{code!r}]"
        if not isinstance(options, dict):
            found.append(f"{name} must be a dict")
        elif "STORES" in options:
            found.append(f"{name} cannot hold STORES")
        else:
            found.extend(_section_problems(name, options))
    return found


def _section_problems(name: str, section: dict[str, Any]) -> list[str]:
    found = []
    for key, value in section.items():
        if key == "STORES":
            continue
        if key not in SEARCH_DEFAULTS:
            found.append(f"{name} has an unknown key {key!r}")
            continue
        if not _type_ok(SEARCH_DEFAULTS[key], value, key):
            found.append(f"{name}[{key!r}] has the wrong type: {value!r}")
    return found


def _type_ok(default: Any, value: Any, key: str) -> bool:
    if key == "FACET_ATTRIBUTES":
        return value is None or _str_list(value)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        if isinstance(default, int) and not isinstance(value, int):
            return False
        return value > 0 if key in POSITIVE else value >= 0
    if isinstance(default, list):
        return _str_list(value)
    if isinstance(default, dict):
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
    return isinstance(value, str)


def _str_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
