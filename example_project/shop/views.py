"""Storefront views: catalogue, cart, checkout, order confirmation and content pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from django_clerk.tracking import (
    events_together,
    track_basket,
    track_product_view,
    track_sale,
)
from shop.cart import Cart, CartLine
from shop.forms import AddToCartForm, CheckoutForm
from shop.models import (
    Category,
    Customer,
    NewsletterSubscriber,
    Order,
    OrderLine,
    Page,
    Product,
    ProductVariant,
)
from shop.recommendations import popular_products

PRODUCTS_PER_PAGE = 24
POSTS_PER_PAGE = 10
LAST_ADDED_KEY = "shop_last_added"
ORDERS_KEY = "shop_order_ids"
MAX_REMEMBERED_ORDERS = 10


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int) -> PaginatorPage:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    # Newest by primary key: served by the pk index even with a million products.
    featured = Product.objects.published().in_stock().select_related("brand").order_by("-pk")[:12]
    posts = Page.objects.published().filter(kind=Page.Kind.BLOG)[:3]
    return render(
        request,
        "shop/home.html",
        {
            "featured": featured,
            "categories": Category.objects.top_level(),
            "posts": posts,
            "popular": popular_products(request),  # server-side, from Clerk's API
        },
    )


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category.objects.select_related("parent__parent"), slug=slug)
    # A product may sit in a category and in its child: a subquery avoids DISTINCT.
    in_tree = Product.categories.through.objects.filter(
        category_id__in=category.descendant_ids()
    ).values("product_id")
    products = Product.objects.published().filter(pk__in=in_tree).select_related("brand")
    return render(
        request,
        "shop/category.html",
        {
            "category": category,
            "children": category.children.all(),
            "page_obj": paginate(request, products, PRODUCTS_PER_PAGE),
        },
    )


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(
        Product.objects.published().select_related("brand").prefetch_related("categories"),
        slug=slug,
    )
    track_product_view(request, product)  # where CLERK["TRACKING"] sends views from the server
    return render(
        request,
        "shop/product.html",
        {
            "product": product,
            "variants": product.variants.all(),
            "form": AddToCartForm(product),
        },
    )


def basket_changed(request: HttpRequest, cart: Cart) -> None:
    """Clerk gets the basket from the server too (a logged-in customer's with their e-mail)."""
    track_basket(request, cart.product_ids)


@require_POST
def cart_add(request: HttpRequest, product_id: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.published(), pk=product_id)
    form = AddToCartForm(product, request.POST)
    if not form.is_valid():
        return render(
            request,
            "shop/product.html",
            {"product": product, "variants": product.variants.all(), "form": form},
            status=400,
        )
    variant: ProductVariant | None = form.cleaned_data.get("variant")
    quantity: int = form.cleaned_data["quantity"]
    cart = Cart(request)
    cart.add(product, variant, quantity)
    basket_changed(request, cart)
    request.session[LAST_ADDED_KEY] = {
        "product_id": product.pk,
        "variant_id": variant.pk if variant else None,
        "quantity": quantity,
    }
    return redirect("shop:added")


def added(request: HttpRequest) -> HttpResponse:
    """The "powerstep": what was just added, with a way on to the cart."""
    last = request.session.get(LAST_ADDED_KEY)
    if not isinstance(last, dict):
        return redirect("shop:cart")
    product = Product.objects.published().filter(pk=last.get("product_id")).first()
    if product is None:
        return redirect("shop:cart")
    variant = product.variants.filter(pk=last.get("variant_id")).first()
    return render(
        request,
        "shop/added.html",
        {"product": product, "variant": variant, "quantity": last.get("quantity", 1)},
    )


def cart_detail(request: HttpRequest) -> HttpResponse:
    """Show the cart; POST ``remove=<key>`` removes a line, ``update`` sets quantities."""
    cart = Cart(request)
    if request.method == "POST":
        if remove := request.POST.get("remove"):
            cart.remove(remove)
        else:
            for line in cart.lines:
                raw = request.POST.get(f"quantity-{line.key}")
                if raw is not None and raw.strip().lstrip("-").isdigit():
                    cart.set_quantity(line.key, int(raw))
        basket_changed(request, cart)
        return redirect("shop:cart")
    return render(request, "shop/cart.html", {"form": CheckoutForm()})


def stock_problems(lines: list[CartLine]) -> list[str]:
    return [
        f"Only {line.available} of {line.product.name}"
        f"{' (' + line.variant.name + ')' if line.variant else ''} left in stock."
        for line in lines
        if line.quantity > line.available
    ]


@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    cart = Cart(request)
    if not cart.lines:
        return redirect("shop:cart")
    form = CheckoutForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            order = place_order(request, cart, form.cleaned_data)
        if order is not None:
            cart.clear()
            remembered = [order.pk, *request.session.get(ORDERS_KEY, [])]
            request.session[ORDERS_KEY] = remembered[:MAX_REMEMBERED_ORDERS]
            return redirect("shop:order_confirmation", pk=order.pk)
    return render(request, "shop/cart.html", {"form": form}, status=400)


def place_order(request: HttpRequest, cart: Cart, data: dict) -> Order | None:
    """Create the order at current prices and take the items out of stock.

    Runs in a transaction with the stock rows locked (on databases that lock rows), so two
    checkouts cannot sell the last item twice. Returns None (and leaves form errors to the
    caller) when stock ran out meanwhile. Products and variants are saved, not updated in
    bulk, so real-time sync sees the stock change.
    """
    lines = cart.lines
    products = Product.objects.select_for_update().in_bulk({line.product.pk for line in lines})
    variant_ids = {line.variant.pk for line in lines if line.variant}
    variants = ProductVariant.objects.select_for_update().in_bulk(variant_ids)
    locked = [
        CartLine(
            line.key,
            products[line.product.pk],
            variants[line.variant.pk] if line.variant else None,
            line.quantity,
        )
        for line in lines
    ]
    if problems := stock_problems(locked):
        for problem in problems:
            messages.error(request, problem)
        return None

    customer = customer_for(request, data)
    order = Order.objects.create(customer=customer, email=data["email"], status=Order.Status.PAID)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=line.product,
            variant=line.variant,
            quantity=line.quantity,
            unit_price=line.unit_price,
        )
        for line in locked
    )
    for line in locked:
        if line.variant:
            line.variant.stock -= line.quantity
            line.variant.save(update_fields=["stock"])
        line.product.stock -= line.quantity
    for product in {line.product.pk: line.product for line in locked}.values():
        product.save(update_fields=["stock", "updated_at"])
    with events_together():  # the two events in one write, in this transaction
        track_sale(order, request)  # sent after the commit, once even with Clerk.js on the page
        track_basket(request, [])  # bought: the basket is empty
    return order


