"""The render loop over ``values()`` rows, field by field: each field's reader runs over the
whole page at once (``map``), then its values are converted. The objects are the same as the
object-by-object loop's (:func:`~django_clerk.mapping.rendering.run_steps`): the fields are
set in the same order in every object, a field that raises is left out of that object, and
the problems and failures come in the same order. Used for the ``skip`` and ``collect``
policies (``raise`` stops at the first problem of the first object, which is the other
loop's order) on rows, whose readers read nothing but the row. The values of a field whose
class declares ``clean_output`` (its conversion has no side effects) are converted in one
pass; when one raises, they are converted again one by one, the failure caught for its row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rest_framework.fields import SkipField

from django_clerk.mapping.validation import ClerkDataError
from django_clerk.mapping.values import clerk_value

PLAIN = frozenset((str, int, float, bool))
ErrorFactory = Callable[[str, Any, str, BaseException], ClerkDataError]


def run_columns(
    rows: list[dict[str, Any]],
    keys: list[Any],
    ordered: Sequence[tuple[Any, ...]],
    *,
    collect: bool,
    entity: str,
    finish: Callable[[dict[str, Any]], None] | None,
    field_error: ErrorFactory,
) -> tuple[list[dict[str, Any]], dict[int, list[ClerkDataError]], dict[str, list[Any]]]:
    """``(objects, problems by index, failures by field)`` of ``rows``, ``ordered`` being
    the steps with the merge fields last; ``collect`` keeps each object's problems."""
    out: list[dict[str, Any]] = [{} for _ in rows]
    failures: dict[str, list[Any]] = {}  # field -> [first key, error, count]
    first: dict[str, tuple[int, int]] = {}  # field -> (first index, field position)
    problems: dict[int, list[ClerkDataError]] = {}
    for position, step in enumerate(ordered):
        name, read, convert, merge, keep_none, replaces, clean, unchanged = step
        try:
            values: list[Any] = list(map(read, rows))
            read_each = False
        except Exception:  # a row the reader cannot read: read them one by one below
            values, read_each = rows, True
        if clean and not merge and not read_each:
            try:
                converted = [
                    None if value is None and not keep_none else convert(value) for value in values
                ]
            except Exception:  # converted again one by one below, where it is caught
                converted = None
            if converted is not None:
                for data, value in zip(out, converted, strict=True):
                    if value is not None:
                        data[name] = value
                continue
        for index, value in enumerate(values):
            if value.__class__ in unchanged:  # never None: not a plain class
                out[index][name] = value
                continue
            data = out[index]
            try:
                if read_each:
                    value = read(value)
                    if value.__class__ in unchanged:
                        data[name] = value
                        continue
                if value is None and not keep_none:
                    continue
                value = convert(value)
            except SkipField:
                continue
            except Exception as exc:
                if collect:
                    error = field_error(entity, data.get("id", keys[index]), name, exc)
                    problems.setdefault(index, []).append(error)
                failure = failures.setdefault(name, [keys[index], exc, 0])
                failure[2] += 1
                first.setdefault(name, (index, position))
                continue
            if merge:
                merge_into(data, value, replaces, clean)
            elif clean or value.__class__ in PLAIN:
                if value is not None:
                    data[name] = value
            elif (value := clerk_value(value)) is not None:
                data[name] = value
    if finish is not None:
        for data in out:
            finish(data)
    if len(problems) > 1:  # by object, as the object-by-object loop finds them
        problems = dict(sorted(problems.items()))
    if len(failures) > 1:
        failures = {name: failures[name] for name in sorted(failures, key=first.__getitem__)}
    return out, problems, failures


def merge_into(
    data: dict[str, Any], value: dict[str, Any], replaces: frozenset[str], clean: bool
) -> None:
    """Add a roll-up field's keys to ``data``: ``None`` removes a key it replaces (a price
    that has no net counterpart), others are set as Clerk values."""
    for key, extra in value.items():
        if extra is None:
            if key in replaces:
                data.pop(key, None)
        elif clean or extra.__class__ in PLAIN:
            data[key] = extra
        else:
            data[key] = clerk_value(extra)
