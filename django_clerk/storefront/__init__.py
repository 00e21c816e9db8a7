"""The storefront: Clerk.js, placements and tracking, rendered by ``{% load clerk %}``.

The template tags in :mod:`django_clerk.templatetags.clerk` stay thin; what they render is
decided here:

* :mod:`~django_clerk.storefront.context`: the store and options of a request, the
  ``Clerk('config')`` argument, the CSP nonce and the "filter duplicates" numbering;
* :mod:`~django_clerk.storefront.placements`: the elements Clerk.js fills in;
* :mod:`~django_clerk.storefront.tracking`: sales tracking from the order mapping;
* :mod:`~django_clerk.storefront.escaping`: JSON safe inside ``<script>``.
"""
