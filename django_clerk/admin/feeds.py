"""Read-only admin of the feed crawls Clerk's importer made.

A running crawl keeps its counters on its cursor; the list shows those while it runs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from django_clerk.models import FeedCrawl, FeedCursor

LIVE_COUNTERS = ("pages", "items", "duration")


@admin.register(FeedCrawl)
class FeedCrawlAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    list_display = [
        "started_at",
        "store",
        "entity",
        "protocol",
        "incremental",
        "pages_served",
        "items_served",
        "seconds_serving",
        "finished",
    ]
    list_filter = ["store", "entity", "protocol", "incremental"]
    date_hierarchy = "started_at"
    list_select_related = ["store"]

    def get_queryset(self, request: Any) -> QuerySet[FeedCrawl]:
        running = FeedCursor.objects.filter(crawl=OuterRef("pk"), finished=False)
        queryset: QuerySet[FeedCrawl] = (
            super()
            .get_queryset(request)
            .annotate(
                **{
                    f"live_{name}": Coalesce(Subquery(running.values(name)[:1]), F(name))
                    for name in LIVE_COUNTERS
                }
            )
        )
        return queryset

    @admin.display(description=_("pages"), ordering="pages")
    def pages_served(self, crawl: FeedCrawl) -> int:
        return getattr(crawl, "live_pages", crawl.pages)

    @admin.display(description=_("items"), ordering="items")
    def items_served(self, crawl: FeedCrawl) -> int:
        return getattr(crawl, "live_items", crawl.items)

    @admin.display(description=_("duration (s)"), ordering="duration")
    def seconds_serving(self, crawl: FeedCrawl) -> str:
        return f"{getattr(crawl, 'live_duration', crawl.duration):.3f}"

    @admin.display(boolean=True, description=_("finished"))
    def finished(self, crawl: FeedCrawl) -> bool:
        return crawl.is_finished

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
