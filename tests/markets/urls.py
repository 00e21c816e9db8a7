"""URLs of the markets tests: the market shop's, and a page with a Clerk placement."""

from django.urls import path

from tests.markets import views
from tests.marketshop.urls import urlpatterns as marketshop_urlpatterns

urlpatterns = [
    path("placement/", views.placement_page, name="markets-placement"),
    *marketshop_urlpatterns,
]
