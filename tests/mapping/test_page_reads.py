"""A page and its many relations read in one statement on PostgreSQL: the same rows as the
page's query and one query per relation, for int, str and UUID keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_clerk.mapping import get_serializers, page_reads
from django_clerk.mapping.compiled import forget_compiled_queries
from django_clerk.mapping.plans import plan_for
from django_clerk.mapping.rendering import Renderer
from tests.shops import make_shop

pytestmark = pytest.mark.django_db
#: The shops and entities whose objects are read from rows with many relations (the other
#: shops' products and categories render from instances).
READ_WITH_RELATIONS = [
    ("int", "products"),
    ("int", "categories"),
    ("int", "orders"),
    ("str", "orders"),
    ("uuid", "orders"),
]


@pytest.fixture
def keyed_shop(request: Any, store: Any, settings: Any) -> Any:
    """The test shop of ``request.param`` (``shop`` is the feed tests' catalogue here)."""
    made = make_shop(request.param)
    settings.CLERK = {**settings.CLERK, "SERIALIZERS": made.serializers}
    return made


@pytest.fixture(autouse=True)
def compiled_afresh() -> Any:
    forget_compiled_queries()
    yield
    forget_compiled_queries()


def page_rows(store: Any, entity: str, combined: bool, monkeypatch: Any) -> tuple[list[Any], int]:
    """The first page of ``entity``'s rows, and the queries it took."""
    rows: list[Any] = []
    queries = 0
    for serializer in get_serializers(entity):
        if not plan_for(serializer).rows:
            continue
        renderer = Renderer(serializer, store)
        page = renderer.source_queryset(serializer.feed_queryset(store))[:1000]
        with monkeypatch.context() as patch:
            if not combined:
                patch.setattr(page_reads, "combinable", lambda queryset: False)
            with CaptureQueriesContext(connection) as captured:
                found = list(page)
                renderer.render(found, page.db)  # the relations not read with the page
        rows += found
        queries += len(captured.captured_queries)
    return rows, queries


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL reads a page at once")
@pytest.mark.parametrize(("keyed_shop", "entity"), READ_WITH_RELATIONS, indirect=["keyed_shop"])
def test_one_statement_reads_what_the_queries_one_by_one_read(
    keyed_shop: Any, store: Any, entity: str, monkeypatch: Any
) -> None:
    ours, statements = page_rows(store, entity, True, monkeypatch)
    theirs, queries = page_rows(store, entity, False, monkeypatch)
    assert ours == theirs
    for row, other in zip(ours, theirs, strict=True):  # the same values, of the same types
        assert {k: type(v) for k, v in row.items()} == {k: type(v) for k, v in other.items()}
    sources = [s for s in get_serializers(entity) if plan_for(s).rows]
    relations = sum(len(plan_for(s).row_plan("en").many) for s in sources)
    assert ours and relations  # rows were read, with relations
    assert statements == len(sources)  # one per source, whatever its relations
    assert queries == len(sources) + relations


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL reads a page at once")
def test_a_page_of_many_products_keeps_each_relations_order(store: Any, monkeypatch: Any) -> None:
    from decimal import Decimal

    from shop.models import Category, Product, ProductVariant

    from django_clerk.sync import sync_paused

    with sync_paused():
        categories = [
            Category.objects.create(name=f"C{n}", slug=f"c{n}", position=5 - n) for n in range(4)
        ]
        for number in range(30):
            product = Product.objects.create(
                name=f"P{number}", slug=f"p{number}", sku=f"P{number}", price=Decimal("10.00"),
                stock=number % 4,
            )  # fmt: skip
            product.categories.set(categories[: 1 + number % 4])
            for size in range(number % 3):
                ProductVariant.objects.create(
                    product=product, sku=f"P{number}-{size}", name=str(size),
                    price=Decimal("9.50") + size, stock=size,
                )  # fmt: skip
    forget_compiled_queries()
    ours, statements = page_rows(store, "products", True, monkeypatch)
    theirs, _ = page_rows(store, "products", False, monkeypatch)
    assert statements == 1 and len(ours) > 20 and ours == theirs
    assert any(len(row["categories:id"]) == 4 for row in ours)


def test_sqlite_and_whole_tables_read_one_query_per_relation(store: Any) -> None:
    from shop.models import Product

    from django_clerk.mapping import get_serializer

    serializer = get_serializer("products")
    rows = Renderer(serializer, store).source_queryset(Product.objects.order_by("pk"))
    assert not page_reads.combinable(rows)  # not a page: a whole table
    assert page_reads.combinable(rows[:1000]) is (connection.vendor == "postgresql")
    assert not page_reads.combinable(rows[: page_reads.MAX_ROWS + 1])
    assert not page_reads.combinable(rows.order_by("-pk")[:10])


def test_reversed_and_extra_orderings_are_read_as_usual(store: Any) -> None:
    from shop.models import Product

    from django_clerk.mapping import get_serializer

    rows = Renderer(get_serializer("products"), store).source_queryset(
        Product.objects.order_by("pk")
    )
    assert not page_reads.combinable(rows.reverse()[:10])
    assert not page_reads.combinable(rows.extra(order_by=["-id"])[:10])


def test_an_empty_page_reads_nothing(store: Any) -> None:
    from shop.models import Product

    from django_clerk.mapping import get_serializer

    rows = Renderer(get_serializer("products"), store).source_queryset(
        Product.objects.order_by("pk")
    )
    assert list(rows.none()[:10]) == [] and list(rows.filter(pk__in=[])[:10]) == []
    assert list(rows[5:5]) == []


def test_columns_share_a_base_type_but_never_an_array_and_its_items() -> None:
    assert page_reads._base_type("varchar(50)") == page_reads._base_type("varchar(64)")
    assert page_reads._base_type("numeric(12, 2)") == "numeric"
    assert page_reads._base_type("varchar(5)[]") == "varchar[]"
    assert page_reads._base_type("varchar(5)[]") != page_reads._base_type("varchar(5)")
