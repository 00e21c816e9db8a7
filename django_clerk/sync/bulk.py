"""Bulk writes that reach Clerk: :class:`SyncedQuerySet` and :data:`ClerkManager`.

Django sends no signal for ``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()``, and
``QuerySet.delete()`` sends one per object. A mapped model whose manager is built on
:class:`SyncedQuerySet` records the objects these calls touch in the outbox, in the same
transaction, with one query per batch to find the affected keys and bulk inserts into the
outbox (never a query per object)::

    from django_clerk.sync import SyncedQuerySet

    class ProductQuerySet(SyncedQuerySet["Product"]):
        def published(self): ...

    class Product(models.Model):
        objects = ProductQuerySet.as_manager()   # or: objects = ClerkManager()

Related models (a brand shown in the products' payloads) can use it too: updating brands
queues the products that show them. Raw SQL sends nothing Django can see: after it, call
:func:`~django_clerk.sync.queue_for_sync` with the model and the keys it touched::

    queue_for_sync(Product.objects.filter(pk__in=touched_keys))

Inside :func:`~django_clerk.sync.sync_paused`, or with ``REALTIME_SYNC`` off, these calls
record nothing, like saves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.db.models.deletion import Collector

from django_clerk.conf import clerk_settings
from django_clerk.sync.pausing import is_paused, sync_paused

if TYPE_CHECKING:
    from django_clerk.sync.signals import ModelPlan

logger = logging.getLogger("django_clerk.sync")

__all__ = ["KEY_CHUNK", "ClerkManager", "SyncedQuerySet", "record_keys"]

_M = TypeVar("_M", bound=models.Model)

KEY_CHUNK = 5000
"""Keys per ``UPDATE ... WHERE pk IN (...)`` and per dependency lookup: below every
database's limit of parameters per statement."""


def _tracking(model: type[models.Model]) -> ModelPlan | None:
    """The model's plan when its bulk writes are to be recorded now."""
    if not clerk_settings.REALTIME_SYNC or is_paused():
        return None
    # The models' module imports this one (managers): the sync's modules load when used.
    from django_clerk.sync.signals import plan_for

    return plan_for(model)


