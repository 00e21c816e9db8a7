"""The page of the browser tests: a Clerk placement whose design shows the price the visitor
should see, with the products' feed data for the Clerk.js stub to render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines

PAGE = """{% load clerk clerk_prices %}<!doctype html>
<html><head><meta charset="utf-8">{% clerk_js %}{% clerk_individual_prices %}</head>
<body>
<span class="clerk" id="placement" data-template="@home-page-popular"></span>
<script>window.__clerk_products = {{ products|safe }};</script>
</body></html>"""


def placement_page(request: HttpRequest) -> HttpResponse:
    from django_clerk.mapping import get_serializer
    from django_clerk.storefront.escaping import script_json
    from django_clerk.stores import store_for_request

    store = store_for_request(request)
    serializer = get_serializer("products")
    assert serializer is not None and store is not None
    products = serializer.serialize(serializer.feed_queryset(store), store)
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"products": script_json(products)}, request))
