"""The storefront: every page renders, and cart → checkout → confirmation works."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.test import Client
from django.urls import reverse
from shop.cart import Cart
from shop.models import Brand, Category, Customer, Order, OrderLine, Page, Product, ProductVariant

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog() -> dict:
    brand = Brand.objects.create(name="Nordline", slug="nordline")
    women = Category.objects.create(name="Women", slug="women")
    shoes = Category.objects.create(name="Shoes", slug="women-shoes", parent=women)
    boots = Category.objects.create(name="Boots", slug="women-shoes-boots", parent=shoes)
    boot = Product.objects.create(
        name="Classic Leather Boots", slug="classic-leather-boots", sku="P1",
        brand=brand, price=Decimal("899.95"), list_price=Decimal("1299.00"), stock=5,
        name_da="Klassiske læderstøvler", image="products/1.jpg",
    )  # fmt: skip
    boot.categories.add(boots)
    small = ProductVariant.objects.create(
        product=boot, sku="P1-38", name="Size 38", price=Decimal("899.95"), stock=2
    )
    large = ProductVariant.objects.create(
        product=boot, sku="P1-45", name="Size 45", price=Decimal("949.95"), stock=3
    )
    mug = Product.objects.create(
        name="Ceramic Mug", slug="ceramic-mug", sku="P2", price=Decimal("79.00"), stock=10
    )
    mug.categories.add(women)
    hidden = Product.objects.create(
        name="Secret Mug", slug="secret-mug", sku="P3", price=1, stock=1, is_published=False
    )
    hidden.categories.add(boots)
    about = Page.objects.create(kind="cms", title="About us", slug="about-us", body="We sell.")
    post = Page.objects.create(kind="blog", title="Boot care", slug="boot-care", body="Polish.")
    return locals()


def add_to_cart(client: Client, product: Product, **data: object) -> None:
    response = client.post(reverse("shop:cart_add", args=[product.pk]), {"quantity": 1, **data})
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("shop:added")


def checkout(client: Client, email: str = "ann@example.com", **extra: object):
    data = {"email": email, "first_name": "Ann", "last_name": "Berg", "zip_code": "2100"}
    return client.post(reverse("shop:checkout"), {**data, **extra})


def test_home_renders_featured_products_search_and_nav(client: Client, catalog: dict) -> None:
    response = client.get(reverse("shop:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="search"' in html and 'name="q"' in html
    assert "Classic Leather Boots" in html and "Ceramic Mug" in html
    assert "Secret Mug" not in html
    assert catalog["women"].get_absolute_url() in html  # top category in the nav
    assert catalog["post"].get_absolute_url() in html


def test_category_lists_products_of_its_subtree(client: Client, catalog: dict) -> None:
    response = client.get(catalog["women"].get_absolute_url())
    assert response.status_code == 200
    names = [p.name for p in response.context["page_obj"]]
    assert sorted(names) == ["Ceramic Mug", "Classic Leather Boots"]  # no duplicates, no hidden
    response = client.get(catalog["boots"].get_absolute_url())
    assert [p.name for p in response.context["page_obj"]] == ["Classic Leather Boots"]
    assert b"Women</a> \xe2\x80\xba <a" in response.content  # breadcrumbs


def test_category_paginates(client: Client, catalog: dict) -> None:
    for i in range(30):
        p = Product.objects.create(name=f"Sock {i:02}", slug=f"sock-{i}", sku=f"S{i}", price=9)
        p.categories.add(catalog["shoes"])
    url = catalog["shoes"].get_absolute_url()
    first, second = client.get(url), client.get(url + "?page=2")
    assert first.status_code == second.status_code == 200
    assert len(first.context["page_obj"]) == 24
    assert len(second.context["page_obj"]) == 31 - 24
    assert "?page=2" in first.content.decode()


def test_product_page_shows_variants_and_unpublished_is_404(client: Client, catalog: dict) -> None:
    response = client.get(catalog["boot"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Size 38" in html and "P1-45" in html and "949.95" in html
    assert "1299.00" in html  # list price shown as the before price
    assert reverse("shop:cart_add", args=[catalog["boot"].pk]) in html
    assert client.get(catalog["hidden"].get_absolute_url()).status_code == 404


def test_danish_visitors_get_danish_names(client: Client, catalog: dict) -> None:
    response = client.get(catalog["boot"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="da")
    assert "Klassiske læderstøvler" in response.content.decode()


def test_search(client: Client, catalog: dict) -> None:
    response = client.get(reverse("shop:search"), {"q": "mug"})
    assert response.status_code == 200
    assert [p.name for p in response.context["page_obj"]] == ["Ceramic Mug"]
    assert 'value="mug"' in response.content.decode()
    empty = client.get(reverse("shop:search"))
    assert empty.status_code == 200 and len(empty.context["page_obj"]) == 0


def test_pages_and_blog(client: Client, catalog: dict) -> None:
    about, post = catalog["about"], catalog["post"]
    assert about.get_absolute_url() == "/pages/about-us/"
    assert post.get_absolute_url() == "/blog/boot-care/"
    assert b"We sell." in client.get(about.get_absolute_url()).content
    assert b"Polish." in client.get(post.get_absolute_url()).content
    assert client.get("/blog/about-us/").status_code == 404  # a CMS page is not a post
    blog = client.get(reverse("shop:blog"))
    assert blog.status_code == 200
    assert [p.title for p in blog.context["page_obj"]] == ["Boot care"]


def test_add_to_cart_requires_a_variant_when_there_are_some(client: Client, catalog: dict) -> None:
    response = client.post(reverse("shop:cart_add", args=[catalog["boot"].pk]), {"quantity": 1})
    assert response.status_code == 400
    assert Cart(client.session).count == 0


def test_add_to_cart_refuses_more_than_in_stock(client: Client, catalog: dict) -> None:
    url = reverse("shop:cart_add", args=[catalog["boot"].pk])
    response = client.post(url, {"quantity": 3, "variant": catalog["small"].pk})
    assert response.status_code == 400
    assert b"Only 2 left" in response.content


def test_powerstep_shows_what_was_added(client: Client, catalog: dict) -> None:
    add_to_cart(client, catalog["boot"], variant=catalog["large"].pk, quantity=2)
    response = client.get(reverse("shop:added"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "2 \N{MULTIPLICATION SIGN} " in html
        and "Classic Leather Boots" in html
        and "Size 45" in html
    )
    assert reverse("shop:cart") in html
    assert client.get(reverse("shop:added")).status_code == 200  # reloadable


def test_powerstep_without_anything_added_goes_to_cart(client: Client) -> None:
    assert client.get(reverse("shop:added"))["Location"] == reverse("shop:cart")


def test_cart_update_and_remove(client: Client, catalog: dict) -> None:
    add_to_cart(client, catalog["mug"], quantity=2)
    add_to_cart(client, catalog["boot"], variant=catalog["small"].pk)
    response = client.get(reverse("shop:cart"))
    assert response.status_code == 200
    cart = response.context["cart"]
    assert cart.count == 3
    assert cart.total == Decimal("79.00") * 2 + Decimal("899.95")
    assert cart.product_ids == [catalog["mug"].pk, catalog["boot"].pk]

    mug_key = str(catalog["mug"].pk)
    client.post(reverse("shop:cart"), {"update": "1", f"quantity-{mug_key}": "5"})
    assert Cart(client.session).count == 6
    client.post(reverse("shop:cart"), {"remove": mug_key})
    cart = Cart(client.session)
    assert [line.product.name for line in cart.lines] == ["Classic Leather Boots"]


def test_cart_drops_products_unpublished_since(client: Client, catalog: dict) -> None:
    add_to_cart(client, catalog["mug"])
    Product.objects.filter(pk=catalog["mug"].pk).update(is_published=False)
    assert Cart(client.session).lines == []


def test_checkout_flow_creates_the_order(client: Client, catalog: dict) -> None:
    add_to_cart(client, catalog["boot"], variant=catalog["large"].pk, quantity=2)
    add_to_cart(client, catalog["mug"], quantity=3)

    response = checkout(client, subscribed="on")
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:order_confirmation", args=[order.pk])

    lines = {
        (line.product.sku, line.variant_id, line.quantity, line.unit_price)
        for line in order.lines.all()
    }
    assert lines == {
        ("P1", catalog["large"].pk, 2, Decimal("949.95")),  # the variant's price
        ("P2", None, 3, Decimal("79.00")),
    }
    assert order.total == Decimal("949.95") * 2 + Decimal("79.00") * 3
    assert order.email == "ann@example.com" and order.status == Order.Status.PAID
    customer = Customer.objects.get(email="ann@example.com")
    assert order.customer == customer and customer.full_name == "Ann Berg" and customer.subscribed
    # Stock is taken, the cart is emptied.
    catalog["large"].refresh_from_db()
    catalog["boot"].refresh_from_db()
    assert (catalog["large"].stock, catalog["boot"].stock) == (1, 3)
    assert Cart(client.session).count == 0

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert f"#{order.pk}" in html and "2136.90" in html and "Size 45" in html


def test_checkout_reuses_the_customer_by_email(client: Client, catalog: dict) -> None:
    existing = Customer.objects.create(email="Ann@Example.com", first_name="Ann")
    add_to_cart(client, catalog["mug"])
    checkout(client, email="ann@example.com")
    assert Customer.objects.count() == 1
    existing.refresh_from_db()
    assert Order.objects.get().customer == existing
    assert (existing.last_name, existing.zip_code) == ("Berg", "2100")  # blanks filled in


def test_checkout_rejects_invalid_form_and_sold_out_items(client: Client, catalog: dict) -> None:
    add_to_cart(client, catalog["mug"], quantity=2)
    assert checkout(client, email="not-an-email").status_code == 400
    Product.objects.filter(pk=catalog["mug"].pk).update(stock=1)
    response = checkout(client)
    assert response.status_code == 400
    assert b"Only 1 of Ceramic Mug left" in response.content
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert Cart(client.session).count == 2  # the cart is kept for another try


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client: Client) -> None:
    response = checkout(client)
    assert response["Location"] == reverse("shop:cart")
    assert not Order.objects.exists()
    assert client.get(reverse("shop:checkout")).status_code == 405


def test_confirmation_of_someone_elses_order_is_404(client: Client, catalog: dict) -> None:
    add_to_cart(client, catalog["mug"])
    mine = client.get(checkout(client)["Location"])
    assert mine.status_code == 200
    order = mine.context["order"]
    stranger = Client()
    assert stranger.get(reverse("shop:order_confirmation", args=[order.pk])).status_code == 404
    other = Order.objects.create(email="bob@example.com")
    assert client.get(reverse("shop:order_confirmation", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    "template",
    [
        "shop/home.html",
        "shop/category.html",
        "shop/product.html",
        "shop/added.html",
        "shop/cart.html",
        "shop/search.html",
        "shop/order_confirmation.html",
        "shop/page.html",
        "shop/blog_list.html",
    ],
)
def test_templates_have_the_clerk_blocks(template: str) -> None:
    """The storefront integration overrides these blocks: they must stay in place."""
    compiled = get_template(template).template
    names = {node.name for node in compiled.nodelist.get_nodes_by_type(BlockNode)}
    assert "clerk_placements" in names
    base = get_template("shop/base.html").template
    base_names = {node.name for node in base.nodelist.get_nodes_by_type(BlockNode)}
    assert {"clerk_head", "clerk_body_end"} <= base_names
