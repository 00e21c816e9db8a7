"""``join_url``, its per-base ``joiner`` and the per-page ``UrlTemplate`` equal the slow
paths they stand in for (``urljoin``, ``reverse``)."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from django.urls import NoReverseMatch, reverse

from django_clerk.absolute_urls import UrlTemplate, join_url, joiner


@pytest.mark.parametrize(
    "base",
    ["https://shop.example.com/", "https://shop.example.com/da/", "http://h:8000/x/y", ""],
)
@pytest.mark.parametrize(
    "path",
    [
        "/product/a-b_c/", "/", "/a//b/", "/a/./b", "/a/../b", "/a;p", "/a?q=1", "/a#f",
        "relative/x", "/%41b", "//cdn.example.com/x", "https://other/x", "",
    ],
)  # fmt: skip
def test_joiner_equals_urljoin(base, path):
    expected = (
        path
        if not path or "://" in path or path.startswith("//")
        else (urljoin(base, path) if base else path)
    )
    assert join_url(base, path) == expected
    assert joiner(base)(path) == expected


@pytest.mark.parametrize("slug", ["plain-slug_1", "123", "with space", "æøå", "a/b"])
def test_url_template_equals_reverse(db, slug):
    template = UrlTemplate("shop:product", "slug")
    assert template.template(is_int=False) is not None
    try:
        expected = reverse("shop:product", kwargs={"slug": slug})
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            template(slug)
    else:
        assert template(slug) == expected


@pytest.mark.parametrize("pk", [0, 7, 123456789])
def test_url_template_of_an_int_route(db, pk):
    template = UrlTemplate("shop:order_confirmation", "pk")
    assert template.template(is_int=True) is not None
    assert template(pk) == reverse("shop:order_confirmation", kwargs={"pk": pk})


def test_a_route_that_does_not_take_the_value_type_is_reversed_for_real(db):
    template = UrlTemplate("shop:product", "slug")
    assert template.template(is_int=True) is None  # a slug route, not an int one
    assert template(42) == reverse("shop:product", kwargs={"slug": 42})


@pytest.mark.parametrize("base", ["https://shop.example.com/", "https://shop.example.com/da/", ""])
@pytest.mark.parametrize("slug", ["plain-slug_1", "123", "with space", 42])
def test_absolute_template_equals_joining_the_reversed_path(db, base, slug):
    template = UrlTemplate("shop:product", "slug")
    try:
        expected = join_url(base, reverse("shop:product", kwargs={"slug": slug}))
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            template.absolute(joiner(base))(slug)
    else:
        assert template.absolute(joiner(base))(slug) == expected
