"""The shop's objects for Clerk's ids, in Clerk's order, whatever the type of the ids."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shop.models import Page, Product

from django_clerk.search.objects import objects_in_order
from tests.sources.serializers import SOURCES
from tests.uuidshop.clerk import SERIALIZERS as UUID_SERIALIZERS
from tests.uuidshop.models import Product as UuidProduct

pytestmark = pytest.mark.django_db


def test_integer_ids_in_clerks_order_in_one_query():
    products = [
        Product.objects.create(name=n, slug=n, sku=n, price=Decimal(1), stock=1) for n in "abcd"
    ]
    ids = [products[2].pk, "junk", products[0].pk, 10**9, str(products[3].pk)]
    with CaptureQueriesContext(connection) as queries:
        found = objects_in_order("products", ids)
    assert found == [products[2], products[0], products[3]]
    assert len(queries) == 1


def test_uuid_ids(settings: Any):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": UUID_SERIALIZERS}
    products = [UuidProduct.objects.create(name=n, price=Decimal(1)) for n in "xyz"]
    ids = [str(products[1].pk), "not-a-uuid", str(uuid.uuid4()), str(products[0].pk)]
    assert objects_in_order("products", ids) == [products[1], products[0]]
    published = UuidProduct.objects.filter(name="x")
    assert objects_in_order("products", ids, {UuidProduct: published}) == [products[0]]


def test_prefixed_sources_sharing_a_model(settings: Any):
    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {**settings.CLERK["SERIALIZERS"], "pages": SOURCES},
    }
    cms = Page.objects.create(title="About", slug="about", body="x", kind=Page.Kind.CMS)
    blog = Page.objects.create(title="News", slug="news", body="x", kind=Page.Kind.BLOG)
    ids = [f"blog-{blog.pk}", str(cms.pk), str(blog.pk), f"blog-{cms.pk}"]
    # "<blog pk>" without the prefix and "blog-<cms pk>" name no object of their source
    assert objects_in_order("pages", ids) == [blog, cms]
