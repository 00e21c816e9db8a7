"""Server-rendered search and category pages: Clerk's results in the shop's own templates,
the shop's own listing when Clerk cannot answer (django_clerk.search.views)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from django_clerk.search.views import CategoryView, SearchView
from shop.models import Category, Product

PRODUCTS_PER_PAGE = 24


class ShopSearchView(SearchView):
    template_name = "shop/search_results.html"
    paginate_by = PRODUCTS_PER_PAGE

    def get_queryset(self) -> QuerySet[Product]:
        return Product.objects.published().select_related("brand")

    def fallback_queryset(self) -> QuerySet[Product]:
        return self.get_queryset().filter(name__icontains=self.query).order_by("name", "pk")


class ShopCategoryView(CategoryView):
    template_name = "shop/search_results.html"
    paginate_by = PRODUCTS_PER_PAGE

    def get_category(self) -> Category:
        return get_object_or_404(Category, slug=self.kwargs["slug"])

    def get_queryset(self) -> QuerySet[Product]:
        return Product.objects.published().select_related("brand")

    def fallback_queryset(self) -> QuerySet[Product]:
        in_tree = Product.categories.through.objects.filter(
            category_id__in=self.category.descendant_ids()
        ).values("product_id")
        return self.get_queryset().filter(pk__in=in_tree).order_by("name", "pk")
