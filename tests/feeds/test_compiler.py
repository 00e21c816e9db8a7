"""The compiled fast path renders exactly what ``ClerkSerializer.serialize`` renders."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from shop.models import Product

from django_clerk.feeds.compiler import plan_for
from django_clerk.feeds.reversing import UrlTemplate, joiner
from django_clerk.mapping import get_serializer

ENTITIES = ["products", "categories", "orders", "customers", "pages"]


def renderable(entity, store):
    """The feed's objects that the example mapping can serialize: its ``brand`` field (a
    required CharField on ``brand.name``) raises for products without a brand."""
    queryset = get_serializer(entity).feed_queryset(store)
    return queryset.exclude(brand=None) if entity == "products" else queryset


def compiled(entity, store):
    serializer = get_serializer(entity)
    plan = plan_for(serializer)
    assert plan is not None, f"{entity} is not compiled"
    queryset = renderable(entity, store)
    rows = list(plan.queryset(queryset, store))
    return plan.render(rows, store, queryset.db)


@pytest.mark.parametrize("entity", ENTITIES)
@pytest.mark.parametrize("code", ["default", "da"])
def test_compiled_output_equals_serializer(shop, entity, code):
    store = shop[code]
    serializer = get_serializer(entity)
    expected = serializer.serialize(renderable(entity, store), store)
    assert expected
    assert compiled(entity, store) == expected
    assert plan_for(serializer) is not None  # no per-object query made it give up


def test_danish_store_gets_danish_names(shop):
    danish = {item["id"]: item["name"] for item in compiled("products", shop["da"])}
    for product in Product.objects.filter(pk__in=danish).exclude(name_da=""):
        assert danish[product.pk] == product.name_da
    assert any(p.name_da and p.name_da != p.name for p in Product.objects.all())


def test_orders_leave_out_emails_when_the_store_does_not_collect_them(shop):
    store = shop["default"]
    store.collect_emails = False
    assert all("email" not in order for order in compiled("orders", store))
    store.collect_emails = True
    assert all("email" in order for order in compiled("orders", store))


def test_field_querying_per_object_falls_back_to_drf(client, shop, settings):
    from tests.feeds.conftest import legacy
    from tests.feeds.serializers import ProductWithBrandSlugSerializer as Serializer

    settings.CLERK = {
        **settings.CLERK,
        "SERIALIZERS": {"products": "tests.feeds.serializers.ProductWithBrandSlugSerializer"},
    }
    store = shop["default"]
    assert plan_for(Serializer) is not None
    served = legacy(client, "product", limit=8).json()
    assert served == Serializer.serialize(Serializer.feed_queryset(store)[:8], store)
    assert any("brand_slug" in item for item in served)
    assert plan_for(Serializer) is None  # it stays on the DRF path


@pytest.mark.parametrize(
    "base",
    ["https://shop.example.com/", "https://shop.example.com/da/", "http://h:8000/x/y", ""],
)
@pytest.mark.parametrize(
    "path",
    [
        "/product/a-b_c/",
        "/",
        "/a//b/",
        "/a/./b",
        "/a/../b",
        "/a;p",
        "/a?q=1",
        "/a#f",
        "relative/x",
        "/%41b",
        "//cdn.example.com/x",
        "https://other/x",
        "",
    ],
)
def test_joiner_equals_urljoin(base, path):
    expected = (
        path
        if not path or "://" in path or path.startswith("//")
        else (urljoin(base, path) if base else path)
    )
    assert joiner(base)(path) == expected


@pytest.mark.parametrize("slug", ["plain-slug_1", "123", "with space", "æøå", "a/b"])
def test_url_template_equals_reverse(db, slug):
    from django.urls import NoReverseMatch, reverse

    template = UrlTemplate("shop:product", "slug", is_int=False)
    assert template.template is not None
    try:
        expected = reverse("shop:product", kwargs={"slug": slug})
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            template(slug)
    else:
        assert template(slug) == expected
