"""The shared machinery of the feed views: DRF configuration and rendering a feed page."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from django_clerk.conf import clerk_settings
from django_clerk.feeds import reporting
from django_clerk.feeds.authentication import WWW_AUTHENTICATE
from django_clerk.feeds.crawls import CrawlPage, Step, crawl_scope
from django_clerk.feeds.errors import exception_handler
from django_clerk.feeds.filters import TIME_PARAMETERS, FeedFilterBackend
from django_clerk.feeds.guard import check_first_page
from django_clerk.feeds.pagination import KeysetPagination, Window, position_text
from django_clerk.feeds.parsers import FeedFormParser, FeedJSONParser
from django_clerk.feeds.renderers import (
    FeedContentNegotiation,
    JSONRenderer,
    StreamingRenderer,
)
from django_clerk.feeds.store_cursors import stores_with_cursor
from django_clerk.mapping import Policy, Renderer, get_serializers
from django_clerk.models import Store
from django_clerk.stores import active_stores

logger = logging.getLogger("django_clerk.feeds")

TRUE = {"1", "true", "yes", "on"}


#: The time parameter -> the serializer's ``Meta`` attribute that makes it filter.
FILTER_FIELDS = {"modified_after": "modified_field", "start_date": "date_field",
                 "end_date": "date_field"}  # fmt: skip


def narrows(serializer: Any, parameter: str) -> bool:
    """Whether ``parameter`` filters ``serializer``'s objects (else the feed stays whole)."""
    return bool(getattr(serializer.Meta, FILTER_FIELDS[parameter], None))


def keep_content_type(response: Response) -> None:
    """Give an empty body its ``Content-Type`` back: DRF drops it when the renderer returns
    nothing (the empty last page of an NDJSON feed), and an importer then cannot tell it
    from an error."""
    renderer = getattr(response, "accepted_renderer", None)
    if "Content-Type" in response or renderer is None:
        return
    charset = getattr(renderer, "charset", None)
    media_type = renderer.media_type
    response["Content-Type"] = f"{media_type}; charset={charset}" if charset else media_type


class HasStore(BasePermission):
    """Authenticated: one of the feed authentication classes found the store."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.auth, Store)


class FeedAPIView(APIView):
    """Base of every view Clerk's importer calls: JSON in, JSON out, errors as JSON."""

    permission_classes: Sequence[type[BasePermission]] = [HasStore]
    renderer_classes: Sequence[type[BaseRenderer]] = [JSONRenderer]
    parser_classes: Sequence[type[BaseParser]] = [FeedJSONParser, FeedFormParser]
    content_negotiation_class = FeedContentNegotiation
    throttle_classes: Sequence[type[BaseThrottle]] = []
    pretty = False
    #: The exception handler leaves an unexpected exception for :meth:`dispatch` to report.
    reports_unexpected = True
    unexpected_exception: BaseException | None = None

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """DRF's request; Django's carries the filter that keeps secrets out of reports."""
        drf_request = super().initialize_request(request, *args, **kwargs)
        reporting.install(request, drf_request)
        return drf_request

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """DRF's dispatch, the response rendered within it: any failure is a JSON 500, and
        error responses are logged without the request's secrets."""
        return reporting.respond_safely(self, super().dispatch, request, *args, **kwargs)

    def perform_authentication(self, request: Any) -> None:
        # An unsupported method is 405 before credentials are looked at.
        if request.method.lower() not in self.http_method_names or not hasattr(
            self, request.method.lower()
        ):
            raise exceptions.MethodNotAllowed(request.method)
        super().perform_authentication(request)

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.add_post_render_callback(keep_content_type)
        return response

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return exception_handler

    def get_authenticate_header(self, request: Any) -> str:
        return WWW_AUTHENTICATE

    @property
    def params(self) -> Mapping[str, Any]:
        """Query-string parameters, then those of a JSON (or form) body, which win."""
        cached = self.__dict__.get("_params")
        if cached is None:
            cached = {key: self.request.query_params.get(key) for key in self.request.query_params}
            data = self.request.data if self.request.method == "POST" else None
            if isinstance(data, Mapping):
                cached.update(data.dict() if hasattr(data, "dict") else data)
            self.__dict__["_params"] = cached
        return cached

    def read_stores(self) -> list[Store]:
        """The active stores the request is authenticated against, read from the database
        now (see :func:`~django_clerk.feeds.authentication.request_stores`)."""
        return active_stores()

    @property
    def store(self) -> Store:
        store = self.request.auth
        assert isinstance(store, Store)  # HasStore let the request in
        return store


