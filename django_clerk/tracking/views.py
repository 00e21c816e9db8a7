"""The tracking endpoints; each answers JSON (or, for a click link, a redirect to the
product on this site).

``POST <prefix>/tracking/sale/?t=<token>``
    The confirmation page's Clerk.js logged the sale: the server's pending copy is not sent
    and is remembered as sent, so the sale counts once (``"sales": "both"``).
``POST <prefix>/click/`` (form field ``t``) and ``GET <prefix>/click/?t=<token>``
    A click on a product the shop rendered itself: recorded as a ``log/click`` event; the
    GET (a link that works without JavaScript) then redirects to the product's page. A
    token replayed by the same visitor within ten minutes is one click; a browser's
    prefetch of the link is redirected and not recorded.
"""

from __future__ import annotations

import hashlib
import time

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from django_clerk.client.visitor import get_visitor_id, tracking_allowed
from django_clerk.feeds.crawls import client_address
from django_clerk.json_errors import error_response
from django_clerk.models import PendingChange, Store
from django_clerk.models.sync import SALE
from django_clerk.stores import storefront_stores
from django_clerk.sync.events import remember_sent
from django_clerk.tracking.api import track_click
from django_clerk.tracking.tokens import BadToken, read_click_token, read_sale_token

NO_STORE = {"Cache-Control": "private, no-store"}
#: A click token sent again by the same visitor within this window is the same click.
CLICK_REPLAY_SECONDS = 600


def _token(request: HttpRequest) -> str:
    return request.POST.get("t") or request.GET.get("t") or ""


def _not_allowed(allowed: str) -> JsonResponse:
    return error_response(405, f"Only {allowed} is allowed.", Allow=allowed)


@csrf_exempt  # the signed token is the authority; no session state changes
def sale_logged(request: HttpRequest) -> JsonResponse:
    """Drop the pending server-side copy of a sale Clerk.js logged (unless being sent)."""
    if request.method != "POST":
        return _not_allowed("POST")
    try:
        store_id, sale = read_sale_token(_token(request))
    except BadToken as exc:
        return error_response(400, str(exc))
    now = timezone.now()
    dropped = remember_sent(  # kept as sent: recording the sale again sends nothing
        PendingChange.objects.filter(
            store_id=store_id, entity=SALE, object_id=sale, state=PendingChange.State.PENDING
        ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
    return JsonResponse({"status": "ok", "dropped": dropped}, headers=NO_STORE)


@csrf_exempt  # a beacon carries no CSRF token; the signed token names what may be logged
def click(request: HttpRequest) -> HttpResponse:
    """Record a click (POST: a beacon; GET: a link, then off to the product's page)."""
    if request.method not in ("GET", "POST"):
        return _not_allowed("GET, POST")
    try:
        data = read_click_token(_token(request))
    except BadToken as exc:
        return error_response(400, str(exc))
    url = str(data["u"] or "")
    if request.method == "GET" and not _same_site(request, url):
        return error_response(400, "This click has no page of this site to go to.")
    store = store_of(data["s"])
    recorded = False
    if store is not None and not _prefetch(request):
        labels = [str(label) for label in data["l"] or []]
        recorded = track_click(
            request,
            data["p"],
            str(data["a"]),
            labels=labels,
            store=store,
            key=_click_key(request, _token(request)),
        )
    if request.method == "GET":  # never cached: each click goes through
        return HttpResponseRedirect(url, headers=NO_STORE)
    return JsonResponse({"status": "ok", "recorded": recorded}, headers=NO_STORE)


def _prefetch(request: HttpRequest) -> bool:
    """A browser fetching the link ahead of a click (``Sec-Purpose``/``Purpose: prefetch``)."""
    purpose = request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or ""
    return "prefetch" in purpose.lower() or request.headers.get("X-Moz") == "prefetch"


def _click_key(request: HttpRequest, token: str) -> str:
    """The click's outbox id: the same token sent again by the same visitor (the session's
    visitor with consent, else the client's address and browser) within
    :data:`CLICK_REPLAY_SECONDS` is the same click, recorded once."""
    if tracking_allowed(request) and getattr(request, "session", None) is not None:
        who = "visitor:" + get_visitor_id(request)
    else:
        who = f"client:{client_address(request.META)}:{request.headers.get('User-Agent', '')}"
    bucket = int(time.time() // CLICK_REPLAY_SECONDS)
    return hashlib.sha256(f"{token}\n{who}\n{bucket}".encode()).hexdigest()


def _same_site(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def store_of(store_id: object) -> Store | None:
    """The active store ``store_id`` (from the storefront's cached stores)."""
    return next((s for s in storefront_stores() if s.pk == store_id), None)
