"""One step of the journey as it was walked: the page it showed and the calls Clerk got."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_clerk.testing.recording import RecordedRequest
from django_clerk.testing.validator.markup import Markup

TRACKING_PREFIXES = ("log/", "recommendations/", "search/")
"""The calls a storefront makes to Clerk (data upserts of the real-time sync are not)."""


@dataclass
class PageVisit:
    step: str
    url: str
    status: int
    content_type: str = "text/html"
    markup: Markup = field(default_factory=Markup)
    calls: list[RecordedRequest] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.step} ({self.url})"

    @property
    def tracking_calls(self) -> list[RecordedRequest]:
        return [c for c in self.calls if c.path.startswith(TRACKING_PREFIXES)]


def from_browser(call: RecordedRequest) -> bool:
    """Whether a browser made the call: browsers name the page's origin on a cross-origin
    ``fetch`` (Clerk.js' API calls); the shop's server does not."""
    return any(name.lower() in ("origin", "sec-fetch-mode") for name in call.headers)


def describe_call(call: RecordedRequest) -> str:
    who = "browser" if from_browser(call) else "server"
    return f"{who} call {call.method} {call.path}"
