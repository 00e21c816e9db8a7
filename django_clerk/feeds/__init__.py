"""The data feeds Clerk's importer crawls: the legacy extension endpoints and JSON Feed V2.

Views in :mod:`~django_clerk.feeds.legacy` and :mod:`~django_clerk.feeds.v2`, routed by
``django_clerk.urls``; see ``docs/feeds.md``.
"""
