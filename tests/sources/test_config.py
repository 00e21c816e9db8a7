"""The configuration of several sources: the registry, the system checks of their id
prefixes, id references to a prefixed source, and the ids the template tags show."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from shop.clerk import OrderSerializer
from shop.models import Customer, Order, OrderLine, Product

from django_clerk import mapping
from django_clerk.sync import signals
from tests.sources.serializers import SOURCES, BlogPostSerializer, CmsPageSerializer
from tests.storefront.test_tags import calls, clerk_spans, render


def check_ids() -> list[str]:
    return [m.id for m in checks.run_checks(tags=["django_clerk"]) if m.level >= checks.WARNING]


def with_prefix(base: type, prefix: Any, name: str = "Prefixed") -> type:
    meta = type("Meta", (base.Meta,), {"id_prefix": prefix})
    return type(name, (base,), {"Meta": meta, "__module__": __name__})


def pages_setting(settings: Any, sources: Any) -> None:
    serializers = {**settings.CLERK.get("SERIALIZERS", {}), "pages": sources}
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": serializers}


def test_registry_lists_every_source(two_sources):
    assert mapping.get_serializers("pages") == [CmsPageSerializer, BlogPostSerializer]
    assert mapping.mapped_entities()["pages"] == [CmsPageSerializer, BlogPostSerializer]
    assert len(mapping.mapped_entities()["products"]) == 1
    with pytest.raises(ImproperlyConfigured, match="get_serializers"):
        mapping.get_serializer("pages")
    assert mapping.get_serializer("products") is not None  # one source: as before
    assert mapping.entities_for_model(CmsPageSerializer.Meta.model) == ["pages"]
    assert mapping.id_prefix(CmsPageSerializer) == ""  # sent as text
    assert mapping.id_prefix(BlogPostSerializer) == "blog-"
    assert mapping.clerk_id(CmsPageSerializer, 5) == "5"
    assert mapping.id_prefix(mapping.get_serializer("products")) is None  # ints stay ints


def test_one_source_with_a_prefix(settings, make_store, make_page):
    pages_setting(settings, [SOURCES[1]])
    store = make_store(code="default")
    blog = make_page("blog")
    assert BlogPostSerializer.serialize([blog], store)[0]["id"] == f"blog-{blog.pk}"


def test_classes_in_the_list(settings):
    pages_setting(settings, [CmsPageSerializer, SOURCES[1]])
    assert mapping.get_serializers("pages") == [CmsPageSerializer, BlogPostSerializer]
    assert check_ids() == []


def test_valid_sources_pass_the_checks(two_sources):
    assert check_ids() == []


@pytest.mark.parametrize(
    ("prefixes", "expected"),
    [
        (["blog-", "blog-"], ["django_clerk.E016"]),
        (["blog", "blog-"], ["django_clerk.E016"]),
        (["news-", "blog-", None], []),
        ([None, None], ["django_clerk.E017"]),
        ([None, "", "blog-"], ["django_clerk.E017"]),
        (["blog/", "news-"], ["django_clerk.E018"]),
        (["blög-", "news-"], ["django_clerk.E018"]),
        (["12", "news-"], ["django_clerk.E018"]),
        (["cafe-", "news-"], ["django_clerk.E018"]),  # could begin a UUID key
        (["a1", "news-"], ["django_clerk.E018"]),
        ([7, "news-"], ["django_clerk.E018"]),
        (["x" * 65, None], ["django_clerk.E018"]),
    ],
)
def test_prefix_checks(settings, prefixes, expected):
    sources = [with_prefix(CmsPageSerializer, p, f"Source{i}") for i, p in enumerate(prefixes)]
    pages_setting(settings, sources)
    assert check_ids() == expected


def test_each_source_is_checked(settings):
    pages_setting(settings, [SOURCES[0], "tests.sources.serializers.Nope"])
    assert check_ids() == ["django_clerk.E004"]
    pages_setting(settings, [SOURCES[0], OrderSerializer])
    messages = [m for m in checks.run_checks(tags=["django_clerk"]) if m.level >= checks.WARNING]
    assert [m.id for m in messages] == ["django_clerk.E005"]
    assert "['pages'][1]" in messages[0].msg


def test_sync_related_is_followed_per_source(two_sources, settings, monkeypatch):
    monkeypatch.setattr(BlogPostSerializer.Meta, "sync_related", ["nope"], raising=False)
    assert "django_clerk.E032" in check_ids()
    monkeypatch.setattr(BlogPostSerializer.Meta, "sync_related", [], raising=False)
    plans, _ = signals.build_plans()
    assert plans[CmsPageSerializer.Meta.model].entities == [("pages", ""), ("pages", "blog-")]


class SubscriberOrderSerializer(OrderSerializer):
    customer = mapping.IdField(source="customer_id", id_prefix="sub-")
    categories = mapping.IdListField(source="lines", id_attribute="product_id", id_prefix="p-")

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "categories"]


@pytest.fixture
def order(db: Any) -> Order:
    product = Product.objects.create(name="Mug", slug="mug", sku="M1", price=Decimal("10.50"))
    customer = Customer.objects.create(email="bo@example.com", first_name="Bo")
    order = Order.objects.create(customer=customer, email="bo@example.com", status="paid")
    OrderLine.objects.create(order=order, product=product, quantity=2, unit_price=Decimal("1"))
    return order


@pytest.mark.parametrize("source", ["rows", "instances"])
def test_references_to_a_prefixed_source(make_store, order, source):
    store = make_store(code="default")
    rendered = mapping.Renderer(SubscriberOrderSerializer, store, source=source)
    queryset = Order.objects.filter(pk=order.pk)
    items = rendered.render_all(rendered.source_queryset(queryset) if source == "rows" else
                                list(queryset)).items  # fmt: skip
    assert items[0]["customer"] == f"sub-{order.customer_id}"
    assert items[0]["categories"] == [f"p-{order.lines.get().product_id}"]
    assert isinstance(items[0]["id"], int)  # the order's own source has no prefix


def test_sales_tracking_uses_the_orders_source(settings, make_store, order):
    web = with_prefix(SubscriberOrderSerializer, "web-", "WebOrderSerializer")
    shop_floor = with_prefix(SubscriberOrderSerializer, "pos-", "ShopFloorOrderSerializer")
    web.holds = classmethod(lambda cls, o: o.status == "paid")  # type: ignore[attr-defined]
    serializers = {**settings.CLERK["SERIALIZERS"], "orders": [shop_floor, web]}
    shop_floor.holds = classmethod(lambda cls, o: o.status != "paid")  # type: ignore[attr-defined]
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": serializers}
    settings.CLERK = {**settings.CLERK, "TRACKING": {"sales": "browser"}}  # the element
    make_store(code="default")
    (span,) = clerk_spans(render("{% clerk_sales_tracking o %}", o=order))
    assert span["data-sale"] == f"web-{order.pk}"
    assert span["data-customer"] == f"sub-{order.customer_id}"
    order.status = "pending"
    (span,) = clerk_spans(render("{% clerk_sales_tracking o %}", o=order))
    assert span["data-sale"] == f"pos-{order.pk}"


def test_tags_show_the_prefix_of_the_objects_source(store, make_page):
    cms, blog = make_page("cms"), make_page("blog")
    html = render("{% clerk_js %}{% clerk_context page=p %}", p=blog)
    assert ["context", {"page": f"blog-{blog.pk}"}] in calls(html)
    html = render("{% clerk_js %}{% clerk_context page=p %}", p=cms)
    assert ["context", {"page": str(cms.pk)}] in calls(html)
    (span,) = clerk_spans(render('{% clerk_placement "blog-related" pages=p %}', p=blog))
    assert span["data-pages"] == f"blog-{blog.pk}"
    (span,) = clerk_spans(render('{% clerk_placement "x" pages=ps %}', ps=[cms, blog]))
    assert json.loads(span["data-pages"]) == [str(cms.pk), f"blog-{blog.pk}"]
