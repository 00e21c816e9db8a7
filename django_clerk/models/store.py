"""A Clerk store: one Clerk key pair, one language or market, and its sync options."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_clerk.absolute_urls import join_url
from django_clerk.conf import clerk_settings

if TYPE_CHECKING:
    from django_clerk.client import ClerkClient

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


class Credentials:
    """The effective key pair of a store (settings win over the database).

    ``private_key`` may be given as a function: it is then called on first access only, so
    code that needs the public key alone (the storefront) never loads the private key.
    """

    __slots__ = ("_load_private", "_private_key", "public_key")

    def __init__(self, public_key: str, private_key: str | Callable[[], str]) -> None:
        self.public_key = public_key
        self._private_key: str | None = None
        self._load_private: Callable[[], str] | None = None
        if callable(private_key):
            self._load_private = private_key
        else:
            self._private_key = private_key

    @property
    def private_key(self) -> str:
        if self._private_key is None:
            assert self._load_private is not None
            self._private_key, self._load_private = self._load_private() or "", None
        return self._private_key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        mine = f"{self.public_key}\0{self.private_key}".encode()
        theirs = f"{other.public_key}\0{other.private_key}".encode()
        return hmac.compare_digest(mine, theirs)

    __hash__ = None  # type: ignore[assignment]

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
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code such as DKK or EUR."))],
        help_text=_(
            "ISO 4217 code of the prices this store sends, e.g. EUR. Empty: "
            "CLERK['BASE_CURRENCY'], the currency the shop keeps its prices in."
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
        _("accept the private key in requests"),
        default=False,
        help_text=_(
            "Let Clerk's importer sign in with the public and private key sent in the request, "
            "in the query string (?key=...&private_key=...) or in a POST body, as older Clerk "
            "extensions do. Off: only the bearer token that Clerk issues to its importer "
            "(X-Clerk-Authorization) is accepted; the token is always accepted."
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
        default store, then the database. Settings are read live, on every call.

        The private key is looked up only when it is read: a store loaded without it (the
        storefront's cached stores, see :mod:`django_clerk.stores`) loads it from the
        database then, and only then.
        """
        return Credentials(self.public_key_in_force, self._private_key_in_force)

    @property
    def public_key_in_force(self) -> str:
        """The effective public key (settings first), without touching the private key."""
        public = self.public_key
        configured = (clerk_settings.STORES or {}).get(self.code) or {}
        if self.code == DEFAULT_STORE_CODE:
            public = clerk_settings.PUBLIC_KEY or public
        return configured.get("PUBLIC_KEY") or public or ""

    def _private_key_in_force(self) -> str:
        configured = (clerk_settings.STORES or {}).get(self.code) or {}
        private = configured.get("PRIVATE_KEY")
        if not private and self.code == DEFAULT_STORE_CODE:
            private = clerk_settings.PRIVATE_KEY
        return private or self.private_key or ""

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

    def get_currency(self) -> str:
        """The ISO 4217 code of this store's prices: ``CLERK['STORES'][code]['CURRENCY']``,
        then the stored currency, then ``CLERK['BASE_CURRENCY']`` ("" when none is set)."""
        configured = (clerk_settings.STORES or {}).get(self.code) or {}
        found = configured.get("CURRENCY") or self.currency or clerk_settings.BASE_CURRENCY
        return str(found or "").upper()

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

    def client(self) -> ClerkClient:
        """A Clerk API client with this store's credentials."""
        from django_clerk.client import ClerkClient

        return ClerkClient.for_store(self)
