"""The render core: policies, declared reads, the source decision and its system checks."""

from __future__ import annotations

import logging
from operator import itemgetter
from typing import Any

import pytest
from django.core import checks
from django.db.models import F, Q
from django.test import override_settings
from rest_framework import serializers
from shop.clerk import ProductSerializer
from shop.models import Brand, Category, Product

from django_clerk import mapping
from django_clerk.mapping import ClerkDataError, Policy, Renderer

pytestmark = pytest.mark.django_db


@pytest.fixture
def products() -> list[Product]:
    brand = Brand.objects.create(name="Acme", slug="acme")
    shoes = Category.objects.create(name="Shoes", slug="shoes")
    made = []
    for n, stock in enumerate([3, 0, 7]):
        product = Product.objects.create(
            name=f"Boot {n}", slug=f"boot-{n}", sku=f"B{n}", description="Leather",
            price=100 + n, stock=stock, brand=brand if n != 1 else None,
        )  # fmt: skip
        product.categories.set([shoes])
        made.append(product)
    return made


class Minimal(mapping.ProductSerializer):
    url = mapping.AbsoluteURLField(view_name="shop:product", lookup_field="slug")
    categories = mapping.IdListField()
    in_stock = mapping.ExpressionField(Q(stock__gt=0), output=bool)
    price_in_cents = mapping.ExpressionField(F("price") * 100, output=int)

    class Meta:
        model = Product
        fields = ["id", "name", "url", "categories", "in_stock", "price_in_cents"]


def rendered(serializer: Any, store: Any, source: str, **options: Any) -> Any:
    queryset = serializer.feed_queryset(store)
    return Renderer(serializer, store, source=source, validate=False, **options).render_all(
        queryset
    )


@pytest.mark.parametrize("source", ["rows", "instances"])
def test_expression_and_view_name_fields_from_both_sources(store, products, source):
    items = rendered(Minimal, store, source).items
    assert [i["in_stock"] for i in items] == [True, False, True]
    assert [i["price_in_cents"] for i in items] == [10000, 10100, 10200]
    assert items[0]["url"] == "https://shop.example.com/product/boot-0/"
    assert items[0]["url"] == store.absolute_url(products[0].get_absolute_url())
    assert all(i["categories"] == [products[0].categories.get().pk] for i in items)


def test_a_declared_serializer_reads_rows_and_says_so(products):
    plan = Minimal.data_source()
    assert plan.rows and plan.reason == ""
    row_plan = plan.row_plan("en")
    assert "slug" in row_plan.columns and "clerk_in_stock" in row_plan.annotations
    assert [m.name for m in row_plan.many] == ["categories"]


class WithMethod(Minimal):
    brand_slug = serializers.SerializerMethodField()

    class Meta(Minimal.Meta):
        fields = [*Minimal.Meta.fields, "brand_slug"]

    def get_brand_slug(self, product: Product) -> str | None:
        return product.brand.slug if product.brand_id else None


class OwnRepresentation(Minimal):
    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["shouted"] = instance.name.upper()
        return data


def test_what_forces_instances_is_named_with_what_to_declare(store, products):
    plan = WithMethod.data_source()
    assert not plan.rows
    assert "WithMethod.brand_slug (SerializerMethodField" in plan.reason
    assert "declare the value instead" in plan.reason
    items = WithMethod.serialize(WithMethod.feed_queryset(store), store, validate=False)
    assert [i.get("brand_slug") for i in items] == ["acme", None, "acme"]
    own = OwnRepresentation.data_source()
    assert not own.rows and "overrides to_representation()" in own.reason
    items = OwnRepresentation.serialize(Product.objects.order_by("pk"), store, validate=False)
    assert [i["shouted"] for i in items] == ["BOOT 0", "BOOT 1", "BOOT 2"]


def test_rows_cannot_be_forced_on_a_serializer_that_needs_instances(store):
    with pytest.raises(ValueError, match="cannot render from rows"):
        Renderer(WithMethod, store, source="rows")


class Exploding(serializers.CharField):
    def to_representation(self, value: Any) -> str:
        if value == "Boot 1":
            raise RuntimeError("bad name")
        return str(value)


class WithBrokenField(Minimal):
    name = Exploding()


