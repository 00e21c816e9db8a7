"""``{% load clerk_prices %}``: customers' own prices and currency formatters for Clerk.js.

- ``{% clerk_individual_prices %}``: for a logged-in customer, fills each element of Clerk's
  rendered results marked ``data-clerk-price="<product id>"`` with the customer's own price
  from the prices endpoint, as soon as Clerk.js has rendered them (``Clerk("on",
  "rendered", ...)``); nothing for anonymous visitors or without ``CLERK["INDIVIDUAL_PRICES"]``.
- ``{% clerk_currency_formatters "EUR" %}``: the formatters ``convert_currency`` and
  ``format_currency`` that show the store's prices in another currency (a currency
  switcher), with the rate from ``CLERK["CURRENCY_RATES"]``; nothing without a rate.

Put them after ``{% clerk_js %}``. Both render nothing when the store has no public key.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from django_clerk.conf import clerk_settings
from django_clerk.mapping.currency import minor_units
from django_clerk.storefront.context import csp_nonce, storefront_for
from django_clerk.storefront.escaping import script_json
from django_clerk.storefront.prices import formatter_rates, hook

register = template.Library()
NOTHING = SafeString("")
ENDPOINT = "django_clerk:individual-prices"


@register.simple_tag(takes_context=True)
def clerk_individual_prices(context: template.Context) -> SafeString:
    """The script that replaces rendered prices with the logged-in customer's own."""
    storefront = storefront_for(context)
    if not storefront.enabled or not storefront.user_is_authenticated():
        return NOTHING
    if hook("INDIVIDUAL_PRICES") is None:
        return NOTHING
    try:
        url = reverse(ENDPOINT)
    except NoReverseMatch:  # the app's URLs are not included: nothing to ask
        return NOTHING
    store = storefront.store
    currency = store.get_currency() if store is not None else ""
    return render_to_string(
        "django_clerk/individual_prices.html",
        {
            "url": script_json(url),
            "places": minor_units(currency),
            "limit": int(clerk_settings.INDIVIDUAL_PRICES_MAX_IDS),
            "nonce": csp_nonce(context),
        },
    )


@register.simple_tag(takes_context=True)
def clerk_currency_formatters(context: template.Context, shown: str) -> SafeString:
    """Formatters showing the store's prices in ``shown`` (an ISO 4217 code)."""
    storefront = storefront_for(context)
    if not storefront.enabled or not isinstance(shown, str):
        return NOTHING
    rates = formatter_rates(storefront.store, shown)
    if rates is None:
        return NOTHING
    return render_to_string(
        "django_clerk/currency_formatters.html",
        {"rates": script_json(rates), "nonce": csp_nonce(context)},
    )
