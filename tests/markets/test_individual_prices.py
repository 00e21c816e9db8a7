"""The individual-prices endpoint: a logged-in customer's own prices, never anyone else's,
JSON errors for anonymous visitors and bad requests, a constant number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.markets import hooks
from tests.markets.conftest import PricedCatalogue
from tests.marketshop.models import NegotiatedPrice

pytestmark = pytest.mark.django_db
URL = "/clerk/prices/"


@pytest.fixture(autouse=True)
def price_hook(settings: Any) -> None:
    settings.CLERK = {
        **settings.CLERK,
        "INDIVIDUAL_PRICES": "tests.markets.hooks.individual_prices",
    }
    hooks.calls.clear()


@pytest.fixture
def customers(stores: Any, priced: PricedCatalogue) -> dict[str, User]:
    """Ann has her own price of products 0 and 1, Bo of products 0 and 2."""
    ann = User.objects.create_user("ann", "ann@example.com", "pw")
    bo = User.objects.create_user("bo", "bo@example.com", "pw")
    p = priced.products
    for user, product, cents in ((ann, p[0], 5000), (ann, p[1], 6150), (bo, p[0], 7000),
                                 (bo, p[2], 4444)):  # fmt: skip
        NegotiatedPrice.objects.create(user=user, product=product, price_cents=cents)
    return {"ann": ann, "bo": bo}


def ask(client: Any, ids: list[Any], **extra: Any) -> Any:
    return client.get(URL, {"ids": ",".join(str(i) for i in ids), **extra})


def test_a_customer_gets_their_own_prices_only(
    client: Any, customers: dict[str, User], priced: PricedCatalogue
) -> None:
    p = [str(product.pk) for product in priced.products]
    client.force_login(customers["ann"])
    response = ask(client, p[:3], user=customers["bo"].pk, customer="bo")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.json() == {"currency": "DKK", "prices": {p[0]: 50.0, p[1]: 61.5}}
    assert hooks.calls == [(customers["ann"].pk, p[:3])]  # the session's customer, always
    client.force_login(customers["bo"])
    assert ask(client, p[:3]).json()["prices"] == {p[0]: 70.0, p[2]: 44.44}  # not Ann's cache
    assert len(hooks.calls) == 2
    client.force_login(customers["ann"])
    assert ask(client, p[:3]).json()["prices"] == {p[0]: 50.0, p[1]: 61.5}
    assert len(hooks.calls) == 2  # answered from Ann's cache


def test_only_the_ids_asked_for(
    client: Any, customers: dict[str, User], priced: PricedCatalogue, settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "INDIVIDUAL_PRICES": "tests.markets.hooks.everyones_prices"}
    first = str(priced.products[0].pk)
    client.force_login(customers["ann"])
    assert set(ask(client, [first]).json()["prices"]) == {first}


def test_in_the_stores_currency(
    client: Any, customers: dict[str, User], priced: PricedCatalogue, stores: Any
) -> None:
    stores["eu"].base_url = "https://shop.example.eu/"
    stores["eu"].save()
    client.force_login(customers["ann"])
    first = str(priced.products[0].pk)
    response = client.get(URL, {"ids": first}, HTTP_HOST="shop.example.eu")
    assert response.json() == {"currency": "EUR", "prices": {first: 6.7}}  # 50 DKK * 0.134


@pytest.mark.parametrize(
    "params,status,message",
    [
        ({}, 400, "Give the product ids"),
        ({"ids": ","}, 400, "Give the product ids"),
        ({"ids": ",".join(str(n) for n in range(101))}, 400, "At most 100 product ids"),
        ({"ids": "1,<script>"}, 400, "A product id is"),
    ],
)
def test_bad_requests_are_json(
    client: Any, customers: dict[str, User], params: dict[str, str], status: int, message: str
) -> None:
    client.force_login(customers["ann"])
    response = client.get(URL, params)
    assert response.status_code == status and response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"].startswith(message)
    assert hooks.calls == []


def test_anonymous_visitors_and_other_methods(client: Any, customers: dict[str, User]) -> None:
    response = client.get(URL, {"ids": "1"})
    assert response.status_code == 401 and response.json()["error"]["code"] == 401
    client.force_login(customers["ann"])
    response = client.post(URL, {"ids": "1"})
    assert response.status_code == 405 and response.json()["error"]["code"] == 405
    assert hooks.calls == []


def test_not_set_up(client: Any, customers: dict[str, User], settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "INDIVIDUAL_PRICES": ""}
    client.force_login(customers["ann"])
    response = client.get(URL, {"ids": "1"})
    assert (
        response.status_code == 404 and "INDIVIDUAL_PRICES" in response.json()["error"]["message"]
    )


def test_a_failing_hook_is_a_json_503(
    client: Any, customers: dict[str, User], settings: Any
) -> None:
    settings.CLERK = {**settings.CLERK, "INDIVIDUAL_PRICES": "tests.markets.hooks.customer_group"}
    client.force_login(customers["ann"])
    response = client.get(URL, {"ids": "1"})
    assert response.status_code == 503 and response.json()["error"]["code"] == 503


@pytest.mark.parametrize(
    "answer", [{"1": "abc"}, ["1"], "1", {"1": [1]}, {"1": float("nan")}, {"1": float("inf")}]
)
def test_a_hook_answering_no_prices_is_a_json_503(
    client: Any, customers: dict[str, User], settings: Any, answer: Any
) -> None:
    from tests.markets import hooks

    hooks.JUNK[:] = [answer]
    settings.CLERK = {
        **settings.CLERK,
        "INDIVIDUAL_PRICES": "tests.markets.hooks.junk_prices",
        "INDIVIDUAL_PRICES_CACHE_SECONDS": 0,
    }
    client.force_login(customers["ann"])
    response = client.get(URL, {"ids": "1"})
    assert response.status_code == 503 and response.json()["error"]["code"] == 503


def test_fifty_ids_in_a_constant_number_of_queries(
    client: Any,
    customers: dict[str, User],
    make_store: Any,
    settings: Any,
    django_assert_num_queries: Any,
) -> None:
    settings.CLERK = {**settings.CLERK, "INDIVIDUAL_PRICES_CACHE_SECONDS": 0}
    from tests.marketshop.conftest import make_products
    from tests.marketshop.models import Category

    products = make_products(50, [Category.objects.create(name="More", slug="more")], start=100)
    ann = customers["ann"]
    for product in products:
        NegotiatedPrice.objects.create(user=ann, product=product, price_cents=1234)
    client.force_login(ann)
    ids = [str(product.pk) for product in products]
    ask(client, ids[:1])  # the storefront's stores are cached from here on
    with CaptureQueriesContext(connection) as one:
        assert len(ask(client, ids[:1]).json()["prices"]) == 1
    # Session, user, and the hook's one query: the same for 50 ids as for 1.
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(ask(client, ids).json()["prices"]) == 50
    assert len(one.captured_queries) == 3