def _chunks(values: Sequence[Any], size: int = KEY_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def record_keys(
    plan: ModelPlan,
    rows: Sequence[Any],
    using: str,
    *,
    own_saves: bool = True,
) -> int:
    """Record the objects ``rows`` (anything with ``pk`` and the attributes the plan's reverse
    foreign keys name) for the plan's entities, and their owners for its dependencies.
    ``own_saves`` ``False`` skips dependencies that follow links only (a deleted object's
    links are gone with it)."""
    from django_clerk.sync import outbox

    recorded = 0
    keys = [row.pk for row in rows]
    for entity, prefix in plan.entities:
        recorded += outbox.record(entity, keys, using=using, prefix=prefix)
    for dependency in plan.dependencies:
        if dependency.membership_only and own_saves:
            continue
        owners: list[Any] = []
        for chunk in _chunks(rows):
            owners += dependency.owners(chunk, using)
        recorded += outbox.record(
            dependency.entity, owners, using=using, prefix=dependency.id_prefix
        )
    return recorded


def _attnames(plan: ModelPlan) -> list[str]:
    """The reverse foreign keys (``product_id`` of a variant) the plan reads on the objects."""
    return sorted({d.owner_attname for d in plan.dependencies if d.owner_attname})


def _rows(queryset: models.QuerySet[Any, Any], attnames: list[str]) -> list[SimpleNamespace]:
    """``pk`` and ``attnames`` of the queryset's rows, in one query."""
    names = ["pk", *attnames]
    return [
        SimpleNamespace(**dict(zip(names, values, strict=True)))
        for values in queryset.order_by().values_list(*names)
    ]


class SyncedQuerySet(models.QuerySet[_M, _M]):
    """A queryset whose bulk writes record the objects they touch for the real-time sync."""

    def update(self, **kwargs: Any) -> int:
        """Update the rows, and record them (and the objects that show them).

        With integer keys on PostgreSQL and SQLite the rows the filter matches are recorded by
        the database (``INSERT ... SELECT``, one statement per store), then updated: nothing
        goes through Python. Otherwise (or when the update moves objects to other owners) the
        keys are read first (one query), then the rows are updated by key, in chunks of
        :data:`KEY_CHUNK`. Either way the rows recorded are the rows the update matched, even
        when it changes what the filter matches."""
        plan = _tracking(self.model)
        if plan is None:
            return super().update(**kwargs)
        attnames = _attnames(plan)
        moved = [name for name in attnames if _sets(self.model, kwargs, name)]
        if not moved and _in_database(plan, self.model, self.db):
            from django_clerk.sync.outbox_select import record_selected

            with transaction.atomic(using=self.db, savepoint=False):
                for entity, prefix, selected, column in _selections(plan, self):
                    record_selected(entity, prefix, selected, column, self.db)
                return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            before = _rows(self, attnames)
            if not before:
                return 0
            keys = [row.pk for row in before]
            base = self.model._base_manager.using(self.db)
            updated = 0
            for chunk in _chunks(keys):
                updated += base.filter(pk__in=chunk).update(**kwargs)
            record_keys(plan, before, self.db)
            if moved:  # the objects moved to other owners: those change too
                after: list[SimpleNamespace] = []
                for chunk in _chunks(keys):
                    after += _rows(base.filter(pk__in=chunk), attnames)
                record_keys(plan, after, self.db)
        return updated

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        """Create the objects, and record those whose keys the database gave back."""
        plan = _tracking(self.model)
        if plan is None:
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            known = [obj for obj in created if obj.pk is not None]
            if len(known) < len(created):
                logger.warning(
                    "Clerk.io: %d %s created by bulk_create() have no key from the database "
                    "and are not queued; queue them with queue_for_sync()",
                    len(created) - len(known),
                    self.model._meta.verbose_name_plural,
                )
            record_keys(plan, known, self.db)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(
        self, objs: Iterable[_M], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> int:
        """Update the objects' ``fields``, and record them (and their owners, old and new)."""
        plan = _tracking(self.model)
        if plan is None:
            return super().bulk_update(objs, fields, *args, **kwargs)
        objs, fields = list(objs), list(fields)
        attnames = _attnames(plan)
        moved = [name for name in attnames if _sets(self.model, dict.fromkeys(fields), name)]
        with transaction.atomic(using=self.db, savepoint=False):
            if moved:  # the owners they leave change too
                base = self.model._base_manager.using(self.db)
                keys = [obj.pk for obj in objs]
                for chunk in _chunks(keys):
                    record_keys(plan, _rows(base.filter(pk__in=chunk), attnames), self.db)
            updated = super().bulk_update(objs, fields, *args, **kwargs)
            record_keys(plan, objs, self.db)
        return updated

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete the rows (and what cascades), recording every mapped object deleted and
        every object that showed one, in bulk instead of one signal receiver call per row."""
        if _tracking(self.model) is None:
            return super().delete()
        self._not_support_combined_queries("delete")  # type: ignore[attr-defined]
        if self.query.is_sliced:
            raise TypeError("Cannot use 'limit' or 'offset' with delete().")
        if self.query.distinct_fields:
            raise TypeError("Cannot call delete() after .distinct(*fields).")
        if getattr(self, "_fields", None) is not None:
            raise TypeError("Cannot call delete() after .values() or .values_list()")
        query: Any = self._chain()  # type: ignore[attr-defined]  # private in the stubs
        query._for_write = True
        query.query.select_for_update = False
        query.query.select_related = False
        query.query.clear_ordering(force=True)
        with transaction.atomic(using=query.db, savepoint=False):
            collector = Collector(using=query.db, origin=self)
            collector.collect(query)
            # Models with the sync's receivers are never fast-deleted: their instances are
            # all in ``collector.data``, links still in place.
            for model, instances in collector.data.items():
                plan = _tracking(model)
                if plan is not None and instances:
                    record_keys(plan, list(instances), query.db, own_saves=False)
            with sync_paused():  # recorded above: the per-object receivers stay quiet
                deleted = collector.delete()
        self._result_cache = None
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]


def _in_database(plan: ModelPlan, model: type[models.Model], using: str) -> bool:
    """Whether the database can select every key the plan records (integer keys)."""
    from django_clerk.sync.outbox_select import can_select

    keys = [model._meta.pk] if plan.entities else []
    keys += [d.owner._meta.pk for d in plan.dependencies if not d.membership_only]
    return all(key is not None and can_select(key, using) for key in keys)


def _selections(
    plan: ModelPlan, queryset: models.QuerySet[Any, Any]
) -> Iterator[tuple[str, str, models.QuerySet[Any, Any], str]]:
    """``(entity, id prefix, queryset, key column)`` of everything a write of ``queryset``'s
    rows changes: the rows themselves, and the objects that show them."""
    for entity, prefix in plan.entities:
        yield entity, prefix, queryset, "pk"
    for dependency in plan.dependencies:
        if dependency.membership_only:
            continue
        if dependency.owner_attname:
            yield dependency.entity, dependency.id_prefix, queryset, dependency.owner_attname
        else:
            owners = dependency.owner._base_manager.using(queryset.db).filter(
                **{f"{dependency.lookup}__in": queryset.order_by().values("pk")}
            )
            yield dependency.entity, dependency.id_prefix, owners, "pk"


def _sets(model: type[models.Model], fields: dict[str, Any], attname: str) -> bool:
    """Whether writing ``fields`` changes the foreign key whose column is ``attname``."""
    for name in fields:
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        if getattr(field, "attname", None) == attname:
            return True
    return False


ClerkManager = models.Manager.from_queryset(SyncedQuerySet)
"""A manager whose querysets record their bulk writes: ``objects = ClerkManager()``."""
