"""What a store shows on the storefront: Clerk placements on/off and their Content ids.

One optional row per store, edited inline on the store's admin page, like the settings pages
of Clerk's official extensions. A store without a row uses the defaults below (every
placement on, the official extensions' Content ids), so the template tags work before anyone
opens the admin.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_clerk.models.store import Store

CONTENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def split_content_ids(value: str) -> list[str]:
    """``"a, b,,c"`` → ``["a", "b", "c"]``; a leading ``@`` (Clerk.js' notation) is dropped."""
    return [part.strip().lstrip("@") for part in (value or "").split(",") if part.strip()]


def validate_content_ids(value: str) -> None:
    bad = [cid for cid in split_content_ids(value) if not CONTENT_ID_RE.match(cid)]
    if bad:
        raise ValidationError(
            _("Content ids are letters, digits, - and _, separated by commas: %(bad)s"),
            params={"bad": ", ".join(bad)},
            code="invalid_content_id",
        )


class ContentIdsField(models.CharField):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Comma-separated Clerk Content ids."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_content_ids)


class StorefrontSettings(models.Model):
    """Storefront options of one :class:`~django_clerk.models.Store`."""

    class PowerstepType(models.TextChoices):
        PAGE = "page", _("page")
        POPUP = "popup", _("popup")

    class Positioning(models.TextChoices):
        LEFT = "left", _("left")
        CENTER = "center", _("center")
        RIGHT = "right", _("right")
        BELOW = "below", _("below")

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="storefront_settings", verbose_name=_("store")
    )

    product_placements = models.BooleanField(_("product page placements"), default=True)
    product_content_ids = ContentIdsField(
        _("product page Content ids"),
        default="product-page-alternatives, product-page-others-also-bought",
    )
    category_placements = models.BooleanField(_("category page placements"), default=True)
    category_content_ids = ContentIdsField(
        _("category page Content ids"), default="category-page-popular"
    )
    cart_placements = models.BooleanField(_("cart page placements"), default=True)
    cart_content_ids = ContentIdsField(
        _("cart page Content ids"), default="cart-others-also-bought"
    )
    filter_duplicates = models.BooleanField(
        _("filter duplicates"),
        default=True,
        help_text=_("Placements further down a page leave out products shown above them."),
    )

    powerstep = models.BooleanField(_("powerstep"), default=True)
    powerstep_type = models.CharField(
        _("powerstep type"),
        max_length=10,
        choices=PowerstepType.choices,
        default=PowerstepType.PAGE,
        help_text=_("After add-to-cart: placements on a page, or in a popup."),
    )
    powerstep_content_ids = ContentIdsField(
        _("powerstep Content ids"),
        default="power-step-others-also-bought, power-step-visitor-complementary, "
        "power-step-popular",
    )

    exit_intent = models.BooleanField(_("exit intent"), default=True)
    exit_intent_content_id = ContentIdsField(
        _("exit intent Content id"), max_length=100, default="exit-intent"
    )

    search_page = models.BooleanField(_("search page"), default=True)
    search_content_id = ContentIdsField(
        _("search page Content id"), max_length=100, default="search-page"
    )
    search_facets = models.CharField(
        _("search facet attributes"),
        max_length=500,
        blank=True,
        default="price, categories, brand",
        help_text=_("Product attributes to filter search results by, comma-separated."),
    )

    live_search = models.BooleanField(_("live search"), default=True)
    live_search_content_id = ContentIdsField(
        _("live search Content id"), max_length=100, default="live-search"
    )
    live_search_selector = models.CharField(
        _("live search input selector"),
        max_length=200,
        default="#search",
        help_text=_("CSS selector of the search field the live search attaches to."),
    )
    live_search_suggestions = models.PositiveSmallIntegerField(
        _("live search suggestions"), default=6, validators=[MaxValueValidator(50)]
    )
    live_search_categories = models.PositiveSmallIntegerField(
        _("live search categories"), default=6, validators=[MaxValueValidator(50)]
    )
    live_search_pages = models.PositiveSmallIntegerField(
        _("live search pages"), default=6, validators=[MaxValueValidator(50)]
    )
    live_search_positioning = models.CharField(
        _("live search positioning"),
        max_length=10,
        choices=Positioning.choices,
        default=Positioning.RIGHT,
    )

    currency_symbol = models.CharField(
        _("currency symbol"),
        max_length=10,
        blank=True,
        help_text=_("Empty: CLERK['CURRENCY_SYMBOL']."),
    )
    currency_iso = models.CharField(
        _("currency ISO code"),
        max_length=3,
        blank=True,
        help_text=_("e.g. DKK. Empty: CLERK['CURRENCY_ISO']."),
    )

    class Meta:
        verbose_name = _("storefront settings")
        verbose_name_plural = _("storefront settings")

    def __str__(self) -> str:
        return str(_("Storefront of %(store)s")) % {"store": self.store}

    @classmethod
    def for_store(cls, store: Store) -> StorefrontSettings:
        """The store's saved settings, or unsaved defaults; cached on the store instance."""
        cached = store.__dict__.get("_clerk_storefront_settings")
        if cached is None:
            cached = cls.objects.filter(store=store).first() or cls(store=store)
            store.__dict__["_clerk_storefront_settings"] = cached
        return cached

    def content_ids(self, kind: str) -> list[str]:
        """The Content ids of placement ``kind`` (product, category, cart, powerstep,
        exit_intent, search, live_search); ``[]`` when that placement is switched off."""
        switch, ids = {
            "product": ("product_placements", "product_content_ids"),
            "category": ("category_placements", "category_content_ids"),
            "cart": ("cart_placements", "cart_content_ids"),
            "powerstep": ("powerstep", "powerstep_content_ids"),
            "exit_intent": ("exit_intent", "exit_intent_content_id"),
            "search": ("search_page", "search_content_id"),
            "live_search": ("live_search", "live_search_content_id"),
        }[kind]
        return split_content_ids(getattr(self, ids)) if getattr(self, switch) else []

    @property
    def facet_attributes(self) -> list[str]:
        return [part.strip() for part in self.search_facets.split(",") if part.strip()]
