"""The storefront API for headless shops: search, live search, category products and
recommendations as JSON, with the store's public key only.

Every answer is JSON: a 400 names the parameter at fault; when Clerk cannot answer in time
(or the store has no public key) the answer is ``503`` with ``{"detail", "code":
"clerk_unavailable"}`` and ``Retry-After``. Answers carry ``Cache-Control: private,
max-age=SEARCH["CACHE_SECONDS"]``, and Clerk's answers are cached server-side as long.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.cache import patch_cache_control
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_clerk.client import ClerkResult
from django_clerk.client.visitor import VISITOR_ID_RE
from django_clerk.models import Store
from django_clerk.search import calls, facets
from django_clerk.search.objects import clerk_id_from_text
from django_clerk.stores import store_for_code, store_for_request

RETRY_AFTER_SECONDS = 5
PRODUCT_LOGICS = ("substituting", "complementary", "bundle")
PLAIN_LOGICS = ("popular", "trending", "new", "currently_watched", "recently_bought")
CATEGORY_LOGICS = ("popular", "trending", "new")
RECOMMENDATION_LOGICS = (*PLAIN_LOGICS, *PRODUCT_LOGICS, "keywords", "visitor/history")


#: An id in a URL or a list: a primary key or prefixed id, URL-safe text.
URL_ID = re.compile(r"[A-Za-z0-9._~:-]{1,64}")


class CommonParams(serializers.Serializer[Any]):
    store = serializers.SlugField(required=False, max_length=64)
    visitor = serializers.RegexField(regex=VISITOR_ID_RE.pattern, required=False)


class PagedParams(CommonParams):
    page = serializers.IntegerField(required=False, min_value=1, max_value=10_000, default=1)
    per_page = serializers.IntegerField(required=False, min_value=1)
    orderby = serializers.RegexField(regex=facets.ATTRIBUTE_RE.pattern, required=False)
    order = serializers.ChoiceField(choices=["asc", "desc"], required=False)


class SearchParams(PagedParams):
    q = serializers.CharField(max_length=1000, trim_whitespace=True)


class LiveSearchParams(CommonParams):
    q = serializers.CharField(max_length=1000, trim_whitespace=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=6)
    categories = serializers.IntegerField(required=False, min_value=0, max_value=50, default=0)
    pages = serializers.IntegerField(required=False, min_value=0, max_value=50, default=0)


class RecommendationParams(CommonParams):
    products = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=100
    )
    category = serializers.CharField(required=False, max_length=100)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=20
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)


class ClerkUnavailableResponse(Response):
    """503: Clerk did not answer (the reason is logged, never shown to the public)."""

    def __init__(self) -> None:
        super().__init__(
            {
                "detail": "Clerk.io could not answer right now; try again shortly.",
                "code": "clerk_unavailable",
            },
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


class StorefrontAPIView(APIView):
    """Public, read-only, JSON; the store is the request's (or ``?store=<code>``)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    params_class: type[serializers.Serializer[Any]] = CommonParams
    label = calls.LABEL_API_SEARCH

    def params(self, request: Request) -> dict[str, Any]:
        data: dict[str, Any] = {k: request.query_params.get(k) for k in request.query_params}
        for name in ("products", "keywords"):
            if name in request.query_params:
                data[name] = [v for raw in request.query_params.getlist(name)
                              for v in raw.split(",") if v.strip()]  # fmt: skip
        serializer = self.params_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def store(self, params: dict[str, Any]) -> Store:
        code = params.get("store")
        if code:
            found = store_for_code(code)
            if found is None:
                raise NotFound(f"No active Clerk store has the code {code!r}.")
            return found
        found = store_for_request(self.request._request)
        if found is None:
            raise NotFound("No active Clerk store serves this site.")
        return found

    def clerk(self, params: dict[str, Any]) -> calls.ClerkCalls:
        store = self.store(params)
        visitor = params.get("visitor")
        return calls.ClerkCalls(store, self.request._request, visitor=visitor)

    def answer(self, data: dict[str, Any], clerk: calls.ClerkCalls) -> Response:
        response = Response(data)
        patch_cache_control(response, private=True, max_age=clerk.options.cache_seconds)
        return response

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, calls.SearchUnavailable):
            return ClerkUnavailableResponse()
        return super().handle_exception(exc)


def products_payload(result: ClerkResult) -> dict[str, Any]:
    return {
        "results": result.result,
        "count": result.count if result.count is not None else len(result.result),
        "products": result.product_data or [],
    }


