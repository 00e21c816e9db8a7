"""A page and its many relations read in one statement on PostgreSQL and SQLite: the same
rows as the page's query and one query per relation, for int, str and UUID keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_clerk.mapping import get_serializers, page_reads, page_reads_postgresql
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


def test_whole_tables_read_one_query_per_relation(store: Any) -> None:
    from shop.models import Product

    from django_clerk.mapping import get_serializer

    serializer = get_serializer("products")
    rows = Renderer(serializer, store).source_queryset(Product.objects.order_by("pk"))
    assert not page_reads.combinable(rows)  # not a page: a whole table
    assert page_reads.combinable(rows[:1000])
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
    base_type = page_reads_postgresql._base_type
    assert base_type("varchar(50)") == base_type("varchar(64)")
    assert base_type("numeric(12, 2)") == "numeric"
    assert base_type("varchar(5)[]") == "varchar[]"
    assert base_type("varchar(5)[]") != base_type("varchar(5)")


#: Text JSON must escape, as product and variant names.
AWKWARD_NAMES = [
    'Ø "quoted" \\ back',
    "line\nbreak\ttab",
    "emoji 🙂 and \u2028",
    "",
    "control \x01 char",
]


def make_awkward_products(names: list[str]) -> None:
    """A product named each of ``names``, with one variant of that name."""
    from decimal import Decimal

    from shop.models import Product, ProductVariant

    from django_clerk.sync import sync_paused

    with sync_paused():
        for number, name in enumerate(names):
            product = Product.objects.create(
                name=name or "x", slug=f"t{number}", sku=f"T{number}",
                price=Decimal("1234567.89"), stock=1,
            )  # fmt: skip
            ProductVariant.objects.create(
                product=product, sku=f"T{number}-v", name=name,
                price=Decimal("0.01") * (number + 1), stock=2_000_000_000 + number,
            )  # fmt: skip


def test_text_and_numbers_read_in_one_statement_are_those_of_the_queries(
    store: Any, monkeypatch: Any
) -> None:
    make_awkward_products(AWKWARD_NAMES)
    ours, statements = page_rows(store, "products", True, monkeypatch)
    theirs, _ = page_rows(store, "products", False, monkeypatch)
    assert statements == 1 and ours == theirs
    read = {row["variants:id,sku,name,price,stock"][0][2] for row in ours}
    assert read == set(AWKWARD_NAMES)


def make_purchase(*items: dict[str, Any]) -> Any:
    """Purchase ``P-1`` of a chair, with an item of each of ``items``' fields."""
    import datetime

    from tests.othershop.models import Article, Purchase, PurchaseItem

    article = Article.objects.create(
        ean="5700000000017", title="Chair", blurb="", net_cost=1,
        first_listed=datetime.date(2024, 1, 2), on_hand=1,
    )  # fmt: skip
    placed = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    purchase = Purchase.objects.create(ref="P-1", placed=placed)
    for fields in items:
        PurchaseItem.objects.create(purchase=purchase, article=article, qty=1, each=1, **fields)
    return purchase


def test_a_relation_json_would_round_is_read_with_a_query_of_its_own(store: Any) -> None:
    from django_clerk.mapping.reads import ManyRead, fetch_many
    from django_clerk.mapping.rendering import rows_with_relations
    from tests.othershop.models import Purchase

    purchase = make_purchase({"weight": 0.1 + 0.2}, {"weight": 1 / 3})
    placed = purchase.placed
    many = ManyRead("items", ("weight",))
    rows = Purchase.objects.order_by("pk").values("pk", "placed")[:10]
    found = page_reads.read_page(rows, ["pk", "placed"], Purchase, [many])
    exact = fetch_many(Purchase, many, ["P-1"], "default")["P-1"]
    assert sorted(exact) == sorted([0.1 + 0.2, 1 / 3])  # 17 digits, where JSON writes 15
    if connection.vendor == "sqlite":
        assert found is None  # read as usual: the page, then the relation on its own
    else:
        assert found is not None and sorted(found[0][many.key]) == sorted(exact)
    rows._iterable_class = rows_with_relations(Purchase, (many,))
    (row,) = list(rows)  # as the renderer reads a page
    assert row["pk"] == "P-1" and row["placed"] == placed
    assert (many.key in row) is (connection.vendor != "sqlite")  # else the renderer reads it


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page comes in table order")
def test_a_page_out_of_key_order_is_read_again_query_by_query(store: Any, monkeypatch: Any) -> None:
    from django_clerk.mapping import page_reads_sqlite

    make_awkward_products(AWKWARD_NAMES)
    theirs, _ = page_rows(store, "products", False, monkeypatch)
    statement = page_reads_sqlite._statement

    def reversed_statement(*args: Any) -> tuple[str, list[Any]]:
        sql, params = statement(*args)
        return f"SELECT * FROM ({sql}) ORDER BY 1, 2 DESC", params

    monkeypatch.setattr(page_reads_sqlite, "_statement", reversed_statement)
    ours, queries = page_rows(store, "products", True, monkeypatch)
    assert ours == theirs and len(ours) > 1
    relations = len(plan_for(get_serializers("products")[0]).row_plan("en").many)
    assert queries == 1 + 1 + relations  # the statement, then the page and its relations


