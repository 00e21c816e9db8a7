"""A shop whose models look nothing like the example's, mapped as the README tells."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from django_clerk.mapping import ClerkDataError, get_serializer, problems
from tests.othershop.clerk import SERIALIZERS
from tests.othershop.models import (
    Article,
    Country,
    Maker,
    Member,
    Purchase,
    PurchaseItem,
    Section,
    Story,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("other_shop_settings")]


@pytest.fixture
def other_shop_settings(settings):
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": SERIALIZERS}


def make_articles(count: int, start: int = 0, stock=lambda i: 5) -> list[Article]:
    country = Country.objects.get_or_create(iso="DK")[0]
    maker = Maker.objects.get_or_create(label="Hygge Ltd", country=country)[0]
    root = Section.objects.get_or_create(code="home", defaults={"title": "Home"})[0]
    sub = Section.objects.get_or_create(
        code="chairs", defaults={"title": "Chairs", "parent": root}
    )[0]
    articles = []
    for i in range(start, start + count):
        article = Article.objects.create(
            ean=f"57{i:011d}",
            title=f"Chair {i}",
            blurb="Comfortable",
            net_cost=Decimal("80.00"),
            first_listed=datetime.date(2024, 1, 2),
            maker=maker,
            on_hand=stock(i),
        )
        article.sections.set([root, sub])
        articles.append(article)
    return articles


def test_string_ids_other_names_no_variants(store):
    (article,) = make_articles(1)
    serializer = get_serializer("products")
    (item,) = serializer.serialize(serializer.feed_queryset(store), store)
    assert item == {
        "id": article.ean,
        "name": "Chair 0",
        "description": "Comfortable",
        "price": 100.0,  # net 80 + 25% tax
        "price_excl_tax": 80.0,
        "tax_rate": 0.25,
        "image": "https://shop.example.com/static/no-photo.png",
        "url": f"https://shop.example.com/a/{article.ean}",
        "categories": item["categories"],
        "created_at": 1704153600,
        "brand": "Hygge Ltd",
        "made_in": "DK",
        "stock": 5,
        "headline_length": 7,
    }
    assert set(item["categories"]) == {"home", "chairs"}
    assert problems("products", item) == []


def test_queries_do_not_grow_with_the_number_of_objects(store, django_assert_num_queries):
    make_articles(3)
    serializer = get_serializer("products")
    with django_assert_num_queries(2):  # the rows (with maker and country joined) + sections
        small = serializer.serialize(serializer.feed_queryset(store), store)
    make_articles(40, start=3)
    with django_assert_num_queries(2):
        large = serializer.serialize(serializer.feed_queryset(store), store)
    assert (len(small), len(large)) == (3, 43)


def test_relations_are_loaded_automatically():
    serializer = get_serializer("products")
    select, prefetch = serializer.relation_paths()
    assert set(select) == {"maker", "maker__country"}
    assert prefetch == ["sections"]


def test_queryset_hook_and_out_of_stock_option(store):
    articles = make_articles(6, stock=lambda i: i % 3)
    Article.objects.filter(pk=articles[1].pk).update(hidden=True)
    store.include_out_of_stock = True
    serializer = get_serializer("products")
    ids = [a["id"] for a in serializer.serialize(serializer.feed_queryset(store), store)]
    assert articles[1].ean not in ids and len(ids) == 5
    store.include_out_of_stock = False
    in_stock = [a["id"] for a in serializer.serialize(serializer.feed_queryset(store), store)]
    assert in_stock == sorted(a.ean for a in articles if a.on_hand > 0 and a.pk != articles[1].pk)


def test_missing_mandatory_value_names_entity_id_and_field(store):
    (article,) = make_articles(1)
    Article.objects.filter(pk=article.pk).update(blurb=None)
    serializer = get_serializer("products")
    with pytest.raises(ClerkDataError) as caught:
        serializer.serialize(serializer.feed_queryset(store), store)
    error = caught.value
    assert (error.entity, error.object_id, error.field) == ("products", article.ean, "description")
    assert f"products '{article.ean}': field 'description' is mandatory but missing" in str(error)


def test_validation_can_be_turned_off(store, settings):
    (article,) = make_articles(1)
    Article.objects.filter(pk=article.pk).update(blurb=None)
    settings.CLERK = {**settings.CLERK, "VALIDATE": False}
    serializer = get_serializer("products")
    (item,) = serializer.serialize(serializer.feed_queryset(store), store)
    assert "description" not in item  # omitted, never null


def test_other_entities(store):
    make_articles(2)
    member = Member.objects.create(handle="luke", display_name="Luke S", mail="luke@example.com")
    purchase = Purchase.objects.create(
        ref="P-1",
        member=member,
        placed=datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc),
    )
    article = Article.objects.first()
    PurchaseItem.objects.create(purchase=purchase, article=article, qty=2, each=Decimal("12.50"))
    Story.objects.create(slug="hello", headline="Hello", content="World")

    def one(entity):
        serializer = get_serializer(entity)
        return serializer.serialize(serializer.feed_queryset(store), store)

    assert one("orders") == [
        {
            "id": "P-1",
            "products": [{"id": article.ean, "quantity": 2, "price": 12.5}],
            "time": 1714564800,
            "customer": "luke",
            "email": "luke@example.com",
        }
    ]
    assert one("customers") == [
        {"id": "luke", "name": "Luke S", "email": "luke@example.com", "subscribed": False}
    ]
    assert one("pages") == [
        {
            "id": "hello",
            "type": "blog",
            "url": "https://shop.example.com/hello",
            "title": "Hello",
            "text": "World",
        }
    ]
    categories = {c["id"]: c for c in one("categories")}
    assert categories["home"]["subcategories"] == ["chairs"]
    assert categories["chairs"]["parent"] == "home" and "parent" not in categories["home"]


def test_orders_leave_out_email_when_the_store_does_not_collect_emails(store):
    make_articles(1)
    member = Member.objects.create(handle="leia", display_name="Leia", mail="leia@example.com")
    Purchase.objects.create(
        ref="P-2", member=member, placed=datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)
    )
    store.collect_emails = False
    serializer = get_serializer("orders")
    (order,) = serializer.serialize(serializer.feed_queryset(store), store)
    assert "email" not in order and order["customer"] == "leia"


@override_settings(CLERK={"SERIALIZERS": {}})
def test_unmapped_entities_are_none():
    assert get_serializer("products") is None
    with pytest.raises(ValueError, match="Unknown Clerk entity"):
        get_serializer("product")


def render_related_ids(store, model, key_field: str, relation: str):
    """The plan of a page serializer of ``model`` sending ``relation``'s ids as
    ``related_ids``, and the ids it renders for each object, in key order."""
    from rest_framework import serializers

    from django_clerk import mapping
    from django_clerk.mapping.plans import plan_for
    from django_clerk.mapping.rendering import Renderer

    meta = type("Meta", (), {"model": model, "fields": [key_field, "related_ids"]})
    related_ids = serializers.PrimaryKeyRelatedField(source=relation, many=True, read_only=True)
    serializer = type(
        f"{model.__name__}Serializer",
        (mapping.PageSerializer,),
        {"related_ids": related_ids, "Meta": meta, "__module__": __name__},
    )
    renderer = Renderer(serializer, store, validate=False)  # pages without their type
    rendered = renderer.render_all(model.objects.order_by("pk"))
    return plan_for(serializer), [sorted(item["related_ids"]) for item in rendered.items]


def test_a_relation_linked_by_another_field_than_the_key_renders_from_instances(store):
    from django_clerk.mapping.reads import read_many
    from tests.othershop.models import MakerNote

    # The key of a maker is 1, 2...; its notes point to its slug: read by keys, none match.
    first = Maker.objects.create(label="A", slug="a")
    second = Maker.objects.create(label="B", slug="b")
    notes = [MakerNote.objects.create(maker=maker, text=maker.label) for maker in (first, second)]
    assert read_many(Maker, "notes", ["pk"]) is None
    assert read_many(Article, "sections", ["pk"]) is not None  # linked by the key: rows
    plan, ids = render_related_ids(store, Maker, "id", "notes")
    assert not plan.rows and "MakerSerializer.related_ids" in plan.reason
    assert "links to Maker by another field than the primary key (to_field=)" in plan.reason
    assert ids == [[notes[0].pk], [notes[1].pk]]


def test_a_generic_relation_renders_from_instances(store):
    from django_clerk.mapping.reads import read_many
    from tests.othershop.models import Tag

    (article,) = make_articles(1)
    tags = [Tag.objects.create(tagged=article, text=text) for text in ("soft", "oak")]
    assert read_many(Article, "tags", ["pk"]) is None
    plan, ids = render_related_ids(store, Article, "ean", "tags")  # planning does not fail
    assert not plan.rows and ids == [sorted(t.pk for t in tags)]
    assert "its relation 'tags' is generic" in plan.reason
