import pickle

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation

from django_clerk.models import Credentials, Store
from django_clerk.stores import (
    STOREFRONT_CACHE_KEY,
    active_stores,
    private_key_matches,
    store_for_public_key,
    store_for_request,
    storefront_stores,
)

pytestmark = pytest.mark.django_db


def test_database_keys(store):
    creds = store.credentials()
    assert (creds.public_key, creds.private_key) == ("default-public", "default-private")
    assert "default-private" not in repr(creds) and "default-private" not in str(creds)
    assert store.is_configured and not store.keys_from_settings


def test_settings_keys_win_over_the_database(make_store, settings):
    default = make_store(code="default")
    danish = make_store(code="da")
    settings.CLERK = {
        **settings.CLERK,
        "PUBLIC_KEY": "env-public",
        "PRIVATE_KEY": "env-private",
        "STORES": {"da": {"PRIVATE_KEY": "da-env-private"}},
    }
    assert default.credentials().public_key == "env-public"
    assert default.credentials().private_key == "env-private"
    assert danish.credentials().public_key == "da-public"  # not given in settings
    assert danish.credentials().private_key == "da-env-private"
    assert default.keys_from_settings and danish.keys_from_settings
    assert store_for_public_key("env-public") == default
    assert store_for_public_key("default-public") is None  # overridden keys no longer work


def test_store_for_public_key(make_store):
    a, b = make_store(code="a"), make_store(code="b")
    make_store(code="off", is_active=False)
    assert store_for_public_key("a-public") == a
    assert store_for_public_key("b-public") == b
    assert store_for_public_key("off-public") is None  # inactive
    assert store_for_public_key("") is None
    make_store(code="nokey", public_key="")
    assert store_for_public_key("") is None  # an empty key never matches a keyless store


def test_private_key_matches(store):
    assert private_key_matches(store, "default-private")
    assert not private_key_matches(store, "default-privatE")
    assert not private_key_matches(store, "")
    store.private_key = ""
    assert not private_key_matches(store, "")


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("https://shop.example.com/", "/p/1/", "https://shop.example.com/p/1/"),
        ("https://shop.example.com", "p/1/", "https://shop.example.com/p/1/"),
        ("https://shop.example.com/da/", "p/1/", "https://shop.example.com/da/p/1/"),
        (
            "https://shop.example.com/da/",
            "https://cdn.example.com/1.jpg",
            "https://cdn.example.com/1.jpg",
        ),
        ("", "/p/1/", "https://fallback.example.com/p/1/"),
    ],
)
def test_absolute_url(settings, base, path, expected):
    settings.CLERK = {**settings.CLERK, "BASE_URL": "https://fallback.example.com"}
    assert Store(base_url=base).absolute_url(path) == expected


def test_store_for_request_prefers_host_then_language(make_store):
    make_store(code="default", base_url="https://shop.example.com/")
    dk = make_store(code="dk", language="da", base_url="https://shop.example.dk/")
    en_dk = make_store(code="en-dk", language="en", base_url="https://shop.example.dk/")
    factory = RequestFactory()
    with translation.override("da"):
        assert store_for_request(factory.get("/", HTTP_HOST="shop.example.dk")) == dk
    with translation.override("en"):
        assert store_for_request(factory.get("/", HTTP_HOST="shop.example.dk")) == en_dk
        other = store_for_request(factory.get("/", HTTP_HOST="elsewhere.example.org"))
        assert other.code == "default"


def test_store_for_request_without_stores(db):
    Store.objects.all().delete()
    assert store_for_request(RequestFactory().get("/")) is None


def test_store_options_decide_which_entities_go_out(make_store):
    store = make_store(code="x", sync_orders=True, sync_customers=True, sync_pages=False)
    assert [
        e for e in ("products", "categories", "orders", "customers", "pages") if store.syncs(e)
    ] == [
        "products",
        "categories",
        "orders",
        "customers",
    ]
    store.collect_emails = False  # Clerk requires a customer's email
    assert not store.syncs("customers") and store.syncs("orders")


def test_storefront_stores_are_cached_until_a_store_changes(make_store, django_assert_num_queries):
    store = make_store(code="default")
    factory = RequestFactory()
    assert store_for_request(factory.get("/")) == store  # fills the cache
    with django_assert_num_queries(0):
        found = store_for_request(factory.get("/"))
        assert found == store and found.public_key_in_force == "default-public"
        assert found.credentials().public_key == "default-public"
    store.is_active = False
    store.save()  # clears the cache: the change applies at once in this process
    assert storefront_stores() == []


def test_no_cache_holds_a_private_key(make_store, django_assert_num_queries):
    make_store(code="default")
    make_store(code="da", language="da")
    stores = storefront_stores()
    cached = cache.get(STOREFRONT_CACHE_KEY)
    assert [s.pk for s in cached] == [s.pk for s in stores] and len(cached) == 2
    raw = pickle.dumps(cached)
    assert b"default-private" not in raw and b"da-private" not in raw
    assert all("private_key" in s.get_deferred_fields() for s in cached)
    # Reading it anyway loads it from the database, for that object only.
    with django_assert_num_queries(1):
        assert stores[0].credentials().private_key == "default-private"
    assert b"default-private" not in pickle.dumps(cache.get(STOREFRONT_CACHE_KEY))


def test_saving_a_storefront_store_keeps_its_private_key(make_store):
    make_store(code="default")
    cached = storefront_stores()[0]
    cached.name = "Renamed"
    cached.save()
    assert Store.objects.get(code="default").private_key == "default-private"


def test_settings_keys_are_read_live_by_cached_stores(make_store, settings):
    store = make_store(code="default")
    storefront_stores()
    settings.CLERK = {**settings.CLERK, "PUBLIC_KEY": "env-public", "PRIVATE_KEY": "env-private"}
    cached = storefront_stores()[0]
    assert cached.public_key_in_force == "env-public"
    assert cached.credentials().private_key == "env-private"
    assert store_for_public_key("env-public") == store


def test_feed_lookups_read_the_database_every_time(make_store, django_assert_num_queries):
    store = make_store(code="default")
    storefront_stores()
    for _ in range(2):
        with django_assert_num_queries(1):
            found = store_for_public_key("default-public")
            assert found == store and private_key_matches(found, "default-private")
    # Changes made elsewhere (another process: no signal here) apply to the next lookup.
    Store.objects.filter(pk=store.pk).update(private_key="rotated-private")
    found = store_for_public_key("default-public")
    assert private_key_matches(found, "rotated-private")
    assert not private_key_matches(found, "default-private")
    Store.objects.filter(pk=store.pk).update(public_key="new-public")
    assert store_for_public_key("default-public") is None
    assert store_for_public_key("new-public") == store
    Store.objects.filter(pk=store.pk).update(is_active=False)
    assert store_for_public_key("new-public") is None
    assert active_stores() == []


def test_credentials_load_the_private_key_only_when_read(make_store, django_assert_num_queries):
    make_store(code="default")
    cached = storefront_stores()[0]
    with django_assert_num_queries(0):
        credentials = cached.credentials()
        assert credentials.public_key == "default-public"
        assert "default-private" not in repr(credentials)
    with django_assert_num_queries(1):
        assert credentials.private_key == "default-private"
        assert credentials.private_key == "default-private"  # loaded once
    assert credentials == Credentials("default-public", "default-private")