@pytest.mark.parametrize("source", ["rows", "instances"])
def test_raise_policy_names_entity_object_and_field(store, products, source):
    with pytest.raises(ClerkDataError) as caught:
        rendered(WithBrokenField, store, source, policy=Policy.RAISE)
    error = caught.value
    assert (error.entity, error.object_id, error.field) == ("products", products[1].pk, "name")
    assert "RuntimeError: bad name" in str(error)


@pytest.mark.parametrize("source", ["rows", "instances"])
def test_skip_policy_leaves_the_field_out_and_logs_once_per_page(store, products, source, caplog):
    with caplog.at_level(logging.WARNING, logger="django_clerk.mapping"):
        items = rendered(WithBrokenField, store, source, policy=Policy.SKIP).items
    assert len(items) == 3 and "name" not in items[1] and items[0]["name"] == "Boot 0"
    messages = [r.getMessage() for r in caplog.records if "'name'" in r.getMessage()]
    assert len(messages) == 1 and "left out of 1 objects" in messages[0]


@pytest.mark.parametrize("source", ["rows", "instances"])
def test_collect_policy_returns_each_objects_problems(store, products, source):
    result = rendered(WithBrokenField, store, source, policy=Policy.COLLECT)
    assert list(result.problems) == [1]
    assert [p.field for p in result.problems[1]] == ["name"]
    assert result.keys == [p.pk for p in products]


def test_collect_policy_also_collects_broken_rules(store, products):
    renderer = Renderer(Minimal, store, policy=Policy.COLLECT, validate=True)
    result = renderer.render_all(Minimal.feed_queryset(store))
    assert len(result.problems) == 3  # the mapping leaves out mandatory fields
    assert {p.field for p in result.problems[0]} >= {"description", "image", "price"}


class TagsField(mapping.ClerkField):
    """A field class of a shop's own that declares its reads: the names of the categories."""

    clean_output = True

    def get_attribute(self, instance: Any) -> list[str]:
        return [c.name for c in instance.categories.all()]

    def reads(self, context: mapping.ReadContext) -> mapping.Reads | None:
        many = mapping.ManyRead("categories", ("name",))
        return mapping.Reads(itemgetter(many.key), many=[many])

    def to_representation(self, value: list[str]) -> list[str]:
        return sorted(value)


class WithTags(Minimal):
    tags = TagsField(source="*")

    class Meta(Minimal.Meta):
        fields = [*Minimal.Meta.fields, "tags"]


class WithUndeclaredTags(Minimal):
    tags = serializers.ReadOnlyField(source="categories.count")

    class Meta(Minimal.Meta):
        fields = [*Minimal.Meta.fields, "tags"]


def test_a_field_class_of_ones_own_declares_its_reads(store, products):
    assert WithTags.data_source().rows
    by_rows = rendered(WithTags, store, "rows").items
    assert by_rows == rendered(WithTags, store, "instances").items
    assert [i["tags"] for i in by_rows] == [["Shoes"]] * 3
    assert not WithUndeclaredTags.data_source().rows


class Clashing(mapping.ProductSerializer):
    prices = mapping.PricesField()
    variants = mapping.VariantsField(attributes={"ids": "pk"}, tax_rate="tax_rate")

    class Meta:
        model = Product
        fields = ["id", "prices", "variants"]


class KeepsOwnPrice(Clashing):
    variants = mapping.VariantsField(attributes={"ids": "pk"}, price=None)


def messages_of(serializer: type) -> list[checks.CheckMessage]:
    with override_settings(CLERK={"SERIALIZERS": {"products": serializer}}):
        return checks.run_checks(tags=["django_clerk"])


def test_two_fields_emitting_one_key_is_an_error_unless_one_gives_way():
    found = [m for m in messages_of(Clashing) if m.id == "django_clerk.E015"]
    assert {m.msg.rsplit(" ", 1)[-1] for m in found} == {"'price'.", "'price_excl_tax'."}
    assert "override_price=True" in found[0].hint
    assert not [m for m in messages_of(KeepsOwnPrice) if m.id == "django_clerk.E015"]
    assert not [m for m in messages_of(ProductSerializer) if m.id == "django_clerk.E015"]


