from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [
    path("clerk/", include("django_clerk.urls")),
    # The example shop, whose own pages are a second pages source.
    path("shop/", include("shop.urls")),
    *i18n_patterns(path("", include(wagtail_urls))),
]
