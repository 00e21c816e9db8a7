"""Server-rendered search and category pages with Clerk's results in the shop's templates.

Subclass :class:`SearchView` or :class:`CategoryView`, name your template, and say where
your products come from; when Clerk fails or is slow, the page shows
:meth:`~ClerkListView.fallback_queryset` (your own listing) instead::

    class ShopSearch(SearchView):
        template_name = "shop/search.html"

        def get_queryset(self):
            return Product.objects.published().select_related("brand")

        def fallback_queryset(self):
            return self.get_queryset().filter(name__icontains=self.query)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import EmptyPage, InvalidPage, Page, Paginator
from django.db import models
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.generic import TemplateView

from django_clerk.client import ClerkResult
from django_clerk.mapping.registry import get_serializers, instance_clerk_id
from django_clerk.search import calls, facets
from django_clerk.search.objects import objects_in_order
from django_clerk.search.options import SearchOptions
from django_clerk.stores import store_for_request


class ClerkPageResults(Sequence[Any]):
    """One page of Clerk's results as a sequence of ``count`` items, so that Django's
    :class:`~django.core.paginator.Paginator` (and the shop's pagination templates) work."""

    def __init__(self, objects: list[Any], count: int, offset: int) -> None:
        self.objects = objects
        self.count_ = count
        self.offset = offset

    def __len__(self) -> int:
        return self.count_

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self.objects  # the paginator asks for the page Clerk answered
        return self.objects[index - self.offset]


class ClerkListView(TemplateView):
    """What search and category pages share; see :class:`SearchView`."""

    entity = "products"
    template_name = "django_clerk/search/results.html"
    label = calls.LABEL_SEARCH_PAGE
    page_kwarg = "page"
    paginate_by: int | None = None  # None: SEARCH["PER_PAGE"]
    facet_attributes: list[str] | None = None  # None: the store's facet attributes
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.store = store_for_request(request)
        self.clerk = calls.ClerkCalls(self.store, request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def search_options(self) -> SearchOptions:
        return self.clerk.options

    # -- hooks the shop overrides ---------------------------------------------------------
    def get_queryset(self) -> models.QuerySet[Any] | None:
        """Where the objects for Clerk's ids come from (``None``: default managers)."""
        return None

    def fallback_queryset(self) -> models.QuerySet[Any]:
        """The shop's own listing, shown when Clerk cannot answer. Default: nothing."""
        queryset = self.get_queryset()
        if queryset is None:
            return get_serializers(self.entity)[0].Meta.model._default_manager.none()
        return queryset.none()

    def clerk_params(self) -> dict[str, Any]:
        """Extra parameters of the call to Clerk (e.g. ``orderby``)."""
        return {}

    def base_filter(self) -> str:
        """A filter of the shop's own, in Clerk's filter language, and-ed with the facets."""
        return ""

    # -- the page -------------------------------------------------------------------------
    def get_paginate_by(self) -> int:
        return self.paginate_by or self.search_options.per_page

    def get_facet_attributes(self) -> list[str]:
        if self.facet_attributes is not None:
            return self.facet_attributes
        return self.clerk.facet_attributes()

    def page_number(self) -> int:
        raw = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise Http404("That page number is not an integer.") from None
        if number < 1:
            raise Http404("That page number is less than 1.")
        return number

    def ask_clerk(self, limit: int, offset: int, facet_filter: str) -> ClerkResult:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        per_page = self.get_paginate_by()
        attributes = self.get_facet_attributes()
        try:
            selection = facets.selection_from(self.request.GET, attributes)
        except facets.FacetError:  # more choices than a page takes: show it unfiltered
            selection = {}
        context.update(selection=selection, clerk_failed=False, facets=[])
        number = self.page_number()
        try:
            facet_filter = facets.filter_string(selection, self.base_filter())
            result = self.ask_clerk(per_page, (number - 1) * per_page, facet_filter)
        except calls.SearchUnavailable:
            context.update(self.fallback_context(per_page), clerk_failed=True)
            return context
        querysets = self._querysets()
        objects = objects_in_order(self.entity, result.result, querysets)
        count = result.count
        if count is None:  # Clerk did not say: there is a next page while pages are full
            count = (number - 1) * per_page + len(result.result)
            count += 1 if len(result.result) == per_page else 0
        paginator = Paginator(ClerkPageResults(objects, count, (number - 1) * per_page), per_page)
        try:
            page = paginator.page(number)
        except EmptyPage:
            raise Http404("That page is past the last page of results.") from None
        page.object_list = objects
        context.update(
            self.page_context(paginator, page),
            facets=facets.facet_groups(
                result.facets,
                selection,
                self.request.GET,
                attributes=attributes,
                titles=self.search_options.facet_titles,
                multiselect=self.search_options.facet_multiselect,
            ),
            clerk_result=result,
        )
        return context

    def fallback_context(self, per_page: int) -> dict[str, Any]:
        paginator = Paginator(self.fallback_queryset(), per_page)
        try:
            page = paginator.page(self.page_number())
        except InvalidPage:
            page = paginator.page(paginator.num_pages)
        return self.page_context(paginator, page)

    def page_context(self, paginator: Paginator[Any], page: Page[Any]) -> dict[str, Any]:
        return {
            "paginator": paginator,
            "page_obj": page,
            "is_paginated": paginator.num_pages > 1,
            "object_list": list(page.object_list),
            "count": paginator.count,
        }

    def _querysets(self) -> dict[type[models.Model], models.QuerySet[Any]]:
        queryset = self.get_queryset()
        return {} if queryset is None else {queryset.model: queryset}


class SearchView(ClerkListView):
    """A search results page: ``search/search`` for the ``q`` parameter.

    Context: ``query``, ``object_list`` (the shop's objects in Clerk's order), ``page_obj``,
    ``paginator``, ``is_paginated``, ``count``, ``facets`` (:class:`~django_clerk.search.
    facets.FacetGroup` s), ``selection``, ``clerk_failed`` (the fallback is shown).
    """

    query_param = "q"
    label = calls.LABEL_SEARCH_PAGE

    def get_query(self) -> str:
        query = str(self.request.GET.get(self.query_param, "")).strip()
        return query[: self.search_options.max_query_length]

    @property
    def query(self) -> str:
        return self.get_query()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not self.query:  # nothing to search for: an empty page, Clerk is not asked
            context = TemplateView.get_context_data(self, **kwargs)
            paginator = Paginator(self.fallback_queryset().none(), self.get_paginate_by())
            context.update(self.page_context(paginator, paginator.page(1)))
            context.update(query="", facets=[], selection={}, clerk_failed=False)
            return context
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        return context

    def ask_clerk(self, limit: int, offset: int, facet_filter: str) -> ClerkResult:
        return self.clerk.call(
            "search/search",
            self.label,
            query=self.query,
            limit=limit,
            offset=offset,
            facets=self.get_facet_attributes() or None,
            filter=facet_filter or None,
            **self.clerk_params(),
        )


class CategoryView(ClerkListView):
    """A category page: ``recommendations/category/<SEARCH["CATEGORY_LOGIC"]>`` for the
    category :meth:`get_category` returns (override it). Context as :class:`SearchView`,
    with ``category``."""

    label = calls.LABEL_CATEGORY_PAGE
    logic: str | None = None  # None: SEARCH["CATEGORY_LOGIC"]

    def get_category(self) -> Any:
        """The category shown (a model instance or its Clerk id)."""
        raise NotImplementedError("CategoryView subclasses say which category is shown")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.category = self.get_category()
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        return context

    def ask_clerk(self, limit: int, offset: int, facet_filter: str) -> ClerkResult:
        category = self.category
        if isinstance(category, models.Model):
            category = instance_clerk_id(category, "categories")
        logic = self.logic or self.search_options.category_logic
        return self.clerk.call(
            f"recommendations/category/{logic}",
            self.label,
            category=category,
            limit=limit,
            offset=offset,
            facets=self.get_facet_attributes() or None,
            filter=facet_filter or None,
            **self.clerk_params(),
        )
