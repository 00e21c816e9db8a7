"""The one render loop of Clerk objects, from ``values()`` rows or model instances.

Each field's attribute comes from the page's source (its declared reads on a row, or its
``get_attribute`` on an instance) and the field's own ``to_representation`` converts it, so
both sources give the same output. What happens to a field that raises, or to an object that
breaks Clerk's rules, is the :class:`Policy`:

- ``raise``: the first problem raises :class:`ClerkDataError` naming entity, object and field
  (``serialize``, the sales tracking);
- ``skip``: the field is left out of that object, logged once per page per field, and broken
  objects are logged once per page (the feeds: a short page would end the importer's crawl);
- ``collect``: each object's problems are returned with it (the health check, the push,
  which fails the objects at fault alone).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable, ValuesIterable
from django.utils import translation

from django_clerk.conf import clerk_settings
from django_clerk.mapping import page_reads, validation
from django_clerk.mapping.plans import ROWS, SerializerPlan, plan_for, readable_fields
from django_clerk.mapping.reads import ManyRead, fetch_many
from django_clerk.mapping.registry import id_prefix
from django_clerk.mapping.steps import (
    Policy,
    Step,
    field_error,
    field_steps,
    instance_reader,
    run_steps,
)
from django_clerk.mapping.validation import ClerkDataError

CHUNK = 1000
#: The annotation telling hidden objects apart (``Meta.hidden_filter``); its value becomes
#: Clerk's ``index`` (``false`` for a hidden object, ``true`` otherwise).
HIDDEN = "_clerk_hidden"


class RowsIterable(ValuesIterable):
    """``values()`` rows, each built by ``dict(zip(names, row))``: the same dicts as Django's
    (same keys, same order), for less work per row. A page (a slice in key order) of a
    subclass made by :func:`rows_with_relations` is read with the related rows of its many
    relations, in one statement (:mod:`~django_clerk.mapping.page_reads`)."""

    model: type[Model] | None = None
    manys: tuple[ManyRead, ...] = ()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        queryset = self.queryset
        query = queryset.query
        selected = getattr(query, "selected", None)
        names = (
            list(selected)
            if selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        if self.model is not None and self.manys and page_reads.combinable(queryset):
            found = page_reads.read_page(queryset, names, self.model, list(self.manys))
            if found is not None:
                yield from found
                return
        compiler = query.get_compiler(queryset.db)
        rows = compiler.results_iter(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        for row in rows:
            yield dict(zip(names, row, strict=True))


@functools.lru_cache(maxsize=256)
def rows_with_relations(model: type[Model], manys: tuple[ManyRead, ...]) -> type[RowsIterable]:
    """The :class:`RowsIterable` of rows of ``model`` that read ``manys`` with each page."""
    if not manys:
        return RowsIterable
    return type("RowsWithRelations", (RowsIterable,), {"model": model, "manys": manys})


@dataclass
class Rendered:
    """A page's objects, their primary keys, and (``collect``) each object's problems."""

    items: list[dict[str, Any]] = field(default_factory=list)
    keys: list[Any] = field(default_factory=list)
    problems: dict[int, list[ClerkDataError]] = field(default_factory=dict)

    def extend(self, other: Rendered) -> None:
        offset = len(self.items)
        self.items += other.items
        self.keys += other.keys
        self.problems.update({offset + i: found for i, found in other.problems.items()})


def _drop_email(data: dict[str, Any]) -> None:
    data.pop("email", None)


def store_rules(entity: str, store: Any) -> Callable[[dict[str, Any]], None] | None:
    """What a store's options take out of every object: orders lose ``email`` for stores
    that do not collect e-mails (the one place this rule lives)."""
    if entity == "orders" and store is not None and not getattr(store, "collect_emails", True):
        return _drop_email
    return None


def id_rule(serializer_class: Any) -> Callable[[dict[str, Any]], None] | None:
    """What a source does to its objects' ``id``: its prefix before it (a string), or the
    key as text for the unprefixed source of an entity with several sources (see
    :func:`~django_clerk.mapping.registry.id_prefix`); ``None`` leaves ids alone."""
    prefix = id_prefix(serializer_class)
    if prefix is None:
        return None

    def prefixed(data: dict[str, Any]) -> None:
        if "id" in data:
            data["id"] = f"{prefix}{data['id']}"

    return prefixed


def chained(
    *rules: Callable[[dict[str, Any]], None] | None,
) -> Callable[[dict[str, Any]], None] | None:
    found = [rule for rule in rules if rule is not None]
    if len(found) < 2:
        return found[0] if found else None

    def apply(data: dict[str, Any]) -> None:
        for rule in found:
            rule(data)

    return apply


class Renderer:
    """Renders one serializer's objects for one store, page by page, from its plan's source
    (or the one forced with ``source=``, e.g. by tests comparing both)."""

    def __init__(
        self,
        serializer_class: Any,
        store: Any,
        *,
        policy: Policy = Policy.RAISE,
        validate: bool | None = None,
        context: dict[str, Any] | None = None,
        source: str | None = None,
        logger: logging.Logger | None = None,
        pause: Callable[[], None] | None = None,
    ) -> None:
        self.serializer_class = serializer_class
        self.entity: str = serializer_class.entity
        self.store = store
        self.policy = policy
        self.validate = clerk_settings.VALIDATE if validate is None else validate
        self.plan: SerializerPlan = plan_for(serializer_class)
        self.source = source or self.plan.source
        if self.source == ROWS and not self.plan.rows:
            raise ValueError(f"{serializer_class.__name__} cannot render from rows")
        self.language = store.get_language() if store is not None else None
        self.logger = logger or logging.getLogger("django_clerk.mapping")
        with translation.override(self.language):
            self.serializer = serializer_class(context={"store": store, **(context or {})})
            self.active_language = translation.get_language() or ""
        self.fields = readable_fields(self.serializer)
        hidden = getattr(serializer_class, "hidden_annotation", None)
        self.hidden: dict[str, Any] = hidden(store) if hidden is not None else {}
        self.annotations: dict[str, Any] = {**self.plan.annotations, **self.hidden}
        self.finish = chained(id_rule(serializer_class), store_rules(self.entity, store))
        self.pause = pause  # called after each object (a background thread yields the GIL)
        self._steps: list[Step] | None = None

    # -- the source -------------------------------------------------------------------------
    def source_queryset(self, queryset: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
        """``queryset`` as this renderer reads it: ``values()`` rows, or instances with the
        relations and annotations the fields need."""
        plan = self.plan
        if self.source == ROWS:
            row_plan = plan.row_plan(self.active_language)
            wanted = {**row_plan.annotations, **self.hidden}
            missing = {k: v for k, v in wanted.items() if k not in _annotated(queryset)}
            queryset = queryset.prefetch_related(None)
            if missing:
                queryset = queryset.annotate(**missing)
            rows = queryset.values(*row_plan.columns, *self.hidden)
            model = self.serializer_class.Meta.model
            rows._iterable_class = rows_with_relations(model, tuple(row_plan.many))
            return rows
        queryset = self.serializer_class.optimize_queryset(queryset)
        missing = {k: v for k, v in self.annotations.items() if k not in _annotated(queryset)}
        return queryset.annotate(**missing) if missing else queryset

    def accepts_rows(self, objects: Any) -> bool:
        """Whether ``objects`` can be read as rows: a queryset of the model's instances."""
        return (
            self.source == ROWS
            and isinstance(objects, QuerySet)
            and objects._iterable_class is ModelIterable
            and objects.model is self.serializer_class.Meta.model
        )

    def render_all(self, objects: Iterable[Any], using: str | None = None) -> Rendered:
        rendered = Rendered()
        for page in self.pages(objects, using):
            rendered.extend(page)
        return rendered

    def pages(self, objects: Iterable[Any], using: str | None = None) -> Iterator[Rendered]:
        """``objects`` (a queryset of the model, or any iterable of instances) rendered in
        pages of up to 1000."""
        if self.accepts_rows(objects):
            assert isinstance(objects, QuerySet)
            rows = self.source_queryset(objects)
            found = list(rows)
            for start in range(0, len(found), CHUNK):
                yield self.render(found[start : start + CHUNK], using or objects.db)
            return
        chunk: list[Any] = []
        for obj in objects:
            chunk.append(obj)
            if len(chunk) == CHUNK:
                yield self.render(chunk, using)
                chunk = []
        if chunk:
            yield self.render(chunk, using)

    def render(self, items: list[Any], using: str | None = None) -> Rendered:
        """One page: ``values()`` rows (source ``rows``) or model instances."""
        if not items:
            return Rendered()
        rendered = self._render(items, using)
        if self.hidden:
            self._mark_hidden(items, rendered)
        return rendered

    def _mark_hidden(self, items: list[Any], rendered: Rendered) -> None:
        """Clerk's ``index`` of each object: ``false`` while it is hidden, else ``true``."""
        if isinstance(items[0], dict):
            flags = [item.get(HIDDEN) for item in items]
        else:
            flags = [getattr(item, HIDDEN, None) for item in items]
        for data, hidden in zip(rendered.items, flags, strict=True):
            data["index"] = not hidden

    def _render(self, items: list[Any], using: str | None) -> Rendered:
        with translation.override(self.language):
            if isinstance(items[0], dict):
                keys = [row["pk"] for row in items]
                self._attach_many(items, keys, using or "default")
                steps = self._row_steps()
            else:
                keys = [obj.pk for obj in items]
                self._prepare_instances(items, using)
                if self.plan.own_representation:
                    return self._loop_own(items, keys)
                steps = self._instance_steps()
            return self._loop(items, keys, steps)

    # -- per page ---------------------------------------------------------------------------
    def _attach_many(self, rows: list[dict[str, Any]], keys: list[Any], using: str) -> None:
        model = self.serializer_class.Meta.model
        for many in self.plan.row_plan(self.active_language).many:
            if many.key in rows[0]:  # read with the page
                continue
            found = fetch_many(model, many, keys, using)
            key = many.key
            for row, pk in zip(rows, keys, strict=True):
                row[key] = found.get(pk, ())

    def _prepare_instances(self, objects: list[Any], using: str | None) -> None:
        select, prefetch = self.serializer_class.relation_paths()
        if select or prefetch:  # one query per relation for the page, as a queryset would
            prefetch_related_objects(objects, *select, *prefetch)
        missing = [n for n in self.annotations if not hasattr(objects[0], n)]
        if missing:  # instances loaded without the annotations: one query for the page
            model = self.serializer_class.Meta.model
            manager = model._default_manager.db_manager(using or objects[0]._state.db)
            values = {
                row["pk"]: row
                for row in manager.filter(pk__in=[o.pk for o in objects])
                .annotate(**{n: self.annotations[n] for n in missing})
                .values("pk", *missing)
            }
            for obj in objects:
                for name in missing:
                    setattr(obj, name, values.get(obj.pk, {}).get(name))

    def _row_steps(self) -> list[Step]:
        return field_steps(self.fields, self.plan.row_plan(self.active_language).readers)

    def _instance_steps(self) -> list[Step]:
        if self._steps is None:
            readers = {name: instance_reader(bound) for name, bound in self.fields.items()}
            self._steps = field_steps(self.fields, readers)
        return self._steps

    def _loop(self, items: list[Any], keys: list[Any], steps: list[Step]) -> Rendered:
        out, problems, failures = run_steps(
            items, keys, steps, self.policy, self.entity, self.finish, self.pause
        )
        if self.policy is Policy.SKIP:
            self._log_failures(failures)
        return self._validated(Rendered(out, keys, problems))

    def _loop_own(self, objects: list[Any], keys: list[Any]) -> Rendered:
        """A serializer with its own ``to_representation``: each instance by that method; under
        ``skip`` an object it cannot render gets the fields that do render."""
        out: list[dict[str, Any]] = []
        problems: dict[int, list[ClerkDataError]] = {}
        for index, obj in enumerate(objects):
            try:
                data = self.serializer.to_representation(obj)
            except Exception as exc:
                error = (
                    exc
                    if isinstance(exc, ClerkDataError)
                    else self._field_error(keys[index], "?", exc)
                )
                if self.policy is Policy.RAISE:
                    raise error from exc
                if self.policy is Policy.COLLECT:
                    problems[index] = [error]
                    data = {}
                else:
                    steps = self._instance_steps()
                    found = run_steps([obj], [keys[index]], steps, Policy.SKIP, self.entity, None)
                    self._log_failures(found[2])
                    data = found[0][0]
            if self.finish is not None:
                self.finish(data)
            out.append(data)
        return self._validated(Rendered(out, keys, problems))

    # -- problems ---------------------------------------------------------------------------
    def _field_error(self, object_id: Any, name: str, exc: BaseException) -> ClerkDataError:
        return field_error(self.entity, object_id, name, exc)

    def _log_failures(self, failures: dict[str, list[Any]]) -> None:
        for name, (key, error, count) in failures.items():
            self.logger.warning(
                "%s: field %r left out of %d objects (e.g. %r): it raised %s",
                self.entity,
                name,
                count,
                key,
                type(error).__name__,
            )

    def _validated(self, rendered: Rendered) -> Rendered:
        if not self.validate or not self.entity or not rendered.items:
            return rendered
        if self.policy is Policy.RAISE:
            for item in rendered.items:
                validation.validate(self.entity, item)
        elif self.policy is Policy.COLLECT:
            for index, item in enumerate(rendered.items):
                found = validation.problems(self.entity, item)
                if found:
                    rendered.problems.setdefault(index, []).extend(found)
        else:
            validation.log_page(self.entity, rendered.items, self.logger)
        return rendered


def _annotated(queryset: QuerySet[Any, Any]) -> set[str]:
    return set(queryset.query.annotations)


def render_objects(
    serializer_class: Any, objects: Iterable[Any], store: Any, **options: Any
) -> Rendered:
    """``objects`` (a queryset or instances) rendered for ``store``; see :class:`Renderer`."""
    using = objects.db if isinstance(objects, QuerySet) else None
    return Renderer(serializer_class, store, **options).render_all(objects, using)
