"""JSON Feed V2: ``GET v2/<entity>?limit=&offset=&modified_after=`` with a bearer token.

A JSON array by default, NDJSON when the ``Accept`` header asks for ``application/x-ndjson``;
``limit=all`` streams the whole feed. HTTPS only, unless ``CLERK["FEED_ALLOW_HTTP"]``
(``request.is_secure()`` honours ``SECURE_PROXY_SSL_HEADER``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from django_clerk.conf import clerk_settings
from django_clerk.feeds.authentication import FeedV2Authentication
from django_clerk.feeds.pagination import OffsetPagination
from django_clerk.feeds.renderers import JSONRenderer, NDJSONRenderer
from django_clerk.feeds.views import EntityFeedView
from django_clerk.models import FeedCrawl


class HttpsRequired(exceptions.PermissionDenied):
    default_detail = "Feed V2 is served over HTTPS only."
    default_code = "https_required"


class FeedV2View(EntityFeedView):
    authentication_classes: Sequence[type[BaseAuthentication]] = [FeedV2Authentication]
    renderer_classes: Sequence[type[BaseRenderer]] = [JSONRenderer, NDJSONRenderer]
    pagination_class = OffsetPagination
    protocol = FeedCrawl.Protocol.V2

    def perform_authentication(self, request: Any) -> None:
        # Before authentication: a token sent in clear is not verified, nor accepted.
        if not (request.is_secure() or clerk_settings.FEED_ALLOW_HTTP):
            raise HttpsRequired()
        super().perform_authentication(request)

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response | StreamingHttpResponse:
        return self.serve(request)
