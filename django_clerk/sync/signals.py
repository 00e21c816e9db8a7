"""Turning the shop's saves, deletes and many-to-many changes into pending changes.

Receivers are connected for the models that matter only: the models of the mapped serializers
and the related models their payloads show. What a related model's change re-pushes is derived
from each serializer's fields (the relations they read, as in
:meth:`~django_clerk.mapping.ClerkSerializer.relation_paths`) plus an optional
``Meta.sync_related`` list of extra lookups, for method fields::

    class ProductSerializer(mapping.ProductSerializer):
        class Meta:
            model = Product
            sync_related = ["reviews"]  # a review's save re-pushes its product

A related object's change re-pushes only the mapped objects that reach it through the lookup
(a brand's products, a variant's product), never the whole catalogue. A many-to-many relation
read only for its ids (``IdListField``) re-pushes on membership changes, not on the related
object's own saves. Fixture loads (``raw=True``) are ignored.

An entity with several sources connects each source's model; a change is recorded with the
source's ``Meta.id_prefix`` before the key (``"blog-7"``), which tells the delivery the
source. A model that is the model of two sources (CMS pages and blog posts in one table) is
recorded for both: the source that no longer holds the object sends a delete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from django_clerk.conf import clerk_settings
from django_clerk.mapping import IdListField, mapped_entities
from django_clerk.mapping.registry import declared_prefix
from django_clerk.mapping.serializers import relation_path
from django_clerk.models import Store
from django_clerk.sync import outbox
from django_clerk.sync.pausing import is_paused

logger = logging.getLogger("django_clerk.sync")


@dataclass(frozen=True)
class Dependency:
    """Objects of ``entity`` (model ``owner``) show ``related`` objects through ``lookup``."""

    entity: str
    owner: type[models.Model]
    lookup: str  # from the owner to the related model, e.g. "brand" or "brand__country"
    related: type[models.Model]
    owner_attname: str | None = None  # one-hop reverse FK: the owner's pk is on the instance
    membership_only: bool = False  # only links matter (ids of a many-to-many relation)
    id_prefix: str = ""  # the owner's source's Meta.id_prefix, before its keys in the outbox

    def owners(self, instances: Iterable[models.Model], using: str) -> list[Any]:
        """Primary keys of the owners that show ``instances``."""
        if self.owner_attname:
            return [getattr(obj, self.owner_attname) for obj in instances]
        pks = [obj.pk for obj in instances]
        if not pks:
            return []
        return list(
            self.owner._base_manager.using(using)
            .filter(**{f"{self.lookup}__in": pks})
            .values_list("pk", flat=True)
            .distinct()
        )


@dataclass
class ModelPlan:
    """What a change of one model means for Clerk."""

    #: The model is these entities itself: ``(entity, the source's id prefix)``.
    entities: list[tuple[str, str]] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)  # ... and is shown by these


_plans: dict[type[models.Model], ModelPlan] = {}
_m2m_plans: dict[type[models.Model], list[Dependency]] = {}
_connected: list[tuple[Any, Any, str]] = []
_enabled = False  # connect() was called (by the app's ready()): follow setting changes


def plan_for(model: type[models.Model]) -> ModelPlan | None:
    """The plan of ``model`` (or of its concrete model), ``None`` when Clerk ignores it."""
    return _plans.get(model) or _plans.get(concrete_model(model))


def concrete_model(model: type[models.Model]) -> type[models.Model]:
    """The model whose table holds ``model``'s rows (itself, unless it is a proxy)."""
    return model._meta.concrete_model or model


# -- building the plans ------------------------------------------------------------------------
def build_plans() -> tuple[dict[type[models.Model], ModelPlan], dict[Any, list[Dependency]]]:
    """Derive the receivers' plans from ``CLERK["SERIALIZERS"]``."""
    plans: dict[type[models.Model], ModelPlan] = {}
    m2m: dict[Any, list[Dependency]] = {}
    for entity, serializer in mapped_sources():
        owner = concrete_model(serializer.Meta.model)
        prefix = declared_prefix(serializer) or ""
        targets = plans.setdefault(owner, ModelPlan()).entities
        if (entity, prefix) not in targets:
            targets.append((entity, prefix))
        for dependency, through in dependencies(entity, serializer, owner, prefix):
            plan = plans.setdefault(dependency.related, ModelPlan())
            if dependency not in plan.dependencies:
                plan.dependencies.append(dependency)
            if through is not None and dependency not in m2m.get(through, []):
                m2m.setdefault(through, []).append(dependency)
    return plans, m2m


def _lookups(serializer: Any, owner: type[models.Model]) -> list[tuple[str, bool]]:
    """``(lookup, membership_only)`` of every relation the serializer's output depends on."""
    found: dict[str, bool] = {}
    for declared in serializer().fields.values():
        if declared.source == "*" or getattr(declared, "source_attrs", None) is None:
            continue
        kind, path = relation_path(owner, declared)
        if kind is None:
            continue
        ids_only = isinstance(declared, IdListField) and declared.id_attribute == "pk"
        found[path] = found.get(path, True) and ids_only
    extra = getattr(serializer.Meta, "sync_related", ()) or ()
    if isinstance(extra, str) or not all(isinstance(lookup, str) for lookup in extra):
        raise ImproperlyConfigured(
            f"{serializer.__qualname__}.Meta.sync_related must be a list of lookups like "
            f'["brand", "reviews"], not {extra!r}'
        )
    for lookup in extra:
        found[lookup] = False
    return list(found.items())


def mapped_sources() -> list[tuple[str, Any]]:
    """``(entity, serializer)`` of every source of every mapped entity."""
    return [
        (entity, serializer)
        for entity, serializers in mapped_entities().items()
        for serializer in serializers
    ]


