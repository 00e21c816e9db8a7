"""Labels: the names my.clerk.io shows the performance of each results call under.

Clerk attributes clicks and sales to the results a visitor was shown only when the call that
returned them carried the visitor id and ``labels`` (a list of at least one string). Every
results call (``recommendations/*`` and ``search/*``) of :class:`~django_clerk.client.
ClerkClient` therefore carries labels unless ``CLERK["DEFAULT_LABELS"]`` is ``False``:

1. the ``labels`` given to the call;
2. else the labels of the client (:meth:`~django_clerk.client.ClerkClient.labelled`);
3. else ``"<page> - <endpoint>"``: the URL name of the request the client was bound to with
   :meth:`~django_clerk.client.ClerkClient.with_visitor` (``"shop:home"``) and the endpoint
   (``"recommendations/popular"``): ``["shop:home - recommendations/popular"]``; without a
   named URL (no request, or a view without a URL name), the endpoint alone.

The page is the URL *name*, never the path: one product page or one search is not a label of
its own in my.clerk.io.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django_clerk.conf import clerk_settings

#: The endpoints that return results to show: those calls carry labels.
RESULTS_ENDPOINTS = ("recommendations/", "search/")


def page_name(request: Any) -> str:
    """The URL name of the view ``request`` was routed to (``"shop:home"``), ``""`` if none."""
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "view_name", None) if getattr(match, "url_name", None) else None
    return name if isinstance(name, str) else ""


def as_labels(value: Any) -> list[str] | None:
    """``labels`` as Clerk takes them: a list of strings (one string becomes a list of one);
    ``None`` for no labels (``None``, ``[]``, ``""``): the default labels apply.

    :raises ValueError: ``value`` is neither a string nor an iterable of labels."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value] if value else None
    if isinstance(value, (bytes, dict)) or not isinstance(value, Iterable):
        raise ValueError(
            f"labels must be a string or a list of strings, not {type(value).__name__}"
        )
    return [str(label) for label in value] or None


def default_labels(endpoint: str, page: str = "") -> list[str] | None:
    """The labels a results call to ``endpoint`` carries when its caller gave none (see the
    module's rule); ``None`` for other calls, and with ``CLERK["DEFAULT_LABELS"]`` off."""
    endpoint = endpoint.strip("/")
    if not clerk_settings.DEFAULT_LABELS or not endpoint.startswith(RESULTS_ENDPOINTS):
        return None
    return [f"{page} - {endpoint}" if page else endpoint]
