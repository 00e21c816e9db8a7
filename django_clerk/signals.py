"""Public signals of the app, for monitoring and for code that reacts to Clerk's state.

``changes_delivered``
    Sent by the delivery after Clerk took a batch of one store and entity. Arguments:
    ``sender`` (the :class:`~django_clerk.models.Store`), ``entity`` (``"products"``...),
    ``upserted`` and ``deleted`` (object ids, as text, that Clerk confirmed).
``delivery_failed``
    Sent by the delivery when a batch met an error. Arguments: ``sender`` (the store),
    ``entity``, ``object_ids`` (the ids concerned), ``error`` (the error's text, never a key),
    ``transient`` (``True``: the changes wait for a retry; ``False``: Clerk refused the objects
    or the keys, and they are kept failed or waiting for an admin).
``feed_crawled``
    Sent when a crawl of a feed by Clerk's importer finished (its last page was served).
    Arguments: ``sender`` (the store), ``entity``, ``crawl`` (the
    :class:`~django_clerk.models.FeedCrawl` record, with its ``pages`` and ``items``).

Receivers run in the process that delivers or serves the feed, after the database work; an
exception in a receiver is logged and never fails the delivery or the feed (the signals are
sent with ``send_robust``). A rehearsal that is rolled back (the tracking validator's
delivery to the fake Clerk) sends none: see :func:`signals_muted`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.dispatch import Signal

__all__ = ["changes_delivered", "delivery_failed", "feed_crawled", "send_safely", "signals_muted"]

logger = logging.getLogger("django_clerk.signals")

changes_delivered = Signal()
delivery_failed = Signal()
feed_crawled = Signal()
_muted: ContextVar[bool] = ContextVar("django_clerk_signals_muted", default=False)


@contextmanager
def signals_muted() -> Iterator[None]:
    """Send none of these signals in the block: what it does is rolled back, so nothing it
    reports happened."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def send_safely(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal``; a receiver's exception is logged, never raised. Nothing is sent
    inside :func:`signals_muted`."""
    if _muted.get():
        return
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "A receiver of a django_clerk signal failed: %r",
                receiver,
                exc_info=(type(result), result, result.__traceback__),
            )
