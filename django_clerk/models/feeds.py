"""A record of each crawl Clerk's importer made of a feed: one row per crawl, not per request."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_clerk.models.store import Store


class FeedCrawl(models.Model):
    """One crawl of one entity's feed for one store: from its first page to its last.

    A crawl starts with the first page (``page`` 1 or ``offset`` 0) and finishes with the
    first page that holds fewer items than asked for. Counters are kept in the cache while the
    crawl runs and written when it finishes, so a crawl costs two writes, whatever its length.
    """

    class Protocol(models.TextChoices):
        LEGACY = "legacy", _("legacy endpoints")
        V2 = "v2", _("JSON Feed V2")

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="feed_crawls", verbose_name=_("store")
    )
    entity = models.CharField(_("entity"), max_length=20)
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    incremental = models.BooleanField(
        _("incremental"), default=False, help_text=_("Asked only for recently modified objects.")
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    items = models.PositiveIntegerField(_("items"), default=0)
    duration = models.FloatField(
        _("duration (s)"), default=0.0, help_text=_("Time spent serving the pages, in seconds.")
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("feed crawl")
        verbose_name_plural = _("feed crawls")

    def __str__(self) -> str:
        return f"{self.entity} crawl of {self.store_id} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
