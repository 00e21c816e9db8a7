"""The app's models, one module per concern."""

from django_clerk.models.consent import ForgottenCustomer, UsedUnsubscribeLink, email_hash
from django_clerk.models.feeds import FeedCrawl, FeedCursor
from django_clerk.models.store import Credentials, Store
from django_clerk.models.storefront import StorefrontSettings
from django_clerk.models.sync import FullSyncRecord, PendingChange, SyncCheckpoint

__all__ = [
    "Credentials",
    "FeedCrawl",
    "FeedCursor",
    "ForgottenCustomer",
    "FullSyncRecord",
    "PendingChange",
    "Store",
    "StorefrontSettings",
    "SyncCheckpoint",
    "UsedUnsubscribeLink",
    "email_hash",
]
