"""Admin for the shop. Built to stay usable with a million products: raw-id widgets for
product pickers, no full result counts, and related rows selected in the list query."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from shop.models import (
    Brand,
    Category,
    Customer,
    NewsletterSubscriber,
    Order,
    OrderLine,
    Page,
    Product,
    ProductVariant,
)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CategoryParentFilter(admin.SimpleListFilter):
    title = "level"
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("top", "Top level"), ("sub", "Subcategories")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["full_name", "slug", "position", "product_count"]
    list_filter = [CategoryParentFilter]
    list_select_related = ["parent__parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description="products", ordering="product_total")
    def product_count(self, obj: Category) -> int:
        return obj.product_total


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = ["sku", "name", "price", "stock", "image"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "sku",
        "brand",
        "price",
        "list_price",
        "stock",
        "is_published",
        "updated_at",
    ]
    list_filter = ["is_published", "brand", "categories"]
    list_select_related = ["brand"]
    search_fields = ["name", "sku"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["brand", "categories"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ProductVariantInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["name", "slug", "sku", "brand", "categories", "is_published"]}),
        ("Price and stock", {"fields": ["price", "list_price", "tax_rate", "stock"]}),
        ("Content", {"fields": ["description", "image"]}),
        ("Danish", {"fields": ["name_da", "description_da"], "classes": ["collapse"]}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "product", "price", "stock"]
    list_select_related = ["product"]
    search_fields = ["sku", "name", "product__name"]
    raw_id_fields = ["product"]
    show_full_result_count = False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "zip_code", "subscribed", "is_business", "created_at"]
    list_filter = ["subscribed", "is_business"]
    search_fields = ["email", "first_name", "last_name", "zip_code"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["product", "variant"]
    fields = ["product", "variant", "quantity", "unit_price", "line_total"]
    readonly_fields = ["line_total"]

    @admin.display(description="total")
    def line_total(self, obj: OrderLine) -> Decimal | str:
        return obj.total if obj.pk else "—"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "customer", "status", "order_total", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["customer"]
    search_fields = ["=id", "email"]
    raw_id_fields = ["customer"]
    readonly_fields = ["updated_at"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_totals()

    @admin.display(description="total", ordering="total_amount")
    def order_total(self, obj: Order) -> Decimal:
        return obj.total


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "is_published", "published_at", "updated_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"


@admin.register(NewsletterSubscriber)
class NewsletterSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "subscribed", "created_at"]
    list_filter = ["subscribed"]
    search_fields = ["email"]
