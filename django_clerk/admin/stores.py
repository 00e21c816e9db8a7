"""Clerk stores in the admin. The private key is write-only: never rendered back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_clerk.admin.storefront import StorefrontSettingsInline
from django_clerk.models import Store
from django_clerk.models.store import SYNC_OPTIONS


class StoreForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Takes a new private key, never shows the stored one; empty keeps what is stored."""

    private_key = forms.CharField(
        label=_("Private key"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Write-only. Leave empty to keep the stored key."),
    )
    clear_private_key = forms.BooleanField(label=_("Remove the stored private key"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    base_url = forms.URLField(
        label=_("Base URL"),
        required=False,
        assume_scheme="https",
        help_text=Store._meta.get_field("base_url").help_text,
    )

    class Meta:
        model = Store
        fields = [
            "name", "code", "is_active", "language", "currency", "base_url", "public_key",
            "private_key",
            "realtime_updates", "include_out_of_stock", "collect_emails", "sync_orders",
            "sync_customers", "sync_pages", "legacy_auth",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.pop("private_key", None)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Site default"))] + [
            (code, f"{name} ({code})") for code, name in settings.LANGUAGES
        ]
        if self.instance.pk and self.instance.private_key:
            self.fields["private_key"].help_text = _(
                "A private key is stored. Write-only: enter a new one to replace it."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("clear_private_key"):
            cleaned["private_key"] = ""
        elif not cleaned.get("private_key"):
            cleaned["private_key"] = self.instance.private_key if self.instance.pk else ""
        return cleaned


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    form = StoreForm
    list_display = ("name", "code", "language", "public_key", "private_key_status", "is_active")
    list_filter = ("is_active", "language", "realtime_updates")
    search_fields = ("name", "code", "public_key")
    prepopulated_fields = {"code": ("name",)}
    actions = ["verify_keys"]
    fieldsets = (
        (None, {"fields": ("name", "code", "is_active", "language", "currency", "base_url")}),
        (
            _("Keys"),
            {
                "fields": ("public_key", "private_key", "clear_private_key", "key_source"),
                "description": _(
                    "Keys in settings.CLERK (and so in environment variables) win over these."
                ),
            },
        ),
        (_("Data sync"), {"fields": SYNC_OPTIONS}),
        (
            _("Importer authentication"),
            {
                "fields": ("legacy_auth",),
                "description": _(
                    "Clerk's importer always may sign in with the bearer token Clerk issues it. "
                    "Keys sent in the request (query string or body) work only when this is on. "
                    "Changes apply on the next request."
                ),
            },
        ),
    )
    readonly_fields = ("key_source",)
    inlines = [StorefrontSettingsInline]

    @admin.display(description=_("private key"))
    def private_key_status(self, store: Store) -> str:
        if store.keys_from_settings and store.credentials().private_key:
            return str(_("set in settings"))
        return str(_("set")) if store.private_key else str(_("not set"))

    @admin.display(description=_("keys in force"))
    def key_source(self, store: Store) -> str:
        if not store.pk:
            return "-"
        source = _("settings") if store.keys_from_settings else _("this form")
        return str(_("Public key %(key)s, from %(source)s; private key %(status)s.")) % {
            "key": store.credentials().public_key or "-",
            "source": source,
            "status": self.private_key_status(store),
        }

    @admin.action(description=_("Verify the keys with Clerk"))
    def verify_keys(self, request: HttpRequest, queryset: QuerySet[Store]) -> None:
        from django_clerk.client import ClerkError

        for store in queryset:
            try:
                store.client().account_info()
            except ClerkError as exc:
                self.message_user(
                    request, f"{store}: Clerk refused the keys: {exc}", level=messages.ERROR
                )
            else:
                self.message_user(request, f"{store}: the keys work.", level=messages.SUCCESS)