def dependencies(
    entity: str, serializer: Any, owner: type[models.Model], id_prefix: str = ""
) -> Iterable[tuple[Dependency, Any]]:
    """Every related model each lookup crosses, and the m2m through model of one-hop m2m."""
    for lookup, ids_only in _lookups(serializer, owner):
        current: type[models.Model] = owner
        parts = lookup.split("__")
        for depth, name in enumerate(parts, start=1):
            try:
                relation = current._meta.get_field(name)
            except FieldDoesNotExist as exc:
                raise ImproperlyConfigured(
                    f"{serializer.__qualname__}: {lookup!r} is not a relation of "
                    f"{owner._meta.label} ({exc})"
                ) from exc
            related_model = relation.related_model
            if not relation.is_relation or not isinstance(related_model, type):
                break
            related = concrete_model(related_model)
            one_hop = depth == 1
            many = bool(relation.many_to_many)
            attname = None
            if one_hop and relation.one_to_many and isinstance(relation, models.ForeignObjectRel):
                attname = relation.field.attname  # reverse FK: variant.product_id
            dependency = Dependency(
                entity=entity,
                owner=owner,
                lookup="__".join(parts[:depth]),
                related=related,
                owner_attname=attname,
                membership_only=one_hop and many and ids_only,
                id_prefix=id_prefix,
            )
            through = _through(relation) if one_hop and many else None
            yield dependency, through
            current = related


def _through(relation: Any) -> Any:
    remote = relation.remote_field if hasattr(relation, "remote_field") else None
    through = getattr(remote, "through", None) or getattr(relation, "through", None)
    return through


# -- receivers ---------------------------------------------------------------------------------
def _active() -> bool:
    return bool(clerk_settings.REALTIME_SYNC) and not is_paused()


def _record_owners(dependency: Dependency, instances: list[models.Model], using: str) -> None:
    outbox.record(
        dependency.entity,
        dependency.owners(instances, using),
        using=using,
        prefix=dependency.id_prefix,
    )


def on_save(sender: Any, instance: models.Model, raw: bool = False, using: str = "default",
            **kwargs: Any) -> None:  # fmt: skip
    if raw or not _active():
        return
    plan = plan_for(sender)
    if plan is None:
        return
    for entity, prefix in plan.entities:
        outbox.record(entity, [instance.pk], using=using, prefix=prefix)
    for dependency in plan.dependencies:
        if not dependency.membership_only:
            _record_owners(dependency, [instance], using)


def on_delete(sender: Any, instance: models.Model, using: str = "default", **kwargs: Any) -> None:
    """post_delete of a mapped model: the delivery finds it gone and sends a delete."""
    if not _active():
        return
    plan = plan_for(sender)
    if plan is not None:
        for entity, prefix in plan.entities:
            outbox.record(entity, [instance.pk], using=using, prefix=prefix)


def on_related_delete(
    sender: Any, instance: models.Model, using: str = "default", **kwargs: Any
) -> None:
    """pre_delete of a related model: its owners are found while the links still exist."""
    if not _active():
        return
    plan = plan_for(sender)
    if plan is not None:
        for dependency in plan.dependencies:
            _record_owners(dependency, [instance], using)


def on_m2m_changed(
    sender: Any,
    instance: models.Model,
    action: str,
    model: type[models.Model],
    pk_set: set[Any] | None,
    using: str = "default",
    **kwargs: Any,
) -> None:
    if action not in ("post_add", "post_remove", "pre_clear") or not _active():
        return
    for dependency in _m2m_plans.get(sender, ()):
        if isinstance(instance, dependency.owner):
            owners = [instance.pk]
        elif action == "pre_clear":
            owners = dependency.owners([instance], using)
        else:
            owners = list(pk_set or ())
        outbox.record(dependency.entity, owners, using=using, prefix=dependency.id_prefix)


# -- connecting --------------------------------------------------------------------------------
def _senders(model: type[models.Model]) -> list[type[models.Model]]:
    """``model`` and its proxies: a proxy's save is sent with the proxy as sender."""
    return [m for m in apps.get_models() if m._meta.concrete_model is model]


def connect() -> None:
    """(Re)connect the receivers for the current ``CLERK["SERIALIZERS"]``."""
    global _enabled
    _enabled = True
    disconnect()
    try:
        plans, m2m_plans = build_plans()
    except Exception as exc:  # a broken CLERK setting: the system checks report it
        logger.error("Real-time sync is not connected: %s", exc)
        return
    _plans.clear()
    _m2m_plans.clear()
    for model, plan in plans.items():
        for sender in _senders(model):
            _plans[sender] = plan
            _connect(post_save, on_save, sender)
            if plan.entities:
                _connect(post_delete, on_delete, sender)
            if plan.dependencies:
                _connect(pre_delete, on_related_delete, sender)
    for through, dependencies in m2m_plans.items():
        _m2m_plans[through] = dependencies
        _connect(m2m_changed, on_m2m_changed, through)
    _connect(post_save, outbox.realtime_stores.clear, Store)
    _connect(post_delete, outbox.realtime_stores.clear, Store)


def _connect(signal: Any, receiver: Any, sender: Any) -> None:
    uid = f"django_clerk.sync:{receiver.__name__}:{sender._meta.label}"
    signal.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
    _connected.append((signal, sender, uid))


def disconnect() -> None:
    while _connected:
        signal, sender, uid = _connected.pop()
        signal.disconnect(sender=sender, dispatch_uid=uid)
    _plans.clear()
    _m2m_plans.clear()


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CLERK":
        outbox.realtime_stores.clear()
        if _enabled:
            connect()


setting_changed.connect(_on_setting_changed, dispatch_uid="django_clerk.sync.setting_changed")
