"""The app's URLs; include them where Clerk's importer should find them, e.g. ``clerk/``."""

from django.urls import URLPattern, URLResolver, path

from django_clerk.feeds.urls import feed_urlpatterns, unknown_path_urlpatterns
from django_clerk.search.api_urls import search_api_urlpatterns
from django_clerk.storefront.cart import csrf_token_view
from django_clerk.storefront.prices_view import individual_prices
from django_clerk.tracking import views as tracking
from django_clerk.views.unsubscribe import ClerkUnsubscribeView, unsubscribe_link

app_name = "django_clerk"
urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += feed_urlpatterns()  # product, category, ..., v2/products, ...
urlpatterns += [
    path("unsubscribe/<str:token>/", unsubscribe_link, name="unsubscribe-link"),
    path("subscriber/unsubscribe", ClerkUnsubscribeView.as_view(), name="subscriber-unsubscribe"),
]
urlpatterns += [
    path("prices/", individual_prices, name="individual-prices"),
    path("csrf/", csrf_token_view, name="csrf-token"),  # add-to-cart from Clerk's designs
    path("tracking/sale/", tracking.sale_logged, name="tracking-sale-logged"),
    path("click/", tracking.click, name="tracking-click"),
]
urlpatterns += search_api_urlpatterns()  # api/search/, api/recommendations/<logic>/, ...
# Last: any other path under the prefix answers a JSON 404, never Django's HTML page.
urlpatterns += unknown_path_urlpatterns()
