"""Walking a journey with Django's test client: the pages' HTML, read as Clerk.js would.

The client stands in for a browser whose Clerk.js succeeds: a ``log/sale`` call with a
success callback has that callback's beacon sent (see
:attr:`~django_clerk.testing.validator.markup.ClerkCall.sale_confirm_url`), so the server
drops its own copy of the sale as it does when Clerk.js logged it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.test import Client

from django_clerk.testing.validator.journeys import Post, Step
from django_clerk.testing.validator.markup import read_markup
from django_clerk.testing.validator.pages import PageVisit


class ClientWalker:
    mode = "test client"
    browser = False

    def __init__(self, client: Client) -> None:
        self.client = client

    def walk(self, step: Step) -> PageVisit:
        response: Any
        if isinstance(step, Post):
            response = self.client.post(step.path, dict(step.data), follow=True)
        else:
            response = self.client.get(step.path, follow=True)
        visit = visit_of(step.name, response)
        for call in visit.markup.calls:
            if call.sale_confirm_url:  # navigator.sendBeacon(url): a POST without a body
                self.client.post(call.sale_confirm_url, content_type="text/plain")
        return visit

    def close(self) -> None:
        pass


def visit_of(name: str, response: HttpResponse) -> PageVisit:
    request = getattr(response, "request", {}) or {}
    url = str(request.get("PATH_INFO", ""))
    if request.get("QUERY_STRING"):
        url += f"?{request['QUERY_STRING']}"
    content_type = response.get("Content-Type", "")
    visit = PageVisit(name, url, response.status_code, content_type)
    if "html" in content_type and not getattr(response, "streaming", False):
        visit.markup = read_markup(response.content.decode(response.charset or "utf-8", "replace"))
    return visit
