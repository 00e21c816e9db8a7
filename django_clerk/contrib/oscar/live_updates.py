"""Real-time updates Oscar's own writes need beyond the serializers' ``Meta.sync_related``.

- **Categories.** A category's payload shows its parent, its public children and its full
  slug; a product's shows its categories' ancestors. Oscar moves a category (treebeard's
  ``move()``) and publishes or hides a subtree with queryset updates that send no signal.
  So a category's save remembers where it was, and after the commit the category, its old
  and new parent, its subtree and, when its place in the tree changed, the products of its
  subtree are queued (Oscar's dashboard saves the category, then moves it, in one request).
  A category moved by code without a save: call :func:`queue_category_subtree` after it.
- **Orders.** ``order_placed`` queues the order once its lines exist.

Nothing is queued while ``CLERK["REALTIME_SYNC"]`` is off or the sync is paused.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from oscar.core.loading import get_class, get_model

from django_clerk.conf import clerk_settings
from django_clerk.sync import is_paused, queue_for_sync

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
order_placed = get_class("order.signals", "order_placed")

OLD_PATH = "_clerk_path_before_save"


def active() -> bool:
    return bool(clerk_settings.REALTIME_SYNC) and not is_paused()


def parent_path(path: str) -> str:
    return path[: -Category.steplen]


def queue_category_subtree(
    category: Any, *, old_path: str | None = None, products: bool = True, using: str = "default"
) -> int:
    """Queue ``category``, its subtree, its parent (and its parent before ``old_path``, a
    move) and, with ``products``, the products in its subtree (their categories' ancestors
    changed). Returns the number of pending changes recorded."""
    current = Category._base_manager.using(using).filter(pk=category.pk).first()
    if current is None:
        return 0
    paths = {parent_path(current.path)}
    if old_path:
        paths.add(parent_path(old_path))
    subtree = Category._base_manager.using(using).filter(path__startswith=current.path)
    touched = Category._base_manager.using(using).filter(path__in=[p for p in paths if p])
    count = queue_for_sync(subtree, using=using) + queue_for_sync(touched, using=using)
    if products:
        in_subtree = Product._base_manager.using(using).filter(
            categories__path__startswith=current.path
        )
        ids = in_subtree.values_list("parent_id", "pk").distinct()
        pks = {parent or pk for parent, pk in ids}
        if pks:
            owners = Product._base_manager.using(using).filter(pk__in=pks)
            count += queue_for_sync(owners, using=using)
    return count


def remember_path(
    sender: Any, instance: Any, raw: bool = False, using: str = "default", **kwargs: Any
) -> None:
    """The path the category has in the database it is saved to, before the save."""
    if raw or instance.pk is None or not active():
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk)
    instance.__dict__[OLD_PATH] = stored.values_list("path", flat=True).first()


def category_saved(
    sender: Any, instance: Any, raw: bool = False, using: str = "default", **kwargs: Any
) -> None:
    if raw or not active():
        return
    old_path = instance.__dict__.pop(OLD_PATH, None)

    def after_commit() -> None:
        now = Category._base_manager.using(using).filter(pk=instance.pk)
        path = now.values_list("path", flat=True).first()
        moved = old_path is not None and path != old_path
        queue_category_subtree(instance, old_path=old_path, products=moved, using=using)

    transaction.on_commit(after_commit, using=using)


def category_deleted(sender: Any, instance: Any, using: str = "default", **kwargs: Any) -> None:
    """The parent loses a subcategory."""
    if not active():
        return
    parent = parent_path(instance.path)
    if parent:
        queue_for_sync(Category._base_manager.using(using).filter(path=parent), using=using)


def order_was_placed(sender: Any, order: Any, **kwargs: Any) -> None:
    if active():
        queue_for_sync([order])


def connect() -> None:
    uid = "django_clerk.contrib.oscar.live_updates"
    pre_save.connect(remember_path, sender=Category, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(category_saved, sender=Category, dispatch_uid=f"{uid}.post_save")
    post_delete.connect(category_deleted, sender=Category, dispatch_uid=f"{uid}.post_delete")
    order_placed.connect(order_was_placed, dispatch_uid=f"{uid}.order_placed")
