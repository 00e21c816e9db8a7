from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("clerk/", include("django_clerk.urls")),
    path("", include("shop.urls")),
]