class EntityFeedView(FeedAPIView):
    """The feed of one entity for the authenticated store, page by page."""

    entity: str = ""
    protocol: str = ""
    pagination_class: type[KeysetPagination] = KeysetPagination
    filter_backend = FeedFilterBackend

    @property
    def paginator(self) -> KeysetPagination:
        paginator = self.__dict__.get("_paginator")
        if paginator is None:
            paginator = self.__dict__["_paginator"] = self.pagination_class()
        assert isinstance(paginator, KeysetPagination)
        return paginator

    @property
    def filters(self) -> dict[str, Any]:
        """The time filters given (an empty one filters nothing, so it is not one)."""
        return {
            name: value
            for name in TIME_PARAMETERS
            if (value := self.params.get(name)) is not None and str(value).strip() != ""
        }

    @property
    def scope(self) -> str:
        """What tells this request's crawl apart (see :func:`crawl_scope`)."""
        cached = self.__dict__.get("_scope")
        if cached is None:
            cached = self.__dict__["_scope"] = crawl_scope(
                self.request,
                self.params,
                protocol=self.protocol,
                entity=self.entity,
                filters=self.filters,
            )
        return cached

    def read_stores(self) -> list[Store]:
        """The active stores, each with its cursor of this request's crawl: one query for
        both."""
        return stores_with_cursor(self.scope)

    def serve(self, request: Any) -> Response | StreamingHttpResponse:
        self.pretty = str(self.params.get("debug", "")).lower() in TRUE
        self.window: Window = self.paginator.get_window(self.params)
        serializers = get_serializers(self.entity)
        if not serializers or not self.entity_enabled(self.store):
            return Response([])
        renderers: list[Renderer] = []
        sources: list[QuerySet[Any, Any]] = []
        for serializer in serializers:  # each source filtered by its own Meta
            self.serializer_class = serializer
            queryset = self.filter_backend().filter_queryset(
                request, serializer.feed_queryset(self.store), self
            )
            objects = Renderer(serializer, self.store, policy=Policy.SKIP, logger=logger)
            renderers.append(objects)
            sources.append(objects.source_queryset(queryset))
        # A crawl narrowed by time is not a full crawl: it is never guarded nor a baseline.
        filters = self.filters
        started = time.perf_counter()
        self.crawl = CrawlPage(
            self.scope,
            self.store,
            self.entity,
            self.protocol,
            offset=self.window.offset,
            incremental=any(
                narrows(serializer, name) for serializer in serializers for name in filters
            ),
            positioned=self.window.limit is not None,
        )
        if self.crawl.step is Step.START and not self.crawl.incremental:
            # A full crawl starts: Clerk will delete what it leaves out (the wipe guard).
            check_first_page(self.store, self.entity, self.protocol, sources)
        if self.window.limit is None:
            return self.stream(sources, renderers)
        parts = self.paginator.paginate_sources(sources, view=self)
        data: list[dict[str, Any]] = []
        for index, items in parts:
            data += self.render_page(items, sources[index], renderers[index])
        last = parts[-1] if parts else None
        self.crawl.record(
            limit=self.window.limit,
            items=sum(len(items) for _, items in parts),
            last_key=position_text(len(sources), last[0], last[1][-1]) if last else None,
            duration=time.perf_counter() - started,
        )
        return Response(data)

    def entity_enabled(self, store: Store) -> bool:
        """Whether the store's options let this entity out (customers also need emails)."""
        return store.syncs(self.entity)

    def render_page(
        self, items: list[Any], source: QuerySet[Any, Any], objects: Renderer
    ) -> list[dict[str, Any]]:
        """Clerk objects for one page of rows or instances: a field that raises is left out
        of its object, broken objects are served and logged (see ``Policy.SKIP``)."""
        return objects.render(items, source.db).items

    def stream(
        self, sources: list[QuerySet[Any, Any]], renderers: list[Renderer]
    ) -> StreamingHttpResponse:
        """The whole feed (``limit=all``), every source in turn, rendered and sent in keyset
        chunks."""
        renderer = self.request.accepted_renderer
        assert isinstance(renderer, StreamingRenderer)  # the feeds' renderers all stream
        size = clerk_settings.FEED_MAX_LIMIT

        def pages() -> Iterator[list[dict[str, Any]]]:
            started, total = time.perf_counter(), 0
            try:
                chunks = self.paginator.source_chunks(sources, size, self.window.offset)
                for index, items in chunks:
                    data = self.render_page(items, sources[index], renderers[index])
                    total += len(data)
                    yield data
            except Exception:
                # The status is sent already. Ending the stream normally would close the JSON
                # array and look complete (and Clerk deletes what a full feed leaves out), so
                # the error goes on to the server, which drops the connection mid-response.
                logger.exception("%s feed export failed after %d items", self.entity, total)
                raise
            self.crawl.record(
                limit=None, items=total, last_key=None, duration=time.perf_counter() - started
            )

        return StreamingHttpResponse(
            renderer.stream(pages(), self.pretty), content_type=renderer.media_type
        )
