"""Wagtail pages as Clerk.io pages.

Add ``"django_clerk.contrib.wagtail"`` to ``INSTALLED_APPS`` and map the source::

    CLERK = {
        "SERIALIZERS": {"pages": "django_clerk.contrib.wagtail.serializers.WagtailPageSerializer"},
    }

- :mod:`~django_clerk.contrib.wagtail.serializers`: the pages source (live, public,
  routable pages of the store's locale), to subclass;
- :mod:`~django_clerk.contrib.wagtail.signals`: publish, unpublish, delete, move and slug
  changes pushed through the outbox;
- :mod:`~django_clerk.contrib.wagtail.blocks`: ``ClerkPlacementBlock``, a StreamField block
  rendering a Clerk placement.

This package imports nothing of Wagtail itself, so it can be named in ``INSTALLED_APPS``.
"""
