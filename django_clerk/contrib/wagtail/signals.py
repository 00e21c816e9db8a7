"""Wagtail's page events as pending changes of the Wagtail page sources.

- ``page_published`` and ``page_unpublished``: the page (the delivery reads its final state:
  a page that left the feed is deleted from Clerk);
- ``post_page_move`` that changed the page's URL, and ``page_slug_changed``: the page and its
  live descendants, whose URLs changed with it;
- a deleted page: the real-time sync's own ``post_delete`` receiver of the source's model.

A page is recorded for each Wagtail source that :meth:`holds` it, and only for the stores
whose language is the page's locale (every store without Wagtail's internationalisation).
The receivers are connected by the app's ``ready()``; they do nothing while the sync is
paused, with ``REALTIME_SYNC`` off, or when no Wagtail source is mapped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from django_clerk.conf import clerk_settings
from django_clerk.contrib.wagtail.locales import ALL_LOCALES, store_content_language
from django_clerk.contrib.wagtail.sources import wagtail_sources
from django_clerk.mapping.registry import declared_prefix
from django_clerk.models import Store
from django_clerk.sync import is_paused
from django_clerk.sync.outbox import record

CHUNK_SIZE = 2000
"""Pages of a subtree recorded at a time."""


def queue_pages(
    pages: models.QuerySet[Any, Any] | Iterable[Any], store: Any = None, *, using: str | None = None
) -> int:
    """Queue Wagtail pages (a queryset of pages or page instances) for delivery to Clerk,
    for the stores of each page's locale, or for ``store`` alone. Works while the sync is
    paused: it is an explicit request. Returns the number of pending changes recorded."""
    sources = wagtail_sources()
    if not sources:
        return 0
    if isinstance(pages, models.QuerySet):
        using = using or pages.db
        rows: Iterable[tuple[Any, Any]] = pages.order_by("pk").values_list("pk", "locale_id")
        instances = None
    else:
        instances = list(pages)
        if not instances:
            return 0
        using = using or instances[0]._state.db or "default"
        rows = [(page.pk, page.locale_id) for page in instances]
    targets = _stores_by_locale(using, store)
    recorded = 0
    chunk: list[tuple[Any, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_SIZE:
            recorded += _record(sources, chunk, targets, instances, using)
            chunk = []
    if chunk:
        recorded += _record(sources, chunk, targets, instances, using)
    return recorded


def _stores_by_locale(using: str, store: Any) -> dict[Any, list[int]]:
    """``{locale id or ALL_LOCALES: [store id, ...]}``: the stores each locale's pages go to."""
    from wagtail.models import Locale

    if store is not None:
        return {ALL_LOCALES: [store.pk]}
    stores = [
        found
        for found in Store.objects.using(using).filter(is_active=True, realtime_updates=True)
        if found.syncs("pages")
    ]
    locales = dict(Locale.objects.using(using).values_list("language_code", "pk"))
    targets: dict[Any, list[int]] = {}
    for found in stores:
        language = store_content_language(found)
        key = ALL_LOCALES if language is ALL_LOCALES else locales.get(language)
        if key is not None or language is ALL_LOCALES:
            targets.setdefault(key, []).append(found.pk)
    return targets


def _record(
    sources: list[Any],
    rows: list[tuple[Any, Any]],
    targets: dict[Any, list[int]],
    instances: list[Any] | None,
    using: str,
) -> int:
    held = _held_keys(sources, rows, instances, using)
    recorded = 0
    for source in sources:
        prefix = declared_prefix(source) or ""
        keys = held[source]
        for locale, store_ids in targets.items():
            pks = [pk for pk, locale_id in rows if pk in keys
                   and (locale is ALL_LOCALES or locale_id == locale)]  # fmt: skip
            if pks:
                recorded += record("pages", pks, using=using, store_ids=store_ids, prefix=prefix)
    return recorded


def _held_keys(
    sources: list[Any], rows: list[tuple[Any, Any]], instances: list[Any] | None, using: str
) -> dict[Any, set[Any]]:
    """``{source: keys of the pages it holds}`` (each source's ``holds`` decides)."""
    if instances is None:
        from wagtail.models import Page

        pks = [pk for pk, _ in rows]
        instances = list(Page.objects.using(using).filter(pk__in=pks))
    return {source: {page.pk for page in instances if source.holds(page)} for source in sources}


# -- receivers ---------------------------------------------------------------------------------
def _active() -> bool:
    return bool(clerk_settings.REALTIME_SYNC) and not is_paused() and bool(wagtail_sources())


def on_page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``page_published`` and ``page_unpublished``: the page itself."""
    if _active():
        queue_pages([instance])


def on_moved(sender: Any, instance: Any, url_path_before: str = "", url_path_after: str = "",
             **kwargs: Any) -> None:  # fmt: skip
    """``post_page_move``: the page and its live descendants, when its URL changed."""
    if url_path_before != url_path_after and _active():
        queue_subtree(instance)


def on_slug_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``page_slug_changed``: the page and its live descendants."""
    if _active():
        queue_subtree(instance)


def queue_subtree(page: Any) -> int:
    """Queue ``page`` and its live descendants (their URLs follow its URL)."""
    from wagtail.models import Page

    subtree = Page.objects.descendant_of(page, inclusive=True).live()
    return queue_pages(subtree.using(page._state.db or "default"))


def connect() -> None:
    """Connect the receivers to Wagtail's signals (once; called by the app's ``ready()``)."""
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    for signal, receiver in (
        (page_published, on_page_changed),
        (page_unpublished, on_page_changed),
        (post_page_move, on_moved),
        (page_slug_changed, on_slug_changed),
    ):
        uid = f"django_clerk.contrib.wagtail:{receiver.__name__}"
        signal.connect(receiver, weak=False, dispatch_uid=uid)
