import datetime
import enum
import uuid
from decimal import Decimal

import pytest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from django_clerk.mapping import ClerkDataError, clerk_value, problems, to_timestamp, validate


class Colour(enum.IntEnum):
    RED = 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12.50"), 12.5),
        (datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), 1704067200),
        (datetime.datetime(2024, 1, 1), 1704067200),  # naive is taken as UTC
        (datetime.date(2024, 1, 1), 1704067200),
        (gettext_lazy("Shoes"), "Shoes"),
        (mark_safe("<b>x</b>"), "<b>x</b>"),
        (Colour.RED, 1),
        ((1, None, Decimal("2")), [1, 2.0]),
        ({"english": "Hat", "danish": None}, {"english": "Hat"}),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (True, True),
    ],
)
def test_clerk_value(value, expected):
    converted = clerk_value(value)
    assert converted == expected
    assert type(converted) is type(expected)


def test_timestamp_of_aware_datetime_in_other_zone():
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert to_timestamp(datetime.datetime(2024, 1, 1, 2, tzinfo=plus_two)) == 1704067200


VALID_PRODUCT = {
    "id": 1,
    "name": "Hat",
    "description": "Warm",
    "price": 10.0,
    "image": "https://x/1.jpg",
    "url": "https://x/1",
    "categories": [1],
    "created_at": 1,
}


def test_valid_product_has_no_problems():
    assert problems("products", VALID_PRODUCT) == []
    validate("products", {**VALID_PRODUCT, "price": 10, "name": {"english": "Hat"}})


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"price": None}, "price", "must be int or float, not NoneType"),
        ({"price": "10"}, "price", "must be int or float, not str"),
        ({"price": True}, "price", "must be int or float, not bool"),
        ({"categories": "1,2"}, "categories", "must be list, not str"),
        ({"stock": 1.5}, "stock", "must be int, not float"),
        ({"bad-name": 1}, "bad-name", "is not a valid attribute name"),
        ({"extra": object()}, "extra", "has unsupported type object"),
    ],
)
def test_product_problems_name_the_field(change, field, message):
    item = {**VALID_PRODUCT, **change}
    found = problems("products", item)
    assert [(p.entity, p.object_id, p.field) for p in found] == [("products", 1, field)]
    assert message in str(found[0])


def test_missing_field():
    item = dict(VALID_PRODUCT)
    del item["url"]
    with pytest.raises(ClerkDataError, match="products 1: field 'url' is mandatory but missing"):
        validate("products", item)


def test_order_lines_are_checked():
    order = {"id": "A", "time": 1, "products": [{"id": 1, "quantity": 1.0, "price": 2.0}, "x"]}
    assert [p.field for p in problems("orders", order)] == ["products[0].quantity", "products[1]"]


def test_customer_subscribed_must_be_bool():
    customer = {"id": 1, "name": "A", "email": "a@x", "subscribed": 1}
    assert [p.field for p in problems("customers", customer)] == ["subscribed"]


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        ({}, 0),
        ({"price": True}, 1),
        ({"price": None}, 1),
        ({"price": "10"}, 1),
        ({"price": Colour.RED}, 0),  # an int subclass other than bool is an int
        ({"id": False}, 1),
        ({"name": {"english": "Hat"}}, 0),
    ],
)
def test_a_feed_page_counts_the_objects_missing_a_mandatory_field_of_the_right_type(
    change, broken, caplog
):
    import logging

    from django_clerk.mapping.validation import log_page

    item = {**VALID_PRODUCT, **change}
    assert log_page("products", [VALID_PRODUCT, item], logging.getLogger("test")) == broken
