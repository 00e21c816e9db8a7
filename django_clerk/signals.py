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
sent with ``send_robust``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal

__all__ = ["changes_delivered", "delivery_failed", "feed_crawled", "send_safely"]

logger = logging.getLogger("django_clerk.signals")

changes_delivered = Signal()
delivery_failed = Signal()
feed_crawled = Signal()


def send_safely(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal``; a receiver's exception is logged, never raised."""
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "A receiver of a django_clerk signal failed: %r",
                receiver,
                exc_info=(type(result), result, result.__traceback__),
            )
