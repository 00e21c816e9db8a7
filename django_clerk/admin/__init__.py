"""Django admin for the app: one module per concern."""

from django_clerk.admin.feeds import FeedCrawlAdmin
from django_clerk.admin.storefront import StorefrontSettingsInline
from django_clerk.admin.stores import StoreAdmin
from django_clerk.admin.sync import PendingChangeAdmin, SyncCheckpointAdmin

__all__ = [
    "FeedCrawlAdmin",
    "PendingChangeAdmin",
    "StoreAdmin",
    "StorefrontSettingsInline",
    "SyncCheckpointAdmin",
]
