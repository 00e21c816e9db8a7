"""The wipe guard: a full feed crawl or full sync that would lose most of the catalogue is
refused rather than served.

Without ``modified_after``, Clerk deletes whatever a feed crawl leaves out; a broken
queryset, a mis-set store option or an empty database would serve an empty feed and wipe the
catalogue. So a full crawl (:mod:`django_clerk.feeds.guard`) or a full ``clerk_sync``
(:class:`~django_clerk.sync.full.FullSync`) that holds fewer than
``(1 - CLERK["FEED_WIPE_GUARD_SHARE"])`` times what the last complete one held is refused,
unless that one held fewer than ``CLERK["FEED_WIPE_GUARD_MIN_ITEMS"]`` objects. Orders are a
log (Clerk never deletes them): never guarded.
"""

from __future__ import annotations

from django_clerk.conf import clerk_settings

#: Entities Clerk never deletes by absence: not guarded.
UNGUARDED = frozenset({"orders"})


def guard_share() -> float | None:
    """The share of the catalogue a full crawl or sync may lose; ``None``: no guard."""
    share = clerk_settings.FEED_WIPE_GUARD_SHARE
    if share is None or isinstance(share, bool) or not isinstance(share, (int, float)):
        return None
    return float(share) if 0 < share < 1 else None


def guards(entity: str) -> bool:
    """Whether full crawls and syncs of ``entity`` are guarded at all (a cheap test, before
    any query)."""
    return entity not in UNGUARDED and guard_share() is not None


def applies(previous: int | None) -> bool:
    """Whether a catalogue of ``previous`` objects (the last complete crawl or sync; ``None``:
    none yet) is guarded: the guard is on and it is not below the minimum size."""
    if guard_share() is None or previous is None:
        return False
    return previous >= max(int(clerk_settings.FEED_WIPE_GUARD_MIN_ITEMS), 1)


def would_wipe(previous: int | None, current: int) -> bool:
    """Whether going from ``previous`` objects to ``current`` loses more than the allowed
    share."""
    if previous is None or not applies(previous):
        return False
    return current < (1 - (guard_share() or 0)) * previous


def reason(entity: str, current: int, previous: int, last: str) -> str:
    """Why a crawl or sync was refused, in one sentence."""
    share = guard_share() or 0
    return (
        f"The {entity} feed holds {current} objects, {previous - current} fewer than the "
        f"{previous} of {last}: more than {share:.0%} of the catalogue is gone, which "
        "Clerk.io's next full import would delete, so it is refused."
    )
