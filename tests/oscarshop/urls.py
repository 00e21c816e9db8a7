"""The sandbox Oscar shop's URLs: Oscar's, and the Clerk feeds (flatpages are served by their
fallback middleware) under ``clerk/``."""

from django.apps import apps
from django.urls import include, path

urlpatterns = [
    path("clerk/", include("django_clerk.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
