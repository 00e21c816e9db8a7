"""Read-only admin of the feed crawls Clerk's importer made.

A running crawl keeps its counters on its cursor; the list shows those while it runs. Crawls
the wipe guard refused are shown with the size they were compared with; the action "Accept
the new size" releases them (see :mod:`django_clerk.feeds.guard`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_clerk.feeds.guard import release
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
        "wipe_guard",
    ]
    list_filter = ["store", "entity", "protocol", "incremental", "refused"]
    actions = ["release_guard"]
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

    @admin.display(description=_("wipe guard"), ordering="refused")
    def wipe_guard(self, crawl: FeedCrawl) -> str:
        if not crawl.refused:
            return ""
        if crawl.released_at is not None:
            return str(_("released: %(items)d accepted") % {"items": crawl.items})
        return str(
            _("REFUSED: %(items)d items, last complete crawl %(baseline)d")
            % {"items": crawl.items, "baseline": crawl.baseline or 0}
        )

    @admin.action(
        description=_("Accept the new size (release the wipe guard)"),
        permissions=["release"],
    )
    def release_guard(self, request: Any, queryset: QuerySet[FeedCrawl]) -> None:
        released = release(queryset)
        if released:
            self.message_user(
                request,
                _("%(count)d refused crawl(s) released: the next crawl is served.")
                % {"count": released},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("No refused crawl was selected."), messages.WARNING)

    def has_release_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
