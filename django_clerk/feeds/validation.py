"""Clerk's rules, checked on every served object without slowing the feed down.

An object that breaks them is still served (dropping it would shorten the page, and a short
page ends the importer's crawl): the feed logs a WARNING naming entity, object and field, once
per page. Every object is checked for the mandatory fields and their types; the first object
of each page also gets the full check (attribute names, optional fields' types).
"""

from __future__ import annotations

import logging
from typing import Any

from django_clerk.conf import clerk_settings
from django_clerk.mapping.validation import REQUIRED, problems

logger = logging.getLogger("django_clerk.feeds")


def _is_valid_required(required: list[tuple[str, tuple[type, ...]]], item: dict) -> bool:
    for name, types in required:
        value = item.get(name)
        if value is None or not isinstance(value, types):
            return False
        if value.__class__ is bool and bool not in types:
            return False
    return True


def check_items(entity: str, items: list[dict[str, Any]]) -> int:
    """Log the objects of ``items`` that break Clerk's rules; return how many do."""
    if not items or not clerk_settings.VALIDATE:
        return 0
    required = list(REQUIRED[entity].items())
    broken = [item for item in items if not _is_valid_required(required, item)]
    if not broken and problems(entity, items[0]):
        broken = [items[0]]
    if broken:
        first = problems(entity, broken[0])
        logger.warning(
            "%s feed: %d of %d objects break Clerk's rules, e.g. %s",
            entity,
            len(broken),
            len(items),
            "; ".join(str(p.message) for p in first[:3]) or "unknown problem",
        )
    return len(broken)
