"""Unsubscribing: the signed link of the shop's (and Clerk's) e-mails, and Clerk's call.

* ``unsubscribe/<token>/`` (:func:`unsubscribe_link`), for people: ``GET`` shows a page with
  a button, ``POST`` unsubscribes (a link scanner that fetches every link of an e-mail
  unsubscribes no one; mail clients' one-click unsubscribe, RFC 8058, POSTs). It answers a
  small HTML page. A forged token is a 400, an expired or already used one a 410, and none of
  them changes anything.
* ``subscriber/unsubscribe`` (:class:`ClerkUnsubscribeView`), for Clerk: ``POST {"key":
  PUBLIC, "email": ...}`` with the importer's ``X-Clerk-Authorization: Bearer TOKEN`` (or, for
  stores that accept it, the private key), answered in JSON like the feeds.

Both unsubscribe every row of ``CLERK["SUBSCRIPTION_MODELS"]`` holding the address; the
real-time sync then sends Clerk the customers with ``subscribed: false`` after the commit,
retried until Clerk takes them.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import BaseAuthentication
from rest_framework.response import Response

from django_clerk.conf import clerk_settings
from django_clerk.consent import links
from django_clerk.consent.subscriptions import set_subscription
from django_clerk.feeds.errors import BadParameter
from django_clerk.feeds.legacy import LEGACY_AUTHENTICATION
from django_clerk.feeds.views import FeedAPIView
from django_clerk.json_errors import error_response
from django_clerk.models import UsedUnsubscribeLink

logger = logging.getLogger("django_clerk.consent")
TEMPLATE = "django_clerk/consent/unsubscribe.html"
MAX_EMAIL_LENGTH = 254


@csrf_exempt  # the signed token is the authority; one-click POSTs carry no CSRF token
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return error_response(405, "Use GET or POST.", Allow="GET, HEAD, POST")
    try:
        email = links.read_token(token)
        digest = links.token_hash(token)
        if UsedUnsubscribeLink.objects.filter(token_hash=digest).exists():
            raise links.UsedLink()
        if request.method != "POST":
            return _page(request, "confirm", email=email)
        _consume(digest, email)
    except links.LinkError as problem:
        return _page(request, "refused", status=problem.status, title=problem.title)
    return _page(request, "done", email=email)


def _consume(digest: str, email: str) -> None:
    """Unsubscribe ``email`` and mark the link used, in one transaction: a link used twice at
    once unsubscribes once, and the second use is refused."""
    try:
        with transaction.atomic():
            UsedUnsubscribeLink.objects.create(token_hash=digest)
            set_subscription(email, False)
    except IntegrityError:
        raise links.UsedLink() from None
    days = float(clerk_settings.UNSUBSCRIBE_LINK_DAYS)
    # Links older than their lifetime are refused as expired anyway: forget them.
    UsedUnsubscribeLink.objects.filter(
        used_at__lt=timezone.now() - datetime.timedelta(days=days)
    ).delete()


def _page(request: HttpRequest, step: str, *, status: int = 200, **context: Any) -> HttpResponse:
    response = render(request, TEMPLATE, {"step": step, **context}, status=status)
    response.clerk_page_for_people = True  # type: ignore[attr-defined]  # HTML on purpose
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class ClerkUnsubscribeView(FeedAPIView):
    """``POST subscriber/unsubscribe``: Clerk tells the shop that ``email`` unsubscribed."""

    authentication_classes: Sequence[type[BaseAuthentication]] = LEGACY_AUTHENTICATION

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        email = self.params.get("email")
        if (
            not isinstance(email, str)
            or "@" not in email
            or len(email) > MAX_EMAIL_LENGTH
            or any(c.isspace() or not c.isprintable() for c in email.strip())
        ):
            raise BadParameter("email", "must be an e-mail address.")
        matched = set_subscription(email, False)
        logger.info("Clerk.io store %s unsubscribed an address (%d rows)", self.store.code, matched)
        return Response({"status": "ok", "unsubscribed": matched})
