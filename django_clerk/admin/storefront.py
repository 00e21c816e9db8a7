"""The storefront settings of a store, as an inline on the store's admin page.

The Content id fields list the Contents the store has in Clerk (``content/list``, asked once
every few minutes per store) and flag configured ids Clerk does not know, like the
dropdowns of the official extensions, without blocking a save when Clerk is unreachable.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.models import Store, StorefrontSettings
from django_clerk.models.storefront import ContentIdsField, split_content_ids

CONTENT_IDS_CACHE_SECONDS = 300
CONTENT_IDS_FAILURE_CACHE_SECONDS = 30


def clerk_content_ids(store: Store | None) -> list[str] | None:
    """The ids of the store's Contents in Clerk, cached; ``None`` when unknown (no keys, or
    Clerk did not answer)."""
    if store is None or store.pk is None or not store.is_configured:
        return None
    key = f"django_clerk:content-ids:{store.pk}:{store.credentials().public_key}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    client = ClerkClient.for_store(store, retries=0, timeout=3.0)
    try:
        ids = client.content_ids()
    except ClerkError:
        cache.set(key, [], CONTENT_IDS_FAILURE_CACHE_SECONDS)
        return None
    finally:
        client.close()
    cache.set(key, ids, CONTENT_IDS_CACHE_SECONDS)
    return ids


class StorefrontSettingsForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at runtime
    available_content_ids: list[str] | None = None

    class Meta:
        model = StorefrontSettings
        fields = [f.name for f in StorefrontSettings._meta.fields if f.name not in ("id", "store")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        available = self.available_content_ids
        if not available:
            return
        for name, field in self.fields.items():
            if not isinstance(StorefrontSettings._meta.get_field(name), ContentIdsField):
                continue
            current = self.initial.get(name) or field.initial or ""
            unknown = [cid for cid in split_content_ids(current) if cid not in available]
            notes = [str(_("In Clerk: %(ids)s.")) % {"ids": ", ".join(available)}]
            if unknown:
                notes.append(str(_("Not in Clerk: %(ids)s.")) % {"ids": ", ".join(unknown)})
            field.help_text = " ".join(notes)


class StorefrontSettingsInline(admin.StackedInline):  # type: ignore[type-arg]  # not subscriptable at runtime
    model = StorefrontSettings
    form = StorefrontSettingsForm
    can_delete = False
    extra = 1
    max_num = 1
    verbose_name_plural = _("Storefront")
    fieldsets = (
        (
            _("Placements"),
            {
                "fields": (
                    ("product_placements", "product_content_ids"),
                    ("category_placements", "category_content_ids"),
                    ("cart_placements", "cart_content_ids"),
                    "filter_duplicates",
                )
            },
        ),
        (
            _("Powerstep and exit intent"),
            {
                "fields": (
                    ("powerstep", "powerstep_type", "powerstep_content_ids"),
                    ("exit_intent", "exit_intent_content_id"),
                )
            },
        ),
        (
            _("Search"),
            {
                "fields": (
                    ("search_page", "search_content_id", "search_facets"),
                    ("live_search", "live_search_content_id", "live_search_selector"),
                    (
                        "live_search_suggestions",
                        "live_search_categories",
                        "live_search_pages",
                        "live_search_positioning",
                    ),
                )
            },
        ),
        (_("Currency"), {"fields": (("currency_symbol", "currency_iso"),)}),
    )

    def get_formset(self, request: HttpRequest, obj: Store | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(
            "StorefrontSettingsForm",
            (formset.form,),
            {"available_content_ids": clerk_content_ids(obj)},
        )
        return formset
