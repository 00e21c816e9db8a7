"""What the tracking validator reports: problems with stable codes, and the report of a run.

Each :class:`Problem` names its code (one of :data:`PROBLEM_CODES`), the page (the journey's
step and the URL it showed), the element or call at fault and what is wrong with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PROBLEM_CODES: dict[str, str] = {
    "page-error": "a step's page answered an error status, or not an HTML page",
    "clerk-js-missing": "the page does not load Clerk.js ({% clerk_js %} missing)",
    "public-key-missing": "Clerk.js is loaded without Clerk('config', {key: ...})",
    "public-key-unknown": "Clerk.js is configured with a public key no active store has",
    "content-id-missing": 'a Clerk element has neither data-template="@content-id" nor data-api',
    "content-id-unknown": "a placement names a Content the store's Clerk account does not have",
    "products-malformed": "data-products (or a call's products) is not a JSON list of ids",
    "product-id-unknown": "a product id is not in the store's product feed",
    "category-id-unknown": "a category id is not in the store's category feed",
    "sale-id-unknown": "a sale's id is not an order of the store's order feed",
    "id-type-mismatch": (
        "an id is a number where the feed sends text, or text where it sends a number"
    ),
    "attribute-missing": "a required attribute is missing (log/sale without data-sale, ...)",
    "sale-without-products": "a log/sale has no products",
    "event-fired-twice": "one sale is logged more than once (browser and server together)",
    "placement-twice": "one Content is placed twice on a page, the second not excluding the first",
    "cart-conflict": "one page sets the cart to different products",
    "clerk-call-failed": "a call to Clerk (from the browser or the server) was refused",
}


@dataclass(frozen=True)
class Problem:
    code: str
    page: str
    element: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_CODES:
            raise ValueError(f"Unknown tracking problem code {self.code!r}")

    def text(self) -> str:
        return f"[{self.code}] {self.page}: {self.message}\n    at {self.element}"


@dataclass
class PageSummary:
    """One step of the journey as the report shows it."""

    step: str
    url: str
    status: int
    clerk_elements: int
    clerk_calls: int


@dataclass
class Report:
    """What a run of the validator found. ``ok`` when there is no problem."""

    mode: str
    pages: list[PageSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        """The codes of the problems, in order, each once."""
        return list(dict.fromkeys(p.code for p in self.problems))

    def add(self, problem: Problem) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "mode": self.mode,
            "pages": [asdict(p) for p in self.pages],
            "problems": [asdict(p) for p in self.problems],
        }

    def text(self) -> str:
        lines = [f"Tracking validation ({self.mode}), {len(self.pages)} pages:"]
        for page in self.pages:
            lines.append(
                f"  {page.step}: {page.url} ({page.status}), Clerk elements: "
                f"{page.clerk_elements}, calls to Clerk: {page.clerk_calls}"
            )
        if self.ok:
            lines.append("No tracking problems found.")
            return "\n".join(lines)
        lines.append(f"{len(self.problems)} tracking problem(s):")
        lines.extend(problem.text() for problem in self.problems)
        return "\n".join(lines)

    def assert_ok(self) -> None:
        """Raise ``AssertionError`` listing every problem, if there is any."""
        if not self.ok:
            raise AssertionError(self.text())
