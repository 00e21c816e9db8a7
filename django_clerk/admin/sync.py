"""Pending and failed real-time changes in the admin, with a "retry now" action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_clerk.models import PendingChange, SyncCheckpoint
from django_clerk.models.sync import PendingChangeQuerySet
from django_clerk.sync import dispatch


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    list_display = ["entity", "object_id", "store", "state", "attempts", "due_at", "reason"]
    list_filter = ["state", "entity", "store"]
    search_fields = ["object_id", "last_error"]
    ordering = ["state", "due_at", "pk"]
    list_select_related = ["store"]
    actions = ["retry_now"]
    readonly_fields = [
        "store",
        "entity",
        "object_id",
        "state",
        "attempts",
        "due_at",
        "claimed_until",
        "last_error",
        "created_at",
        "updated_at",
    ]
    fields = tuple(readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PendingChange]:
        """Sales remembered as sent are nothing left to do: not listed."""
        return super().get_queryset(request).exclude(state=PendingChange.State.SENT)

    @admin.display(description=_("reason"))
    def reason(self, obj: PendingChange) -> str:
        return Truncator(obj.last_error).chars(120)

    @admin.action(description=_("Retry the selected changes now"), permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: PendingChangeQuerySet) -> None:
        count = queryset.retry_now()
        if count:
            transaction.on_commit(dispatch.after_commit, using=queryset.db)
        self.message_user(
            request,
            ngettext(
                "%(count)d change will be delivered again.",
                "%(count)d changes will be delivered again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SyncCheckpoint)
class SyncCheckpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Interrupted full syncs; deleting one makes the next ``clerk_sync`` start over."""

    list_display = ["store", "entity", "since", "last_pk", "sent", "started_at", "updated_at"]
    list_filter = ["entity", "store"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
