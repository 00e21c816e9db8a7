"""Read-only admin of the feed crawls Clerk's importer made."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from django_clerk.models import FeedCrawl


@admin.register(FeedCrawl)
class FeedCrawlAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "store",
        "entity",
        "protocol",
        "incremental",
        "pages",
        "items",
        "duration",
        "finished",
    ]
    list_filter = ["store", "entity", "protocol", "incremental"]
    date_hierarchy = "started_at"
    list_select_related = ["store"]

    @admin.display(boolean=True, description=_("finished"))
    def finished(self, crawl: FeedCrawl) -> bool:
        return crawl.is_finished

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
