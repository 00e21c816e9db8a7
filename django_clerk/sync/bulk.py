"""Bulk writes that reach Clerk: :class:`SyncedQuerySet` and :data:`ClerkManager`.

Django sends no signal for ``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()``, and
``QuerySet.delete()`` sends one per object. A mapped model whose manager is built on
:class:`SyncedQuerySet` records the objects these calls touch in the outbox, in the same
transaction, as *bulk changes*: a few rows naming many objects each (integer keys in runs),
which the next delivery expands into one pending change per object
(:mod:`~django_clerk.sync.bulk_markers`). Finding the keys takes a query or two, never one
per object::

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

from django.db import connections, models, transaction
from django.db.models.deletion import Collector

from django_clerk.conf import clerk_settings
from django_clerk.sync.pausing import is_paused, sync_paused

if TYPE_CHECKING:
    from django_clerk.sync.signals import Dependency, ModelPlan

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
    owners: dict[Dependency, list[Any]] = {}
    for dependency in plan.dependencies:
        if dependency.membership_only and own_saves:
            continue
        found = owners.setdefault(dependency, [])
        for chunk in _chunks(rows):
            found += dependency.owners(chunk, using)
    return _record(plan, [row.pk for row in rows], owners, using)


def _record(
    plan: ModelPlan, keys: Sequence[Any], owners: dict[Dependency, list[Any]], using: str
) -> int:
    """Record ``keys`` for the plan's entities and each dependency's ``owners``, as bulk
    changes (a few rows, expanded by the next delivery)."""
    from django_clerk.sync import outbox

    recorded = 0
    for entity, prefix in plan.entities:
        recorded += outbox.record_bulk(entity, keys, using=using, prefix=prefix)
    for dependency, found in owners.items():
        recorded += outbox.record_bulk(
            dependency.entity, found, using=using, prefix=dependency.id_prefix
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

        The keys the filter matches (and the owners they show) are read first, one query
        each, so the rows recorded are the rows the update matched even when it changes what
        the filter matches; they are recorded as bulk changes (a few rows naming them all,
        expanded by the next delivery). With integer keys the update runs as asked; with
        other keys, or when it moves objects to other owners, it updates the rows read, by
        key, in chunks of :data:`KEY_CHUNK`."""
        plan = _tracking(self.model)
        if plan is None:
            return super().update(**kwargs)
        from django_clerk.sync.bulk_markers import all_integers

        attnames = _attnames(plan)
        moved = [name for name in attnames if _sets(self.model, kwargs, name)]
        with transaction.atomic(using=self.db, savepoint=False):
            if not moved:
                keys, owners = self._keys_and_owners(plan, attnames)
                if not keys:
                    return 0
                if all_integers(keys):
                    updated = super().update(**kwargs)
                else:
                    updated = self._update_by_key(keys, kwargs)
                _record(plan, keys, owners, self.db)
                return updated
            before = _rows(self, attnames)
            if not before:
                return 0
            keys = [row.pk for row in before]
            updated = self._update_by_key(keys, kwargs)
            record_keys(plan, before, self.db)
            # the objects moved to other owners: those change too
            base = self.model._base_manager.using(self.db)
            after: list[SimpleNamespace] = []
            for chunk in _chunks(keys):
                after += _rows(base.filter(pk__in=chunk), attnames)
            record_keys(plan, after, self.db)
        return updated

    update.alters_data = True  # type: ignore[attr-defined]

    def _update_by_key(self, keys: Sequence[Any], fields: dict[str, Any]) -> int:
        base = self.model._base_manager.using(self.db)
        return sum(base.filter(pk__in=chunk).update(**fields) for chunk in _chunks(keys))

    def _keys_and_owners(
        self, plan: ModelPlan, attnames: list[str]
    ) -> tuple[Sequence[Any], dict[Dependency, list[Any]]]:
        """The keys of the rows the queryset matches, and the keys of the objects that show
        them (by dependency): a query for the rows, and one per dependency across relations."""
        names = ["pk", *attnames]
        owners: dict[Dependency, list[Any]] = {}
        rows: list[tuple[Any, ...]] = []
        if attnames:
            rows = list(self.order_by().values_list(*names))
            keys: Sequence[Any] = [row[0] for row in rows]
        else:
            keys = self._matched_keys()
        if not keys:
            return keys, owners
        for dependency in plan.dependencies:
            if dependency.membership_only:
                continue
            if dependency.owner_attname:
                column = names.index(dependency.owner_attname)
                owners[dependency] = [row[column] for row in rows]
            else:
                owners[dependency] = list(
                    dependency.owner._base_manager.using(self.db)
                    .filter(**{f"{dependency.lookup}__in": self.order_by().values("pk")})
                    .values_list("pk", flat=True)
                    .distinct()
                )
        return keys, owners

    def _matched_keys(self) -> Sequence[Any]:
        """The keys the queryset matches. Integer keys without a gap between the first and
        the last (one aggregate query tells) are that ``range``, not read one by one; other
        integer keys are read as one text on PostgreSQL and SQLite."""
        matched = self.order_by()
        if isinstance(self.model._meta.pk, models.IntegerField):
            # A condition across a relation may repeat a row: count each key once then.
            distinct = len(matched.query.alias_map) > 1
            found = matched.aggregate(
                first=models.Min("pk"),
                last=models.Max("pk"),
                count=models.Count("pk", distinct=distinct),
            )
            if not found["count"]:
                return range(0)
            first, last = found["first"], found["last"]
            if last - first + 1 == found["count"]:
                return range(first, last + 1)
            if connections[self.db].vendor in _KeyList.VENDORS:
                text = matched.aggregate(keys=_KeyList("pk"))["keys"]
                return [int(key) for key in text.split(",")]
        return list(matched.values_list("pk", flat=True))

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
            with sync_paused():  # its update() per batch: recorded below, once
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


class _KeyList(models.Aggregate):
    """The integer keys of the rows, as one text: ``"1,2,5"`` (the database builds it, where
    reading a row per key costs three times as much on SQLite)."""

    VENDORS = ("sqlite", "postgresql")
    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = models.TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(CAST(%(expressions)s AS text), ',')",
            **extra,
        )


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
