"""``subscriber/unsubscribe``: Clerk tells the shop, with the store's token, who unsubscribed."""

from __future__ import annotations

import pytest
from shop.models import Customer

from django_clerk.models import PendingChange

pytestmark = pytest.mark.django_db
URL = "/clerk/subscriber/unsubscribe"


def call(client, token=None, **body):
    headers = {"HTTP_X_CLERK_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, body, content_type="application/json", secure=True, **headers)


def test_clerk_unsubscribes_with_its_token(client, clerk_store, clerk_api, customer):
    token = clerk_api.issue_token("default-public")
    response = call(client, token, key="default-public", email="ANN@example.com")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "unsubscribed": 1}
    customer.refresh_from_db()
    assert not customer.subscribed
    assert PendingChange.objects.filter(entity="customers", object_id=str(customer.pk)).exists()


@pytest.mark.parametrize(
    ("token", "key", "status"),
    [(None, "default-public", 401), ("made-up", "default-public", 403), ("ok", "nope", 403)],
)
def test_without_valid_credentials_nothing_changes(
    client, clerk_store, clerk_api, customer, token, key, status
):
    if token == "ok":
        token = clerk_api.issue_token("default-public")
    response = call(client, token, key=key, email="ann@example.com")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert Customer.objects.get(pk=customer.pk).subscribed


@pytest.mark.parametrize(
    "email",
    [None, "", "not an address", "x" * 250 + "@example.com", 42, "a\u0000@b.c", "a\x07@b.c"],
)
def test_a_bad_email_is_a_json_400(client, clerk_store, clerk_api, customer, email):
    token = clerk_api.issue_token("default-public")
    response = call(client, token, key="default-public", email=email)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("email:")
    assert Customer.objects.get(pk=customer.pk).subscribed


def test_get_is_a_json_405(client, clerk_store):
    response = client.get(URL, secure=True)
    assert response.status_code == 405 and response.json()["error"]["code"] == 405
