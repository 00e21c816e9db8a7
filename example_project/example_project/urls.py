from django.contrib import admin
from django.urls import include, path, re_path
from shop.placeholders import placeholder_image

urlpatterns = [
    path("admin/", admin.site.urls),
    path("clerk/", include("django_clerk.urls")),
    # The demo's pictures are drawn on request (shop.placeholders), so they always load.
    re_path(r"^media/(?P<path>[A-Za-z0-9_./-]+)\.svg$", placeholder_image, name="placeholder"),
    path("", include("shop.urls")),
]
