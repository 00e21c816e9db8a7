"""The app's URLs; include them where Clerk's importer should find them, e.g. ``clerk/``."""

from django.urls import path  # noqa: F401

app_name = "django_clerk"
urlpatterns: list = []