def customer_for(request: HttpRequest, data: dict) -> Customer:
    """The customer with this email, created if new; names filled in where still blank."""
    customer, created = Customer.objects.get_or_create(
        email__iexact=data["email"],
        defaults={
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "zip_code": data["zip_code"],
            "subscribed": data["subscribed"],
        },
    )
    changed: list[str] = []
    if created:  # a newsletter-only subscriber who now buys: one customer in Clerk
        subscriber = NewsletterSubscriber.objects.filter(email__iexact=data["email"]).first()
        if subscriber is not None:
            if subscriber.subscribed and not customer.subscribed:
                customer.subscribed = True
                changed.append("subscribed")
            subscriber.delete()
    else:
        for field in ("first_name", "last_name", "zip_code"):
            if not getattr(customer, field) and data[field]:
                setattr(customer, field, data[field])
                changed.append(field)
        if data["subscribed"] and not customer.subscribed:
            customer.subscribed = True
            changed.append("subscribed")
    user = request.user
    if (
        user.is_authenticated
        and customer.user_id is None
        and not Customer.objects.filter(user=user).exists()
    ):
        customer.user = user
        changed.append("user")
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return customer


def order_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the orders placed in this session can be seen: anything else is a 404."""
    if pk not in request.session.get(ORDERS_KEY, []):
        raise Http404("No such order in this session.")
    order = get_object_or_404(
        Order.objects.select_related("customer").prefetch_related(
            "lines__product", "lines__variant"
        ),
        pk=pk,
    )
    return render(request, "shop/order_confirmation.html", {"order": order})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    products = Product.objects.none()
    if query:
        products = Product.objects.published().filter(name__icontains=query).select_related("brand")
    return render(
        request,
        "shop/search.html",
        {"query": query, "page_obj": paginate(request, products, PRODUCTS_PER_PAGE)},
    )


def page_detail(request: HttpRequest, slug: str, kind: str = Page.Kind.CMS) -> HttpResponse:
    page = get_object_or_404(Page.objects.published(), slug=slug, kind=kind)
    return render(request, "shop/page.html", {"page": page})


def blog_list(request: HttpRequest) -> HttpResponse:
    posts = Page.objects.published().filter(kind=Page.Kind.BLOG)
    return render(
        request, "shop/blog_list.html", {"page_obj": paginate(request, posts, POSTS_PER_PAGE)}
    )
