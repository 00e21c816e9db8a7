"""A Clerk store: one Clerk key pair, one language or market, and its sync options."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_clerk.conf import clerk_settings
from django_clerk.mapping.values import join_url

DEFAULT_STORE_CODE = "default"

#: The data-sync options of a store, as in Clerk's official extensions.
SYNC_OPTIONS = (
    "realtime_updates",
    "include_out_of_stock",
    "collect_emails",
    "sync_orders",
    "sync_customers",
    "sync_pages",
)
#: Entities a store sends only when one of its options is on.
ENTITY_OPTIONS = {"orders": "sync_orders", "customers": "sync_customers", "pages": "sync_pages"}


@dataclass(frozen=True)
class Credentials:
    """The effective key pair of a store (settings win over the database)."""

    public_key: str
    private_key: str

    def __repr__(self) -> str:  # never show the private key
        return f"Credentials(public_key={self.public_key!r}, private_key='***')"

    __str__ = __repr__


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class StoreQuerySet(models.QuerySet["Store"]):
    def active(self) -> StoreQuerySet:
        return self.filter(is_active=True)


class Store(models.Model):
    """One Clerk store. A shop with several languages or markets has one store for each."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Stable identifier; keys in settings.CLERK['STORES'] are looked up by it."),
    )
    public_key = models.CharField(_("public key"), max_length=128, blank=True)
    private_key = models.CharField(
        _("private key"),
        max_length=128,
        blank=True,
        help_text=_("Write-only: it is never shown again once saved."),
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        help_text=_("Feeds and pushes of this store are rendered in this language."),
    )
    base_url = models.URLField(
        _("base URL"),
        blank=True,
        help_text=_(
            "Absolute base of product and image URLs, e.g. https://shop.example.com/da/. "
            "Empty: CLERK['BASE_URL'], then the current Site's domain."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Data sync options, as in Clerk's official extensions.
    realtime_updates = models.BooleanField(
        _("real-time updates"), default=True, help_text=_("Push changes to Clerk as they happen.")
    )
    include_out_of_stock = models.BooleanField(_("include out-of-stock products"), default=False)
    collect_emails = models.BooleanField(
        _("collect emails"),
        default=True,
        help_text=_("Send customer emails with orders, sales tracking and customers."),
    )
    sync_orders = models.BooleanField(_("sync orders"), default=True)
    sync_customers = models.BooleanField(_("sync customers"), default=False)
    sync_pages = models.BooleanField(_("sync pages"), default=True)
    legacy_auth = models.BooleanField(
        _("allow legacy authentication"),
        default=False,
        help_text=_(
            "Accept the public and private key in a POST body, as older Clerk importers send "
            "them. Query-string keys and the bearer token are always accepted."
        ),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoreQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Clerk store")
        verbose_name_plural = _("Clerk stores")

    def __str__(self) -> str:
        return self.name

    # -- credentials -----------------------------------------------------------------
    def credentials(self) -> Credentials:
        """The key pair in force: ``CLERK['STORES'][code]``, then top-level keys for the
        default store, then the database."""
        public, private = self.public_key, self.private_key
        configured = (clerk_settings.STORES or {}).get(self.code) or {}
        if self.code == DEFAULT_STORE_CODE:
            public = clerk_settings.PUBLIC_KEY or public
            private = clerk_settings.PRIVATE_KEY or private
        public = configured.get("PUBLIC_KEY") or public
        private = configured.get("PRIVATE_KEY") or private
        return Credentials(public_key=public or "", private_key=private or "")

    @property
    def keys_from_settings(self) -> bool:
        configured = (clerk_settings.STORES or {}).get(self.code) or {}
        if configured.get("PUBLIC_KEY") or configured.get("PRIVATE_KEY"):
            return True
        return self.code == DEFAULT_STORE_CODE and bool(
            clerk_settings.PUBLIC_KEY or clerk_settings.PRIVATE_KEY
        )

    @property
    def is_configured(self) -> bool:
        creds = self.credentials()
        return bool(creds.public_key and creds.private_key)

    def syncs(self, entity: str) -> bool:
        """Whether this store's options let ``entity`` out: orders, customers and pages are
        optional, and customers (whose email Clerk requires) also need collect emails."""
        option = ENTITY_OPTIONS.get(entity)
        if entity == "customers" and not self.collect_emails:
            return False
        return option is None or bool(getattr(self, option))

    # -- rendering context -------------------------------------------------------------
    def get_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    def get_base_url(self) -> str:
        """The absolute base URL (with a trailing slash) that url and image values use."""
        base = self.base_url or clerk_settings.BASE_URL
        if not base:
            from django.apps import apps

            if apps.is_installed("django.contrib.sites"):
                from django.contrib.sites.models import Site

                base = f"https://{Site.objects.get_current().domain}"
        if not base:
            return ""
        return base if base.endswith("/") else base + "/"

    def absolute_url(self, path_or_url: str) -> str:
        """``path_or_url`` made absolute against :meth:`get_base_url`.

        Absolute URLs pass unchanged; a path starting with ``/`` replaces the base's path,
        as in a browser (``reverse()`` already includes any language prefix).
        """
        if not path_or_url:
            return ""
        return join_url(self.get_base_url(), path_or_url)

    def client(self):  # -> django_clerk.client.ClerkClient
        """A Clerk API client with this store's credentials."""
        from django_clerk.client import ClerkClient

        return ClerkClient.for_store(self)
