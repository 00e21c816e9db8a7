"""Clerk.io for django-oscar: add ``"django_clerk.contrib.oscar"`` to ``INSTALLED_APPS``.

Oscar's products (parents with their children as variants; prices and stock from Oscar's
strategy), categories, orders, customers and flatpages are mapped with no code; each
serializer can be subclassed and named in ``CLERK["SERIALIZERS"]``, which wins over the
preset (:mod:`django_clerk.contrib.oscar.defaults`). See docs/oscar.md.
"""
