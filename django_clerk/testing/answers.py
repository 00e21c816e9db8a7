"""How the fake Clerk API answers recommendations and searches from a store's own data.

Simple, deterministic rules (ties always broken by id, numbers before text):

* popularity: the quantity of each product in the store's synced orders;
* ``popular``, ``trending``, ``currently_watched``, ``recently_bought``, ``visitor/*``,
  ``customer/*``, ``keywords`` and any other logic: most popular first;
* ``new``: newest ``created_at`` first;
* ``complementary``, ``bundle`` (others also bought): products bought in the same orders as
  the ``products`` asked about, most often first, then the popular ones;
* ``substituting``, ``similar`` (alternatives): products sharing a category with them (most
  shared categories, then most popular), then the other popular ones;
* ``category/*``: products in ``category`` or below it, most popular first;
* ``search/search`` and ``search/predictive``: every word of ``query`` appears in the name,
  description, brand, sku, keywords or category names; name matches first, then most popular;
  ``facets`` counted over the matches; ``filter`` as :mod:`django_clerk.testing.filters`;
  ``orderby``/``order`` sort on an attribute;
* ``search/categories``, ``search/pages``: words of ``query`` in name/description or
  title/text/keywords.

The products asked about and ``exclude`` are left out; products sent with ``index: false``
never appear. ``attributes`` adds ``product_data``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django_clerk.testing import filters

SEARCH_FIELDS = ("name", "description", "brand", "sku", "keywords")
PAGE_FIELDS = ("title", "text", "keywords")
CATEGORY_FIELDS = ("name", "description")
CO_PURCHASE_LOGICS = ("complementary", "bundle")
SIMILAR_LOGICS = ("substituting", "similar")


class ParamError(ValueError):
    pass


@dataclass
class Source:
    """What a store's answers are made of: its products (or the ones set for every store)
    and all its data (orders, categories, pages)."""

    products: list[dict[str, Any]]
    held: Mapping[str, Mapping[Any, dict[str, Any]]]

    @cached_property
    def indexed(self) -> list[dict[str, Any]]:
        return [p for p in self.products if p.get("index", True) is not False]

    @cached_property
    def popularity(self) -> Counter[tuple[int, Any]]:
        counts: Counter[tuple[int, Any]] = Counter()
        for order in self.held.get("orders", {}).values():
            for line in _lines(order):
                counts[key(line.get("id"))] += _quantity(line)
        return counts

    def by_popularity(self, products: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(products, key=lambda p: (-self.popularity[key(p.get("id"))], key(p["id"])))

    def category_tree(self, category: Any) -> set[tuple[int, Any]]:
        """``category`` and every category below it (through ``subcategories``/``parent``)."""
        categories = self.held.get("categories", {})
        children: dict[tuple[int, Any], set[tuple[int, Any]]] = {}
        for cat in categories.values():
            node = key(cat.get("id"))
            children.setdefault(node, set()).update(
                key(c) for c in as_list(cat.get("subcategories"))
            )
            if cat.get("parent") is not None:
                children.setdefault(key(cat["parent"]), set()).add(node)
        found, todo = set(), [key(category)]
        while todo:
            node = todo.pop()
            if node not in found:
                found.add(node)
                todo.extend(children.get(node, ()))
        return found

    @cached_property
    def categories(self) -> dict[tuple[int, Any], dict[str, Any]]:
        return {key(i): c for i, c in self.held.get("categories", {}).items()}

    def category_names(self, product: Mapping[str, Any]) -> list[str]:
        categories = self.categories
        names = (categories.get(key(c), {}).get("name") for c in as_list(product.get("categories")))
        return [str(n) for n in names if n]


def recommend(source: Source, logic: str, params: Mapping[str, Any]) -> dict[str, Any]:
    asked = [key(i) for i in as_list(params.get("products", params.get("product")))]
    left_out = {*asked, *(key(i) for i in as_list(params.get("exclude")))}
    candidates = [p for p in _filtered(source.indexed, params) if key(p["id"]) not in left_out]
    popular = source.by_popularity(candidates)
    if logic.startswith("category/"):
        category = params.get("category")
        if category is None:
            raise ParamError("`category` is required")
        tree = source.category_tree(category)
        candidates = [
            p for p in candidates if tree & {key(c) for c in as_list(p.get("categories"))}
        ]
        ranked = _newest(candidates) if logic.endswith("/new") else source.by_popularity(candidates)
    elif logic == "new":
        ranked = _newest(candidates)
    elif logic in CO_PURCHASE_LOGICS and asked:
        ranked = _bought_with(source, asked, popular)
    elif logic in SIMILAR_LOGICS and asked:
        ranked = _similar(source, asked, popular)
    else:
        ranked = popular
    return page(ranked, params, default_limit=10)


def search(source: Source, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    query = params.get("query")
    if not isinstance(query, str):
        raise ParamError("`query` must be a string")
    words = query.casefold().split()
    if kind == "categories":
        items = list(source.held.get("categories", {}).values())
        return page(_ranked(items, words, CATEGORY_FIELDS), params, default_limit=20)
    if kind == "pages":
        pages = list(source.held.get("pages", {}).values())
        return page(_ranked(pages, words, PAGE_FIELDS), params, default_limit=20)

    def text(product: dict[str, Any]) -> dict[str, Any]:
        return {**product, "category_names": source.category_names(product)}

    matches = _filtered(source.by_popularity(source.indexed), params)
    found = _ranked(matches, words, (*SEARCH_FIELDS, "category_names"), text)
    orderby = params.get("orderby")
    if isinstance(orderby, str) and orderby:
        descending = str(params.get("order", "asc")).lower() == "desc"
        found = _sorted_on(found, orderby, descending)
    payload = page(found, params, default_limit=6 if kind == "predictive" else 20)
    payload["facets"] = facets(source, found, as_list(params.get("facets")))
    return payload


def facets(
    source: Source, products: list[dict[str, Any]], names: list[Any]
) -> dict[str, list[dict[str, Any]]]:
    """``{attribute: [{"name": value, "count": n}, ...]}``, most frequent first; category
    values also carry their ``label`` (the category's name) when the store has it."""
    categories = source.categories
    result: dict[str, list[dict[str, Any]]] = {}
    for name in map(str, names):
        counts: Counter[Any] = Counter()
        for product in products:
            for value in as_list(product.get(name)):
                if isinstance(value, (str, int, float)):
                    counts[value] += 1
        values = []
        for value, count in sorted(counts.items(), key=lambda vc: (-vc[1], key(vc[0]))):
            entry: dict[str, Any] = {"name": value, "count": count}
            if name == "categories" and key(value) in categories:
                entry["label"] = categories[key(value)].get("name", value)
            values.append(entry)
        if values:  # an attribute no product has gets no facet
            result[name] = values
    return result


def page(
    items: list[dict[str, Any]], params: Mapping[str, Any], default_limit: int
) -> dict[str, Any]:
    """Apply offset/limit to ranked ``items``; ``product_data`` when ``attributes`` are asked."""
    limit = integer(params, "limit", default_limit)
    offset = integer(params, "offset", 0)
    chunk = items[offset : offset + limit]
    payload: dict[str, Any] = {"status": "ok", "result": [i["id"] for i in chunk]}
    payload["count"] = len(items)
    attributes = params.get("attributes")
    if attributes:
        names = as_list(attributes)
        payload["product_data"] = [{n: i[n] for n in names if n in i} for i in chunk]
    return payload


def _filtered(products: list[dict[str, Any]], params: Mapping[str, Any]) -> list[dict[str, Any]]:
    text = params.get("filter")
    if not text:
        return products
    if not isinstance(text, str):
        raise ParamError("`filter` must be a string")
    try:
        predicate = filters.parse(text)
    except filters.FilterError as exc:
        raise ParamError(str(exc)) from None
    return [p for p in products if predicate(p)]


def _ranked(
    items: list[dict[str, Any]], words: list[str], fields: tuple[str, ...], text: Any = None
) -> list[dict[str, Any]]:
    """Items holding every word, those with every word in the first field first (stable)."""
    scored = []
    for item in items:
        full = text(item) if text else item
        first = _casefold(full.get(fields[0]))
        everything = " ".join(_casefold(full.get(f)) for f in fields)
        if all(w in everything for w in words):
            scored.append((0 if all(w in first for w in words) else 1, item))
    if text is None:  # categories and pages: by id within a score
        scored.sort(key=lambda si: key(si[1].get("id")))
    return [item for _, item in sorted(scored, key=lambda si: si[0])]


def _bought_with(
    source: Source, asked: list[Any], popular: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    wanted = set(asked)
    together: Counter[tuple[int, Any]] = Counter()
    for order in source.held.get("orders", {}).values():
        ids = [key(line.get("id")) for line in _lines(order)]
        if wanted & set(ids):
            together.update(i for i in ids if i not in wanted)
    first = [p for p in popular if together[key(p["id"])]]
    first.sort(key=lambda p: -together[key(p["id"])])  # stable: popularity breaks ties
    seen = {key(p["id"]) for p in first}
    return first + [p for p in popular if key(p["id"]) not in seen]


def _similar(
    source: Source, asked: list[Any], popular: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    by_id = {key(p.get("id")): p for p in source.products}
    shared = {key(c) for i in asked for c in as_list(by_id.get(i, {}).get("categories"))}

    def overlap(product: dict[str, Any]) -> int:
        return len(shared & {key(c) for c in as_list(product.get("categories"))})

    similar = sorted((p for p in popular if overlap(p)), key=lambda p: -overlap(p))
    return similar + [p for p in popular if not overlap(p)]


def _newest(products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def created(p: dict[str, Any]) -> float:
        value = p.get("created_at")
        return float(value) if isinstance(value, (int, float)) else 0.0

    return sorted(products, key=lambda p: (-created(p), key(p["id"])))


def _sorted_on(
    products: list[dict[str, Any]], attribute: str, descending: bool
) -> list[dict[str, Any]]:
    having = [p for p in products if isinstance(p.get(attribute), (int, float, str))]
    missing = [p for p in products if not isinstance(p.get(attribute), (int, float, str))]
    return sorted(having, key=lambda p: key(p[attribute]), reverse=descending) + missing


def _lines(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [line for line in as_list(order.get("products")) if isinstance(line, Mapping)]


def _quantity(line: Mapping[str, Any]) -> int:
    value = line.get("quantity", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def _casefold(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_casefold(v) for v in value)
    return str(value).casefold() if value is not None else ""


def integer(params: Mapping[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ParamError(f"`{name}` must be an integer") from None
    if number < 0:
        raise ParamError(f"`{name}` must not be negative")
    return number


def key(value: Any) -> tuple[int, Any]:
    """Sort key putting numeric ids before text ids; ``"3"`` and ``3`` compare equal."""
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, int):
        return (0, value)
    if isinstance(value, float):
        return (0, value)
    if isinstance(value, str) and value.isdigit():
        return (0, int(value))
    return (1, str(value))


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
