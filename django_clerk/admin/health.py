"""The health page of each store in the admin: ``admin/django_clerk/store/<id>/health/``.

It shows :func:`~django_clerk.sync.status.store_status`: the keys, the last feed crawls, the
pending and failed changes, the last delivery error, the delivery mode, whether deliveries
pick up due changes; ``?data=1`` adds the data-health summary (it renders every feed). The
stores' list links to it. Viewing it needs the permission to view stores.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from django_clerk.admin.stores import StoreAdmin
from django_clerk.models import Store
from django_clerk.sync.status import store_status


class StoreHealthAdmin(StoreAdmin):
    """The stores' admin with a health page per store."""

    list_display = (*StoreAdmin.list_display, "health_link")  # type: ignore[assignment]

    def get_urls(self) -> list[URLPattern]:
        health = path(
            "<path:object_id>/health/",
            self.admin_site.admin_view(self.health_view),
            name="django_clerk_store_health",
        )
        return [health, *super().get_urls()]

    @admin.display(description=_("health"))
    def health_link(self, store: Store) -> str:
        url = reverse("admin:django_clerk_store_health", args=[store.pk])
        return format_html('<a href="{}">{}</a>', url, _("health"))

    def health_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        store = self.get_object(request, object_id)
        if store is None:
            raise Http404("No such store")
        if not self.has_view_or_change_permission(request, store):
            raise PermissionDenied
        status = store_status(store, check_data=request.GET.get("data") == "1")
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Clerk.io health of %(store)s") % {"store": store},
            "opts": self.model._meta,
            "original": store,
            "status": status,
        }
        return TemplateResponse(request, "django_clerk/admin/health.html", context)
