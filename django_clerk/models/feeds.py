"""What the feeds keep of the crawls Clerk's importer makes: one :class:`FeedCrawl` row per
crawl (a record for people), one :class:`FeedCursor` row per running crawl (its position)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_clerk.models.store import Store


class FeedCrawl(models.Model):
    """One crawl of one entity's feed for one store: from its first page to its last.

    A crawl starts with the first page (``page`` 1 or ``offset`` 0) and finishes with the
    first page that holds fewer items than asked for. While it runs, its counters are kept on
    its :class:`FeedCursor` and written here when it finishes (or when its cursor is cleaned
    up after idling), so a crawl costs two writes here, whatever its length.
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
    refused = models.BooleanField(
        _("refused by the wipe guard"),
        default=False,
        help_text=_(
            "The feed held far fewer items than the last complete crawl: its first page was "
            "answered 503 so that Clerk.io does not delete the missing objects. Items: what "
            "the feed held when last refused."
        ),
    )
    baseline = models.PositiveIntegerField(
        _("items of the last complete crawl"), null=True, blank=True
    )
    released_at = models.DateTimeField(
        _("released at"),
        null=True,
        blank=True,
        help_text=_("When the new size was accepted: the next crawl is served."),
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


class FeedCursor(models.Model):
    """Where one running crawl stands: the last primary key of the pages it was served.

    ``scope`` tells the crawl apart from any other (see
    :func:`~django_clerk.feeds.crawls.crawl_scope`); a cursor is only used while its store
    is as ``store_updated_at`` saw it (a changed store goes on by offset). The page at
    ``offset`` is read as the rows after ``after``; the page last served
    (``previous_offset``, read after ``previous_after``) can be asked again.
    Keys are kept as text and read back with the model's primary-key field; ``None`` means
    "by offset". For an entity with several sources the text also names the source
    (``"<source index>:<key>"``). The row is deleted when an empty page ends the crawl, a
    minute after a short page ended it (an importer need not ask for the empty page), or after
    ``CLERK["FEED_CURSOR_IDLE_SECONDS"]`` without a page.
    """

    scope = models.CharField(_("scope"), max_length=64, unique=True)
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="feed_cursors", verbose_name=_("store")
    )
    entity = models.CharField(_("entity"), max_length=20)
    crawl = models.ForeignKey(
        FeedCrawl,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cursors",
        verbose_name=_("crawl"),
    )
    offset = models.PositiveBigIntegerField(_("next offset"))
    after = models.TextField(_("last key"), null=True, blank=True)
    previous_offset = models.PositiveBigIntegerField(_("offset of the last page"))
    previous_after = models.TextField(_("key before the last page"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    items = models.PositiveIntegerField(_("items"), default=0)
    duration = models.FloatField(_("duration (s)"), default=0.0)
    finished = models.BooleanField(
        _("finished"), default=False, help_text=_("A short page was served: the crawl is over.")
    )
    store_updated_at = models.DateTimeField(
        _("store changed at"),
        null=True,
        blank=True,
        help_text=_("When the store was last changed, as the cursor's last page saw it."),
    )
    updated_at = models.DateTimeField(_("last page at"), db_index=True)

    class Meta:
        verbose_name = _("feed cursor")
        verbose_name_plural = _("feed cursors")

    def __str__(self) -> str:
        return f"{self.entity} cursor of {self.store_id} at {self.offset}"
