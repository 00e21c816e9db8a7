"""The app's models, one module per concern."""

from django_clerk.models.store import Credentials, Store

__all__ = ["Credentials", "Store"]