def test_a_value_that_comes_again_is_converted_once_when_it_converts_to_an_immutable() -> None:
    from decimal import Decimal

    from django_clerk.mapping.page_parts import converted_column

    calls: list[Any] = []

    def to_decimal(value: Any, expression: Any, connection: Any) -> Any:
        calls.append(value)
        return None if value is None else Decimal(str(value))

    column = converted_column([1.5, 1.5, None, 2, 1.5, None], [to_decimal], None, None)
    assert column == [Decimal("1.5"), Decimal("1.5"), None, Decimal("2"), Decimal("1.5"), None]
    assert calls == [1.5, None, 2] and column[0] is column[4]

    def to_list(value: Any, expression: Any, connection: Any) -> Any:
        calls.append(value)
        return [value]  # mutable: each row gets its own

    calls.clear()
    column = converted_column(["a", "a"], [to_list], None, None)
    assert column == [["a"], ["a"]] and column[0] is not column[1] and len(calls) == 2

    def kind(value: Any, expression: Any, connection: Any) -> Any:
        return type(value).__name__

    assert converted_column([1, 1.0, 1], [kind], None, None) == ["int", "float", "int"]


def test_a_distinct_relation_is_read_with_a_query_of_its_own(store: Any) -> None:
    from django_clerk.mapping.reads import ManyRead, fetch_many
    from tests.othershop.models import Maker, MakerAlias

    maker = Maker.objects.create(label="A")
    for rank, name in ((3, "third"), (1, "first"), (2, "second")):
        MakerAlias.objects.create(maker=maker, name=name, rank=rank)
    many = ManyRead("aliases", ("name",))
    rows = Maker.objects.order_by("pk").values("pk", "label")[:10]
    assert page_reads.read_page(rows, ["pk", "label"], Maker, [many]) is None
    assert fetch_many(Maker, many, [maker.pk], "default")[maker.pk] == ["first", "second", "third"]


def test_wide_decimals_are_read_with_a_query_of_their_own_on_sqlite(store: Any) -> None:
    from decimal import Decimal

    from django_clerk.mapping.reads import ManyRead, fetch_many
    from tests.othershop.models import Purchase

    total = Decimal("100000000000000.50")  # 17 digits: JSON would write 15, rounded its way
    make_purchase({"exact_total": total})
    wide, narrow = ManyRead("items", ("exact_total",)), ManyRead("items", ("each",))
    rows = Purchase.objects.order_by("pk").values("pk")[:10]
    exact = fetch_many(Purchase, wide, ["P-1"], "default")["P-1"]
    found = page_reads.read_page(rows, ["pk"], Purchase, [wide])
    if connection.vendor == "sqlite":
        assert found is None
    else:
        assert found is not None and found[0][wide.key] == exact == [total]
    both = page_reads.read_page(rows, ["pk"], Purchase, [narrow])  # 10 digits: one statement
    assert both is not None and both[0][narrow.key] == [Decimal("1.00")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's library version")
def test_an_sqlite_without_materialized_tables_reads_query_by_query(
    store: Any, monkeypatch: Any
) -> None:
    make_awkward_products(AWKWARD_NAMES)
    theirs, _ = page_rows(store, "products", False, monkeypatch)
    monkeypatch.setattr(connection.Database, "sqlite_version_info", (3, 34, 1))
    ours, queries = page_rows(store, "products", True, monkeypatch)
    assert ours == theirs and len(ours) == len(AWKWARD_NAMES)
    relations = len(plan_for(get_serializers("products")[0]).row_plan("en").many)
    assert queries == 1 + relations


def test_unhashable_and_equal_but_different_values_are_converted_each() -> None:
    from decimal import Decimal

    from django_clerk.mapping.page_parts import converted_column

    def as_decimal(value: Any, expression: Any, connection: Any) -> Any:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    assert [str(d) for d in converted_column([0.0, -0.0, 0.0], [as_decimal], None, None)] == [
        "0.0", "-0.0", "0.0",
    ]  # fmt: skip
    decimals = converted_column([Decimal("1.5"), Decimal("1.50")], [as_decimal], None, None)
    assert [str(d) for d in decimals] == ["1.5", "1.50"]

    def first(value: Any, expression: Any, connection: Any) -> Any:
        return value[0]

    assert converted_column([[{"x": 1}], [{"x": 1}]], [first], None, None) == [{"x": 1}] * 2
