"""Mandatory fields and types per Clerk entity, checked on every serialized object."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import ValidationError

NUMBER = (int, float)
ID = (int, str)

#: entity -> {field: accepted types} of the fields Clerk requires.
REQUIRED: dict[str, dict[str, tuple[type, ...]]] = {
    "products": {
        "id": ID,
        "name": (str, dict),
        "description": (str, dict),
        "price": NUMBER,
        "image": (str, dict),
        "url": (str, dict),
        "categories": (list,),
        "created_at": (int,),
    },
    "categories": {"id": ID, "name": (str, dict), "url": (str, dict), "subcategories": (list,)},
    "orders": {"id": ID, "products": (list,), "time": (int,)},
    "customers": {"id": ID, "name": (str,), "email": (str,), "subscribed": (bool,)},
    "pages": {
        "id": ID,
        "type": (str,),
        "url": (str, dict),
        "title": (str, dict),
        "text": (str, dict),
    },
}

#: entity -> {field: accepted types} of well-known optional fields.
OPTIONAL: dict[str, dict[str, tuple[type, ...]]] = {
    "products": {
        "list_price": NUMBER,
        "price_excl_tax": NUMBER,
        "list_price_excl_tax": NUMBER,
        "tax_rate": NUMBER,
        "stock": (int,),
        "in_stock": (bool,),
        "on_sale": (bool,),
        "index": (bool,),
        "reviews_amount": (int,),
        "reviews_avg": NUMBER,
        "age": (int,),
    },
    "categories": {"parent": ID},
    "orders": {"customer": ID, "email": (str,)},
    "customers": {"subscribed": (bool,), "is_b2b": (bool,), "age": (int,)},
    "pages": {},
}

ORDER_LINE: dict[str, tuple[type, ...]] = {"id": ID, "quantity": (int,), "price": NUMBER}
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_]+$")
PLAIN_TYPES = (int, float, str, bool, list, dict)


class ClerkDataError(ValidationError):
    """An object that breaks Clerk's rules; the message names entity, object id and field."""

    def __init__(self, entity: str, object_id: Any, field: str, problem: str) -> None:
        self.entity, self.object_id, self.field, self.problem = entity, object_id, field, problem
        super().__init__(f"{entity} {object_id!r}: field {field!r} {problem}")

    def __str__(self) -> str:
        return str(self.message)


def _type_names(types: tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in types)


def problems(entity: str, item: dict[str, Any]) -> list[ClerkDataError]:
    """Every rule ``item`` breaks (empty when it is valid)."""
    found: list[ClerkDataError] = []
    object_id = item.get("id")
    for name, types in REQUIRED[entity].items():
        if name not in item:
            found.append(ClerkDataError(entity, object_id, name, "is mandatory but missing"))
        elif not isinstance(item[name], types) or (
            isinstance(item[name], bool) and bool not in types
        ):
            found.append(_wrong_type(entity, object_id, name, item[name], types))
    required, optional = REQUIRED[entity], OPTIONAL[entity]
    for name, value in item.items():
        if name in required:
            continue
        if name in optional and (
            not isinstance(value, optional[name])
            or (isinstance(value, bool) and bool not in optional[name])
        ):
            found.append(_wrong_type(entity, object_id, name, value, optional[name]))
        elif not ATTRIBUTE_NAME.match(name):
            found.append(ClerkDataError(entity, object_id, name, "is not a valid attribute name"))
        elif value is None or not isinstance(value, PLAIN_TYPES):
            found.append(
                ClerkDataError(
                    entity, object_id, name, f"has unsupported type {type(value).__name__}"
                )
            )
    if entity == "orders" and isinstance(item.get("products"), list):
        for index, line in enumerate(item["products"]):
            found.extend(_order_line_problems(object_id, index, line))
    return found


def _order_line_problems(order_id: Any, index: int, line: Any) -> list[ClerkDataError]:
    where = f"products[{index}]"
    if not isinstance(line, dict):
        return [ClerkDataError("orders", order_id, where, "must be an object")]
    found = []
    for name, types in ORDER_LINE.items():
        if name not in line:
            found.append(
                ClerkDataError("orders", order_id, f"{where}.{name}", "is mandatory but missing")
            )
        elif not isinstance(line[name], types) or isinstance(line[name], bool):
            found.append(_wrong_type("orders", order_id, f"{where}.{name}", line[name], types))
    return found


def _wrong_type(
    entity: str, object_id: Any, name: str, value: Any, types: tuple[type, ...]
) -> ClerkDataError:
    return ClerkDataError(
        entity, object_id, name, f"must be {_type_names(types)}, not {type(value).__name__}"
    )


def validate(entity: str, item: dict[str, Any]) -> None:
    """Raise the first :class:`ClerkDataError` of ``item``, if any."""
    found = problems(entity, item)
    if found:
        raise found[0]


def _has_required(required: list[tuple[str, tuple[type, ...]]], item: dict[str, Any]) -> bool:
    for name, types in required:
        value = item.get(name)
        if value.__class__ in types:  # the common case: exactly one of the types
            continue
        if value is None or not isinstance(value, types) or value.__class__ is bool:
            return False
    return True


def log_page(entity: str, items: list[dict[str, Any]], logger: logging.Logger) -> int:
    """Log, once for the page, the objects of ``items`` that break Clerk's rules; return how
    many do. Every object is checked for the mandatory fields and their types, the first one
    also gets the full check (attribute names, optional fields' types): fast enough for
    every page of a feed."""
    if not items:
        return 0
    required = list(REQUIRED[entity].items())
    broken = [item for item in items if not _has_required(required, item)]
    if not broken and problems(entity, items[0]):
        broken = [items[0]]
    if broken:
        first = problems(entity, broken[0])
        logger.warning(
            "%s feed: %d of %d objects break Clerk's rules, e.g. %s",
            entity,
            len(broken),
            len(items),
            "; ".join(str(p.message) for p in first[:3]) or "unknown problem",
        )
    return len(broken)
