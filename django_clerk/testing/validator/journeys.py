"""A shop's tracking journey: the pages the validator walks, declared by the shop.

``CLERK["TRACKING_JOURNEY"]`` is the dotted path of a callable returning a :class:`Journey`
(it runs when the validator starts, so it may look up a product to visit)::

    def journey():
        product = Product.objects.filter(stock__gt=0).first()
        return Journey(
            [
                Visit("product", product.get_absolute_url()),
                Post("add to cart", f"/cart/add/{product.pk}/", {"quantity": 1}),
                Visit("cart", "/cart/"),
                Post("checkout", "/checkout/", {"email": "ci@example.com"}),
            ]
        )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from django_clerk.conf import clerk_settings


class JourneyError(Exception):
    """The journey cannot be had: not configured, not importable, or it found nothing to
    walk."""


@dataclass(frozen=True)
class Visit:
    """Open ``path`` (redirects followed)."""

    name: str
    path: str


@dataclass(frozen=True)
class Post:
    """Submit a form with ``data`` to ``path``, as the shop's own form does (with the
    page's CSRF token in a browser); the step's page is where the redirects end."""

    name: str
    path: str
    data: Mapping[str, Any] = field(default_factory=dict)


Step = Visit | Post


@dataclass(frozen=True)
class Journey:
    """The steps, in order. ``contents``: the ids of the Contents the store's Clerk account
    has (those made in my.clerk.io); ``None`` leaves the fake Clerk's list, the Contents the
    official extensions create (``product-page-alternatives``, ``search-page``...)."""

    steps: Sequence[Step]
    contents: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if not self.steps:
            raise JourneyError("A tracking journey needs at least one step")
        for step in self.steps:
            if not isinstance(step, (Visit, Post)):
                raise JourneyError(f"A journey's steps are Visit or Post, not {step!r}")


JourneySource = Journey | Iterable[Step] | Callable[[], Any] | str | None


def load_journey(source: JourneySource = None) -> Journey:
    """The journey ``source`` names: a :class:`Journey`, a list of steps, a callable returning
    either, its dotted path; ``None`` reads ``CLERK["TRACKING_JOURNEY"]``."""
    if source is None:
        source = clerk_settings.TRACKING_JOURNEY or None
        if source is None:
            raise JourneyError(
                'No tracking journey: set CLERK["TRACKING_JOURNEY"] to the dotted path of a '
                "callable returning a Journey"
            )
    if isinstance(source, str):
        try:
            source = import_string(source)
        except ImportError as exc:
            raise JourneyError(f"Cannot import the tracking journey {source!r}: {exc}") from exc
    if callable(source) and not isinstance(source, Journey):
        source = source()
    if isinstance(source, Journey):
        return source
    if isinstance(source, Iterable) and not isinstance(source, (str, bytes, Mapping)):
        return Journey(list(source))
    raise JourneyError(f"A tracking journey is a Journey or a list of steps, not {source!r}")
