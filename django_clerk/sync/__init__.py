"""Real-time sync (push) of the shop's changes to Clerk.io, and the full sync for recovery.

Saves, deletes and many-to-many changes of mapped models become pending changes
(:class:`~django_clerk.models.PendingChange`) in the shop's own transaction
(:mod:`~django_clerk.sync.signals`, :mod:`~django_clerk.sync.outbox`); after the commit they are
delivered in batches (:mod:`~django_clerk.sync.delivery`) by a background thread, a task, or
``manage.py clerk_deliver`` (:mod:`~django_clerk.sync.dispatch`). Bulk writes of models
whose manager is a :class:`SyncedQuerySet` are recorded too (:mod:`~django_clerk.sync.bulk`).
``manage.py clerk_sync`` pushes everything (:mod:`~django_clerk.sync.full`).
"""

from django_clerk.sync.bulk import ClerkManager, SyncedQuerySet
from django_clerk.sync.control import is_paused, queue_for_sync, sync_paused

__all__ = ["ClerkManager", "SyncedQuerySet", "is_paused", "queue_for_sync", "sync_paused"]
