"""Connect a Django shop to Clerk.io: feeds, real-time sync, storefront tags and an API client."""

__version__ = "0.1.0"

ENTITIES: tuple[str, ...] = ("products", "categories", "orders", "customers", "pages")
"""Clerk's five entity types, in the plural form Clerk's REST API and Feed V2 use."""
