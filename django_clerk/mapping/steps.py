"""The steps of the render loop: how each field of a page is read and converted, and the loop
run object by object (:func:`run_steps`), with the error :class:`Policy`.

:mod:`django_clerk.mapping.rendering` runs them for a page; the field-by-field loop over a
page of rows is :func:`django_clerk.mapping.columns.run_columns`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings

from django_clerk.mapping.columns import PLAIN, merge_into, run_columns
from django_clerk.mapping.validation import ClerkDataError
from django_clerk.mapping.values import clerk_value


class Policy(enum.Enum):
    RAISE = "raise"
    SKIP = "skip"
    COLLECT = "collect"


def path_hits_none(instance: Any, attrs: list[str]) -> bool:
    """Whether following ``attrs`` meets ``None`` before the last attribute."""
    for attr in attrs[:-1]:
        instance = getattr(instance, attr, None)
        if instance is None:
            return True
    return False


def instance_reader(bound: Any) -> Callable[[Any], Any]:
    """The field's ``get_attribute``; a missing link (``brand.name`` of a product without a
    brand) gives ``None``, as on a row."""
    attrs = list(getattr(bound, "source_attrs", None) or [])
    get = bound.get_attribute

    def read(instance: Any) -> Any:
        try:
            return get(instance)
        except AttributeError:
            if attrs and path_hits_none(instance, attrs):
                return None
            raise

    return read


#: (name, read, convert, merge, keep_none, replaces, clean, unchanged): ``unchanged`` holds
#: the value classes ``convert`` returns as they are (a plain ``int`` of an ``IntegerField``),
#: which the loop then takes without calling it.
Step = tuple[
    str,
    Callable[[Any], Any],
    Callable[[Any], Any],
    bool,
    bool,
    frozenset[str],
    bool,
    frozenset[type],
]

#: DRF's ``to_representation`` methods that return a value of these classes unchanged.
UNCHANGED: dict[Callable[..., Any], frozenset[type]] = {
    drf_fields.IntegerField.to_representation: frozenset((int,)),
    drf_fields.CharField.to_representation: frozenset((str,)),
    drf_fields.FloatField.to_representation: frozenset((float,)),
    drf_fields.BooleanField.to_representation: frozenset((bool,)),
    drf_fields.ReadOnlyField.to_representation: PLAIN,
}


def unchanged_classes(bound: Any) -> frozenset[type]:
    """The value classes ``bound.to_representation`` returns unchanged (see :data:`Step`):
    DRF's plain fields, and a Clerk field's ``unchanged_classes()``."""
    method = getattr(type(bound), "to_representation", None)
    if method is drf_fields.BigIntegerField.to_representation:
        as_text = getattr(bound, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        return frozenset() if as_text else frozenset((int,))
    found = UNCHANGED.get(method) if method is not None else None
    if found is not None:
        return found
    declared = getattr(bound, "unchanged_classes", None)
    return frozenset(declared()) if callable(declared) else frozenset()


def field_error(entity: str, object_id: Any, name: str, exc: BaseException) -> ClerkDataError:
    return ClerkDataError(
        entity, object_id, name, f"cannot be rendered: {type(exc).__name__}: {exc}"
    )


def field_steps(fields: dict[str, Any], readers: dict[str, Callable[[Any], Any]]) -> list[Step]:
    """The :data:`Step` of each field."""
    return [
        (
            name,
            readers[name],
            bound.to_representation,
            bool(getattr(bound, "merge", False)),
            bool(getattr(bound, "renders_none", False)),
            getattr(bound, "replaces", frozenset()),
            bool(type(bound).__dict__.get("clean_output", False)),
            unchanged_classes(bound),
        )
        for name, bound in fields.items()
    ]


def run_steps(
    items: list[Any],
    keys: list[Any],
    steps: list[Step],
    policy: Policy,
    entity: str,
    finish: Callable[[dict[str, Any]], None] | None,
    pause: Callable[[], None] | None = None,
) -> tuple[list[dict[str, Any]], dict[int, list[ClerkDataError]], dict[str, list[Any]]]:
    """The render loop: ``(objects, problems by index, failures by field)``; a field that
    raises is left out (``skip``, ``collect``) or raises :class:`ClerkDataError`."""
    out: list[dict[str, Any]] = []
    failures: dict[str, list[Any]] = {}  # field -> [first key, error, count]
    problems: dict[int, list[ClerkDataError]] = {}
    # Merge fields (roll-ups) come after the others, in their order: what they replace is set.
    ordered = [step for step in steps if not step[3]] + [step for step in steps if step[3]]
    if policy is not Policy.RAISE and pause is None and items and isinstance(items[0], dict):
        # Rows: field by field, the same objects for less work per value.
        collect = policy is Policy.COLLECT
        return run_columns(
            items,
            keys,
            ordered,
            collect=collect,
            entity=entity,
            finish=finish,
            field_error=field_error,
        )
    for index, item in enumerate(items):
        data: dict[str, Any] = {}
        for name, read, convert, merge, keep_none, replaces, clean, unchanged in ordered:
            try:
                value = read(item)
                if value is None:
                    if not keep_none:
                        continue
                elif value.__class__ in unchanged:
                    data[name] = value
                    continue
                value = convert(value)
            except SkipField:
                continue
            except Exception as exc:
                error = field_error(entity, data.get("id", keys[index]), name, exc)
                if policy is Policy.RAISE:
                    raise error from exc
                if policy is Policy.COLLECT:
                    problems.setdefault(index, []).append(error)
                failure = failures.setdefault(name, [keys[index], exc, 0])
                failure[2] += 1
                continue
            if merge:
                merge_into(data, value, replaces, clean)
            elif clean or value.__class__ in PLAIN:
                if value is not None:
                    data[name] = value
            elif (value := clerk_value(value)) is not None:
                data[name] = value
        if finish is not None:
            finish(data)
        out.append(data)
        if pause is not None:
            pause()
    return out, problems, failures
