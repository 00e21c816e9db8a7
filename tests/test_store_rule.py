"""Which store a storefront request is shown in (``store_for_request``): the request's host
first, then the active language, then the default store, then the first one."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from django_clerk.stores import language_match, store_for_request

pytestmark = pytest.mark.django_db

factory = RequestFactory()


def shown(host, language):
    """The code of the store a request for ``host`` in ``language`` is shown in."""
    with translation.override(language):
        store = store_for_request(factory.get("/", HTTP_HOST=host) if host else None)
    return store.code if store is not None else None


@pytest.fixture
def two_domains(make_store):
    """A .com and a .de domain, each in English and German; the default store is English
    on the .com domain (created first)."""
    make_store(code="default", language="en", base_url="https://shop.example.com/")
    make_store(code="com-de", language="de", base_url="https://shop.example.com/")
    make_store(code="de-en", language="en", base_url="https://shop.example.de/")
    make_store(code="de-de", language="de", base_url="https://shop.example.de/")


@pytest.mark.parametrize(
    ("host", "language", "expected"),
    [
        ("shop.example.de", "de", "de-de"),
        ("shop.example.de", "en", "de-en"),
        ("shop.example.com", "de", "com-de"),
        ("shop.example.com", "en", "default"),
        ("SHOP.EXAMPLE.DE:8443", "de-at", "de-de"),  # host without port, any case; subtag
        # A language no store has: the host still decides, then the default store...
        ("shop.example.de", "fr", "de-en"),  # ... or the first store on that host
        ("shop.example.com", "fr", "default"),
    ],
)
def test_two_domains_in_two_languages(two_domains, host, language, expected):
    assert shown(host, language) == expected


def test_the_host_wins_over_the_default_store_in_the_active_language(make_store):
    make_store(code="default", language="en", base_url="https://shop.example.com/")
    make_store(code="de", language="de", base_url="https://shop.example.de/")
    # The German domain in English: the German store, not the English default one.
    assert shown("shop.example.de", "en") == "de"
    assert shown("shop.example.de", "de") == "de"
    assert shown("shop.example.com", "de") == "default"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-us", "en-us"),
        ("en-gb", "en-gb"),
        ("en", "en-gb"),  # two stores share the subtag: the first of them
        ("fr", "fr"),
        ("fr-ca", "fr"),
    ],
)
def test_one_domain_in_several_languages(make_store, language, expected):
    make_store(code="elsewhere", language="da", base_url="https://shop.example.dk/")
    for code in ("en-gb", "en-us", "fr"):
        make_store(code=code, language=code, base_url="https://shop.example.com/")
    assert shown("shop.example.com", language) == expected
    assert shown("www.example.org", language) == expected  # no host match: the language
    # Danish is on another host only: the host wins, then the first store on it.
    assert shown("shop.example.com", "da") == "en-gb"
    assert shown("shop.example.dk", language) == "elsewhere"


def test_no_host_and_no_language_match(make_store):
    first = make_store(code="nl", language="nl", base_url="https://shop.example.nl/")
    make_store(code="default", language="en", base_url="https://shop.example.com/")
    make_store(code="sv", language="sv", base_url="https://shop.example.se/")
    assert shown("www.example.org", "it") == "default"
    assert shown(None, "it") == "default"  # no request: the language, then the default
    assert shown(None, "sv") == "sv"
    assert shown("www.example.org", "sv") == "sv"  # no host match: the language
    type(first).objects.filter(code="default").delete()
    assert shown("www.example.org", "it") == "nl"  # no default store: the first


def test_store_without_base_url_matches_no_host(make_store):
    make_store(code="default", language="en", base_url="")
    make_store(code="da", language="da", base_url="")
    assert shown("shop.example.com", "da") == "da"
    assert shown("shop.example.com", "fi") == "default"


@pytest.mark.parametrize(
    ("store_language", "active_language", "expected"),
    [
        ("de", "de", 2),
        ("DE-AT", "de-at", 2),
        ("de", "de-at", 1),
        ("de-at", "de-ch", 1),
        ("de", "en", 0),
        ("de", "", 0),
    ],
)
def test_language_match(store_language, active_language, expected):
    assert language_match(store_language, active_language) == expected
