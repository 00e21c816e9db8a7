"""The rules the validator applies to each page it walked and to the journey as a whole."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django_clerk.stores import store_for_public_key
from django_clerk.testing.recording import RecordedRequest
from django_clerk.testing.validator import ids as feed
from django_clerk.testing.validator.markup import ClerkCall, ClerkElement, attribute_value
from django_clerk.testing.validator.pages import PageVisit, describe_call, from_browser
from django_clerk.testing.validator.problems import Problem, Report

SALE_LINE_FIELDS = ("id", "quantity", "price")
IdUse = tuple[str, Any, str]
"""``(entity, id, element)``: an id named on a page."""


class Rules:
    """The validator's rules, applied to pages; what they find goes to ``report``."""

    def __init__(self, report: Report, content_ids: Iterable[str], *, browser: bool) -> None:
        self.report = report
        self.content_ids = {str(c) for c in content_ids}
        self.browser = browser
        self._feeds: dict[str, feed.FeedIds] = {}
        self.sales: list[tuple[str, str, str]] = []
        """``(sale id, page, who logged it)`` of every sale logged on the journey."""

    def problem(self, code: str, visit: PageVisit, element: str, message: str) -> None:
        self.report.add(Problem(code, visit.label, element, message))

    # -- one page --------------------------------------------------------------------------
    def check_page(self, visit: PageVisit) -> None:
        if visit.status >= 400 or "html" not in visit.content_type:
            self.problem(
                "page-error",
                visit,
                visit.url,
                f"answered {visit.status} {visit.content_type}, not a page",
            )
            return
        store = self._page_store(visit)
        uses: list[IdUse] = []
        self._check_elements(visit, uses)
        self._check_clerk_calls(visit, uses)
        self._check_calls(visit, uses)
        if store is not None:
            self._check_ids(visit, store, uses)

    def _page_store(self, visit: PageVisit) -> Any:
        markup = visit.markup
        if not markup.loader:
            self.problem(
                "clerk-js-missing",
                visit,
                visit.url,
                "the page does not load Clerk.js: add {% clerk_js %} to its <head>",
            )
            return None
        key = (markup.config() or {}).get("key")
        if not isinstance(key, str) or not key:
            self.problem(
                "public-key-missing",
                visit,
                visit.url,
                "Clerk.js is loaded but Clerk('config') names no public key",
            )
            return None
        store = store_for_public_key(key)
        if store is None:
            self.problem(
                "public-key-unknown",
                visit,
                visit.url,
                f"Clerk.js is configured with the public key {key!r}, which no active store has",
            )
        return store

    def _check_elements(self, visit: PageVisit, uses: list[IdUse]) -> None:
        placed: list[ClerkElement] = []
        for element in visit.markup.elements:
            where = element.describe()
            if element.api == "log/sale":
                self._check_sale(visit, element, uses)
                continue
            if not element.api and self._check_content(visit, element, placed):
                placed.append(element)
            raw = element.data("products")
            if raw is not None:
                for value in self._product_ids(visit, where, attribute_value(raw)):
                    uses.append(("products", value, where))
            category = element.data("category")
            if category:
                uses.append(("categories", attribute_value(category), where))

    def _check_content(
        self, visit: PageVisit, element: ClerkElement, placed: list[ClerkElement]
    ) -> bool:
        """The rules of a placement (an element without ``data-api``); whether it names a
        Content."""
        where, template = element.describe(), element.template or ""
        if not template.startswith("@") or len(template) < 2:
            self.problem(
                "content-id-missing",
                visit,
                where,
                'a Clerk element needs data-template="@content-id" (or data-api)',
            )
            return False
        if template[1:] not in self.content_ids:
            self.problem(
                "content-id-unknown",
                visit,
                where,
                f"the Content {template[1:]!r} is not one the store's Clerk account has",
            )
        self._check_twice(visit, element, placed)
        search = element.data("instant-search") is None and self._is_search(element)
        if search and element.data("query") is None:
            self.problem(
                "attribute-missing", visit, where, "the search page placement has no data-query"
            )
        return True

    @staticmethod
    def _is_search(element: ClerkElement) -> bool:
        return element.attributes.get("id") == "clerk-search" or element.data("target") is not None

    def _check_twice(
        self, visit: PageVisit, element: ClerkElement, seen: list[ClerkElement]
    ) -> None:
        excluded = {s.strip() for s in (element.data("exclude-from") or "").split(",")}
        for earlier in seen:
            if earlier.template != element.template:
                continue
            if any(f".{name}" in excluded for name in earlier.classes if name != "clerk"):
                continue
            self.problem(
                "placement-twice",
                visit,
                element.describe(),
                f"the Content {element.template} is placed again on the page (first "
                f"at line {earlier.line}) without data-exclude-from its products",
            )
            return

    def _check_sale(self, visit: PageVisit, element: ClerkElement, uses: list[IdUse]) -> None:
        """The ``data-api="log/sale"`` element Clerk.js logs the sale of."""
        sale, products = element.data("sale"), element.data("products")
        self._check_page_sale(
            visit,
            element.describe(),
            None if sale is None or sale.strip() == "" else attribute_value(sale),
            None if products is None else attribute_value(products),
            uses,
            named=("data-sale", "data-products"),
        )

    def _check_sale_call(self, visit: PageVisit, call: ClerkCall, uses: list[IdUse]) -> None:
        """``Clerk("call", "log/sale", {sale, products, ...})``, as ``{% clerk_sales_tracking
        %}`` writes it for ``"sales": "both"``: the same sale as the element."""
        data = call.args[2] if len(call.args) > 2 and isinstance(call.args[2], dict) else {}
        sale = data.get("sale")
        self._check_page_sale(
            visit,
            call.describe(),
            None if sale in (None, "") else sale,
            data.get("products"),
            uses,
            named=("sale", "products"),
        )

    def _check_page_sale(
        self,
        visit: PageVisit,
        where: str,
        sale: Any,
        products: Any,
        uses: list[IdUse],
        *,
        named: tuple[str, str],
    ) -> None:
        """A sale the page has Clerk.js log; ``named``: what its id and products are called."""
        if sale is None:
            self.problem("attribute-missing", visit, where, f"the log/sale has no {named[0]}")
        else:
            uses.append(("orders", sale, where))
            if not self.browser:  # in a browser, the call Clerk.js makes is counted instead
                self.sales.append((str(sale), visit.label, "browser (the page's tag)"))
        if products is None:
            self.problem("attribute-missing", visit, where, f"the log/sale has no {named[1]}")
            return
        self._sale_lines(visit, where, products, uses)

    def _sale_lines(self, visit: PageVisit, where: str, lines: Any, uses: list[IdUse]) -> None:
        if not isinstance(lines, list):
            self.problem(
                "products-malformed",
                visit,
                where,
                "a sale's products must be a JSON list of {id, quantity, price}",
            )
            return
        if not lines:
            self.problem("sale-without-products", visit, where, "the sale lists no products")
        for line in lines:
            if not isinstance(line, dict):
                self.problem(
                    "products-malformed",
                    visit,
                    where,
                    f"a sale's product must be {{id, quantity, price}}, not {line!r}",
                )
                continue
            missing = [name for name in SALE_LINE_FIELDS if name not in line]
            if missing:
                self.problem(
                    "attribute-missing",
                    visit,
                    where,
                    f"a sale's product lacks {', '.join(missing)}: {line!r}",
                )
            if "id" in line:
                for value in self._product_ids(visit, where, [line["id"]]):
                    uses.append(("products", value, where))

    def _product_ids(self, visit: PageVisit, where: str, value: Any) -> list[Any]:
        """The ids of a ``products`` value; a problem when it is not a list of ids."""
        if not isinstance(value, list):
            self.problem(
                "products-malformed",
                visit,
                where,
                f"products must be a JSON list of ids, not {value!r}",
            )
            return []
        bad = [item for item in value if not feed.is_id(item)]
        if bad:
            self.problem(
                "products-malformed",
                visit,
                where,
                f"products must be ids (numbers or text), not {bad!r}",
            )
        return [item for item in value if feed.is_id(item)]

    def _check_clerk_calls(self, visit: PageVisit, uses: list[IdUse]) -> None:
        carts: list[ClerkCall] = []
        for call in visit.markup.calls:
            args, where = call.args, call.describe()
            if call.command == "context" and len(args) > 1 and isinstance(args[1], dict):
                for name, entity in (("product", "products"), ("category", "categories")):
                    if name in args[1]:
                        uses.append((entity, args[1][name], where))
            elif call.command == "cart" and len(args) > 1 and args[1] == "set":
                products = args[2] if len(args) > 2 else None
                for value in self._product_ids(visit, where, products):
                    uses.append(("products", value, where))
                conflicting = [c for c in carts if c.args[2:3] != args[2:3]]
                if conflicting:
                    self.problem(
                        "cart-conflict",
                        visit,
                        where,
                        f"the cart is set to other products at line "
                        f"{conflicting[0].line} of the same page",
                    )
                carts.append(call)
            elif call.endpoint == "log/sale":
                self._check_sale_call(visit, call, uses)

    def check_delivered(self, visit: PageVisit) -> None:
        """The calls of ``visit``, which has no page (what was delivered after the journey),
        each store's ids in that store's feeds."""
        for public_key in dict.fromkeys(call.store for call in visit.tracking_calls):
            calls = [call for call in visit.tracking_calls if call.store == public_key]
            part = PageVisit(visit.step, visit.url, visit.status, calls=calls)
            uses: list[IdUse] = []
            self._check_calls(part, uses)
            store = store_for_public_key(public_key) if public_key else None
            if store is not None:
                self._check_ids(part, store, uses)

    # -- the calls Clerk received during the step ----------------------------------------
    def _check_calls(self, visit: PageVisit, uses: list[IdUse]) -> None:
        for call in visit.tracking_calls:
            where = describe_call(call)
            if call.status is None or call.status >= 400:
                self.problem(
                    "clerk-call-failed",
                    visit,
                    where,
                    f"Clerk answered {call.status or 'nothing'} to {call.path}",
                )
            browser = from_browser(call)
            if call.path == "log/sale":
                sale = call.params.get("sale")
                if sale is None:
                    self.problem("attribute-missing", visit, where, "the log/sale has no sale")
                else:
                    who = "browser (Clerk.js)" if browser else "server"
                    self.sales.append((str(sale), visit.label, who))
            if not call.path.startswith("log/"):
                continue
            if browser:  # ids a script computed; the markup's are checked on the markup
                named = {(entity, str(value)) for entity, value, _ in uses}
                uses.extend(
                    ("products", value, where)
                    for value in _product_ids_of(call)
                    if ("products", str(value)) not in named
                )
            elif call.path == "log/sale":
                self._sale_lines(visit, where, call.params.get("products"), uses)
            elif "products" in call.params:
                for value in self._product_ids(visit, where, call.params["products"]):
                    uses.append(("products", value, where))

    def _check_ids(self, visit: PageVisit, store: Any, uses: list[IdUse]) -> None:
        lookup = self._feeds.setdefault(str(store.pk), feed.FeedIds(store))
        for entity in feed.UNKNOWN_CODES:
            named = [
                (value, where) for e, value, where in uses if e == entity and feed.is_id(value)
            ]
            if not named or not lookup.mapped(entity):
                continue
            verdicts = lookup.verdicts(entity, [value for value, _ in named])
            name = feed.NAMES[entity]
            for (value, where), verdict in zip(named, verdicts, strict=True):
                if verdict.unknown:
                    self.problem(
                        feed.UNKNOWN_CODES[entity],
                        visit,
                        where,
                        f"{name} id {value!r} is not in the store's {name} feed",
                    )
                elif verdict.wrong_type:
                    self.problem(
                        "id-type-mismatch",
                        visit,
                        where,
                        f"{name} id {value!r} is not the feed's {verdict.feed_id!r}",
                    )

    # -- the whole journey ---------------------------------------------------------------
    def check_sales(self) -> None:
        """Each sale is logged once, by the browser or by the server."""
        by_sale: dict[str, list[tuple[str, str]]] = {}
        for sale, page, who in self.sales:
            by_sale.setdefault(sale, []).append((page, who))
        for sale, logged in by_sale.items():
            if len(logged) < 2:
                continue
            where = "; ".join(f"{who} on {page}" for page, who in logged)
            self.report.add(
                Problem(
                    "event-fired-twice",
                    logged[-1][0],
                    where,
                    f"the sale {sale} is logged {len(logged)} times",
                )
            )


def _product_ids_of(call: RecordedRequest) -> list[Any]:
    """The product ids a ``log/*`` call names: its ``products`` (ids, or sale lines)."""
    products = call.params.get("products")
    if not isinstance(products, list):
        return []
    ids = [item.get("id") if isinstance(item, dict) else item for item in products]
    return [value for value in ids if feed.is_id(value)]