class PagedAPIView(StorefrontAPIView):
    def paging(self, params: dict[str, Any], clerk: calls.ClerkCalls) -> tuple[int, int]:
        per_page = params.get("per_page") or clerk.options.per_page
        if per_page > clerk.options.max_per_page:
            raise ValidationError({"per_page": [f"at most {clerk.options.max_per_page}"]})
        return per_page, (params["page"] - 1) * per_page

    def selection(self, attributes: list[str]) -> facets.Selection:
        try:
            return facets.selection_from(self.request.query_params, attributes, strict=True)
        except facets.FacetError as exc:
            raise ValidationError({"facets": [str(exc)]}) from None

    def paged(
        self, endpoint: str, params: dict[str, Any], clerk: calls.ClerkCalls, **extra: Any
    ) -> Response:
        per_page, offset = self.paging(params, clerk)
        attributes = clerk.facet_attributes()
        selection = self.selection(attributes)
        result = clerk.call(
            endpoint,
            self.label,
            limit=per_page,
            offset=offset,
            facets=attributes or None,
            filter=facets.filter_string(selection) or None,
            orderby=params.get("orderby"),
            order=params.get("order"),
            attributes=clerk.options.api_attributes or None,
            **extra,
        )
        data = {
            **extra,
            "page": params["page"],
            "per_page": per_page,
            **products_payload(result),
            "facets": result.facets or {},
            "selected_facets": selection,
        }
        return self.answer(data, clerk)


class SearchAPIView(PagedAPIView):
    """``GET api/search/?q=boots&page=2&f_brand=Nike``"""

    params_class = SearchParams
    label = calls.LABEL_API_SEARCH

    def get(self, request: Request) -> Response:
        params = self.params(request)
        clerk = self.clerk(params)
        query = params["q"][: clerk.options.max_query_length]
        response = self.paged("search/search", params, clerk, query=query)
        return response


class LiveSearchAPIView(StorefrontAPIView):
    """``GET api/search/live/?q=boo&limit=6&categories=3&pages=3``"""

    params_class = LiveSearchParams
    label = calls.LABEL_API_LIVE_SEARCH

    def get(self, request: Request) -> Response:
        params = self.params(request)
        clerk = self.clerk(params)
        query = params["q"][: clerk.options.max_query_length]
        attributes = clerk.options.api_attributes or None
        result = clerk.call(
            "search/predictive", self.label, query=query, limit=params["limit"],
            attributes=attributes,
        )  # fmt: skip
        data: dict[str, Any] = {"query": query, **products_payload(result)}
        for name, endpoint in (("categories", "search/categories"), ("pages", "search/pages")):
            if params[name]:
                found = clerk.call(endpoint, self.label, query=query, limit=params[name])
                data[name] = found.result
        return self.answer(data, clerk)


class CategoryAPIView(PagedAPIView):
    """``GET api/categories/<category>/products/?logic=popular&page=1&f_price=0..50``"""

    params_class = PagedParams
    label = calls.LABEL_API_CATEGORY

    def get(self, request: Request, category: str) -> Response:
        params = self.params(request)
        clerk = self.clerk(params)
        logic = request.query_params.get("logic") or clerk.options.category_logic
        if logic not in CATEGORY_LOGICS:
            raise ValidationError({"logic": [f"one of {', '.join(CATEGORY_LOGICS)}"]})
        return self.paged(
            f"recommendations/category/{logic}", params, clerk, category=_id(category, "categories")
        )


class RecommendationsAPIView(StorefrontAPIView):
    """``GET api/recommendations/<logic>/?products=12,13&limit=8``"""

    params_class = RecommendationParams
    label = calls.LABEL_API_RECOMMENDATIONS

    def get(self, request: Request, logic: str) -> Response:
        if logic not in RECOMMENDATION_LOGICS:
            raise NotFound(f"Unknown logic; one of {', '.join(RECOMMENDATION_LOGICS)}.")
        params = self.params(request)
        extra: dict[str, Any] = {}
        if logic in PRODUCT_LOGICS:
            if not params.get("products"):
                raise ValidationError({"products": [f"{logic} needs product ids"]})
            extra["products"] = [_id(p, "products") for p in params["products"]]
        if logic == "keywords":
            if not params.get("keywords"):
                raise ValidationError({"keywords": ["keywords needs keywords"]})
            extra["keywords"] = params["keywords"]
        clerk = self.clerk(params)
        result = clerk.call(
            f"recommendations/{logic}",
            self.label,
            limit=params["limit"],
            attributes=clerk.options.api_attributes or None,
            **extra,
        )
        data = {"logic": logic, **products_payload(result)}
        if "products" in extra:
            data["for_products"] = extra["products"]
        if "keywords" in extra:
            data["keywords"] = extra["keywords"]
        return self.answer(data, clerk)


def _id(value: str, entity: str) -> Any:
    """An id of ``entity`` from the URL, typed as its source makes Clerk ids (an integer key
    as an int, a string key as the very text: see :func:`~django_clerk.search.objects.
    clerk_id_from_text`); anything but at most 64 URL-safe characters is a 400."""
    value = value.strip()
    if not URL_ID.fullmatch(value):
        raise ValidationError({"id": ["at most 64 letters, digits and ._~:-"]})
    return clerk_id_from_text(entity, value)
