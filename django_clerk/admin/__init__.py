"""Django admin for the app: one module per concern."""

from django_clerk.admin.stores import StoreAdmin

__all__ = ["StoreAdmin"]
