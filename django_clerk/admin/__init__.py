"""Django admin for the app: one module per concern."""

from django.contrib import admin

from django_clerk.admin.feeds import FeedCrawlAdmin
from django_clerk.admin.health import StoreHealthAdmin
from django_clerk.admin.storefront import StorefrontSettingsInline
from django_clerk.admin.stores import StoreAdmin
from django_clerk.admin.sync import PendingChangeAdmin, SyncCheckpointAdmin
from django_clerk.models import Store

# The stores' admin with a health page per store (admin/health.py).
admin.site.unregister(Store)
admin.site.register(Store, StoreHealthAdmin)

__all__ = [
    "FeedCrawlAdmin",
    "PendingChangeAdmin",
    "StoreAdmin",
    "StoreHealthAdmin",
    "StorefrontSettingsInline",
    "SyncCheckpointAdmin",
]