def test_instances_are_reported_as_info_naming_the_field():
    found = [m for m in messages_of(WithMethod) if m.id == "django_clerk.I014"]
    assert len(found) == 1 and found[0].level == checks.INFO
    assert "brand_slug" in found[0].msg
    assert not [m for m in messages_of(ProductSerializer) if m.id == "django_clerk.I014"]


@pytest.mark.parametrize("source", ["rows", "instances"])
def test_variant_price_override_keeps_the_price_pair_from_one_source(store, products, source):
    """Without a tax rate the variants' price cannot give ``price_excl_tax``: the parent's is
    removed rather than left next to a price it does not belong to."""

    class NoRate(mapping.ProductSerializer):
        prices = mapping.PricesField()
        variants = mapping.VariantsField(attributes={"ids": "pk"}, override_price=True)

        class Meta:
            model = Product
            fields = ["id", "prices", "variants"]

    products[0].variants.create(sku="V1", name="S", price=50)
    items = {i["id"]: i for i in rendered(NoRate, store, source).items}
    assert items[products[0].pk]["price"] == 50.0
    assert "price_excl_tax" not in items[products[0].pk]
    assert items[products[2].pk]["price"] == 102.0
    assert items[products[2].pk]["price_excl_tax"] == 81.6


class ExplodingSku(serializers.CharField):
    def to_representation(self, value: Any) -> str:
        if value == "B0":
            raise ValueError("bad sku")
        return str(value)


class ExplodingName(serializers.CharField):
    def to_representation(self, value: Any) -> str:
        if value == "Boot 2":
            raise RuntimeError("bad name")
        return str(value)


class PickyReads(mapping.ClerkField):
    """Reads a column, and cannot read the row of the product without a brand."""

    clean_output = True

    def reads(self, context: Any) -> mapping.Reads:
        def read(row: dict[str, Any]) -> Any:
            if row["brand_id"] is None:
                raise LookupError("no brand")
            return row["sku"]

        return mapping.Reads(read, ["sku", "brand_id"])

    def get_attribute(self, instance: Any) -> Any:
        if instance.brand_id is None:
            raise LookupError("no brand")
        return instance.sku

    def to_representation(self, value: Any) -> str:
        return str(value)


class ExplodingSlug(mapping.ClerkField):
    """A field whose conversion has no side effects (``clean_output``) and raises once."""

    clean_output = True

    def to_representation(self, value: Any) -> str:
        if value == "boot-1":
            raise ValueError("bad slug")
        return str(value)


class BrokenInTwoPlaces(Minimal):
    """The first field fails on the last object, a later one on the first object, and a
    reader fails on the second: problems and failures come object by object."""

    name = ExplodingName()
    picky = PickyReads()
    sku = ExplodingSku()
    slug = ExplodingSlug()

    class Meta(Minimal.Meta):
        fields = ["id", "name", "url", "picky", "sku", "slug", "categories", "in_stock"]


@pytest.mark.parametrize("policy", [Policy.SKIP, Policy.COLLECT])
def test_rows_render_field_by_field_as_instances_render_object_by_object(
    store, products, policy, caplog
):
    found = {}
    for source in ("rows", "instances"):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django_clerk.mapping"):
            result = rendered(BrokenInTwoPlaces, store, source, policy=policy)
        messages = [r.getMessage() for r in caplog.records]
        problems = {
            i: [(p.object_id, p.field) for p in found] for i, found in result.problems.items()
        }
        found[source] = (result.items, list(result.problems), problems, messages)
    assert found["rows"] == found["instances"]
    items, indexes, problems, messages = found["rows"]
    assert [list(item) for item in items] == [
        ["id", "name", "url", "picky", "slug", "categories", "in_stock"],
        ["id", "name", "url", "sku", "categories", "in_stock"],
        ["id", "url", "picky", "sku", "slug", "categories", "in_stock"],
    ]
    if policy is Policy.SKIP:
        assert [m.split(" left out")[0] for m in messages] == [
            "products: field 'sku'",
            "products: field 'picky'",
            "products: field 'slug'",
            "products: field 'name'",
        ]
    else:
        assert indexes == [0, 1, 2]
        assert problems[0] == [(products[0].pk, "sku")]
        assert problems[2] == [(products[2].pk, "name")]
