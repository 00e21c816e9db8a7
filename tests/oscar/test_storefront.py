"""Oscar's pages with the preset's includes: Clerk.js, the product page's placements, the
basket as Clerk's cart, the powerstep after ``basket_addition``, sales tracking after the
checkout (``post_checkout``), each from the same ids as the feeds."""

from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from django_clerk.contrib.oscar.storefront_signals import SALE_KEY, post_checkout
from django_clerk.models import PendingChange
from django_clerk.models.sync import SALE
from django_clerk.sync.delivery import deliver_due
from tests.oscarshop.seed import Shop, make_order

pytestmark = pytest.mark.django_db


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def placements(text: str, template: str) -> list[str]:
    """The ``data-products`` of the placements of Content ``template``."""
    found = re.findall(rf'data-template="@{template}"[^>]*?data-products="([^"]*)"', text)
    return [html.unescape(value) for value in found]


def test_the_product_page_has_clerk_js_its_context_and_placements(
    client: Any, oscar_shop: Shop, clerk_store: Any
) -> None:
    parent = oscar_shop.parents[1]
    text = page(client, parent.get_absolute_url())
    assert "default-public" in text and "clerk.js" in text
    assert f'Clerk("context", {{"product":{parent.pk}}});' in text
    assert placements(text, "product-page-alternatives") == [f"[{parent.pk}]"]
    assert "default-private" not in text


def test_a_child_page_shows_the_parents_placements(
    client: Any, oscar_shop: Shop, clerk_store: Any
) -> None:
    parent = oscar_shop.parents[1]
    child = parent.children.order_by("pk").first()
    response = client.get(child.get_absolute_url(), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert placements(text, "product-page-alternatives") == [f"[{parent.pk}]"]


def cart_ids(text: str) -> list[Any]:
    match = re.search(r'Clerk\("cart", "set", (\[[^\]]*\])\)', text)
    assert match, "no Clerk cart call"
    return json.loads(match.group(1))


def test_the_basket_is_clerks_cart_and_an_addition_shows_the_powerstep_once(
    client: Any, oscar_shop: Shop, clerk_store: Any
) -> None:
    parent = oscar_shop.parents[1]
    child = parent.children.order_by("pk").first()
    book = oscar_shop.standalone[5]
    assert cart_ids(page(client, book.get_absolute_url())) == []
    add = reverse("basket:add", kwargs={"pk": parent.pk})
    response = client.post(add, {"quantity": 1, "child_id": child.pk})
    assert response.status_code == 302
    after = page(client, book.get_absolute_url())  # the page the shopper goes on to
    assert cart_ids(after) == [parent.pk]
    assert placements(after, "power-step-others-also-bought") == [f"[{parent.pk}]"]
    again = page(client, book.get_absolute_url())
    assert placements(again, "power-step-others-also-bought") == []  # once
    client.post(reverse("basket:add", kwargs={"pk": book.pk}), {"quantity": 2})
    basket = page(client, reverse("basket:summary"))
    assert cart_ids(basket) == [parent.pk, book.pk]
    assert placements(basket, "cart-others-also-bought") == [f"[{parent.pk},{book.pk}]"]


def sales(text: str) -> list[dict[str, str]]:
    found = re.findall(r'<span class="clerk"[^>]*data-api="log/sale"[^>]*>', text)
    return [dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', span)) for span in found]


def test_the_thank_you_page_tracks_the_sale_once(
    client: Any, oscar_shop: Shop, clerk_store: Any, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "browser"}}  # Clerk.js alone
    customer = oscar_shop.users[3]
    client.force_login(customer)
    child = oscar_shop.parents[2].children.order_by("pk").first()
    order = make_order(oscar_shop, 777, customer, [oscar_shop.standalone[6], child])
    session = client.session
    post_checkout.send(
        sender=None, order=order, user=customer, request=SimpleNamespace(session=session)
    )
    assert session[SALE_KEY] == order.pk
    session["checkout_order_id"] = order.pk  # what Oscar's checkout keeps for this page
    session.save()
    (sale,) = sales(page(client, reverse("checkout:thank-you")))
    assert sale["data-sale"] == str(order.pk)
    products = json.loads(html.unescape(sale["data-products"]))
    assert [line["id"] for line in products] == [oscar_shop.standalone[6].pk, child.parent_id]
    assert sale["data-email"] == customer.email
    assert sales(page(client, oscar_shop.standalone[6].get_absolute_url())) == []


def test_the_catalogue_and_category_pages(client: Any, oscar_shop: Shop, clerk_store: Any) -> None:
    home = page(client, reverse("catalogue:index"))
    assert 'data-template="@home-page-popular"' in home
    crime = oscar_shop.categories["Crime"]
    text = page(client, crime.get_absolute_url())
    assert f'Clerk("context", {{"category":{crime.pk}}});' in text
    assert re.search(rf'data-category="{crime.pk}"', text)


def test_nothing_is_rendered_for_a_store_without_keys(
    client: Any, oscar_shop: Shop, db: Any
) -> None:
    text = page(client, oscar_shop.parents[1].get_absolute_url())
    assert "clerk.js" not in text and 'class="clerk' not in text


def test_a_placed_order_is_also_sent_from_the_server_once(
    client: Any, oscar_shop: Shop, clerk_store: Any, clerk_api: Any, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "SYNC_DELIVERY": "manual", "TRACKING": {"sales": "both"}}
    customer = oscar_shop.users[3]
    client.force_login(customer)
    order = make_order(oscar_shop, 778, customer, [oscar_shop.standalone[6]])
    session = client.session
    for _ in range(2):  # a signal sent twice still makes one sale
        post_checkout.send(
            sender=None, order=order, user=customer, request=SimpleNamespace(session=session)
        )
    (row,) = PendingChange.objects.filter(entity=SALE)
    assert row.object_id == str(order.pk)
    session["checkout_order_id"] = order.pk
    session.save()
    thank_you = page(client, reverse("checkout:thank-you"))
    assert sales(thank_you) == [] and 'Clerk("call", "log/sale"' in thank_you
    assert "/tracking/sale/?t=" in thank_you  # Clerk.js' success drops the server's copy
    PendingChange.objects.retry_now()  # Clerk.js never ran: the grace delay is over
    assert deliver_due(entities=[SALE]).upserted == 1
    (sent,) = clerk_api.logged("log/sale")
    assert sent["sale"] == order.pk and sent["email"] == customer.email
    assert [line["id"] for line in sent["products"]] == [oscar_shop.standalone[6].pk]
