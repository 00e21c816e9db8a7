"""The real-time sync's outbox (:class:`PendingChange`), the full sync's resume point
(:class:`SyncCheckpoint`) and the size of its last complete run (:class:`FullSyncRecord`)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_clerk import ENTITIES

ENTITY_CHOICES = [(entity, entity) for entity in ENTITIES]
#: A change of the outbox that is no object: asking Clerk to forget a person (the object id
#: is the e-mail address, kept only until Clerk confirms; see :mod:`django_clerk.privacy`).
FORGET = "forget"
#: Behaviour events sent to Clerk from the server (``log/sale``, ``log/basket/set``,
#: ``log/product``, ``log/returned``, ``log/click``) and remote log lines (``log/debug``): what
#: a row of these kinds sends is in its :attr:`PendingChange.payload`.
SALE = "sale"
BASKET = "basket"
PRODUCT_VIEW = "view"
RETURN = "return"
CLICK = "click"
LOG_LINE = "log"
#: A change recorded in bulk (``QuerySet.update()`` and friends): the row's payload names the
#: objects of one entity, expanded into one row per object by the next delivery.
BULK = "bulk"
OUTBOX_ENTITY_CHOICES = [
    *ENTITY_CHOICES,
    (FORGET, "forget a person"),
    (SALE, "sale"),
    (BASKET, "basket"),
    (PRODUCT_VIEW, "product view"),
    (RETURN, "return"),
    (CLICK, "click"),
    (LOG_LINE, "log line"),
    (BULK, "bulk change"),
]


class PendingChangeQuerySet(models.QuerySet["PendingChange"]):
    def due(self, now: datetime.datetime | None = None) -> PendingChangeQuerySet:
        """Pending, due now, and not claimed by a live delivery."""
        now = now or timezone.now()
        return self.filter(state=PendingChange.State.PENDING, due_at__lte=now).filter(
            models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now)
        )

    def next_ready(self) -> datetime.datetime | None:
        """When the first of these changes is ready for a delivery: when it is due, or when
        the claim of the delivery holding it runs out, whichever is later."""
        ready: datetime.datetime | None = (
            self.annotate(ready=Greatest("due_at", Coalesce("claimed_until", "due_at")))
            .order_by("ready")
            .values_list("ready", flat=True)
            .first()
        )
        return ready

    def retry_now(self) -> int:
        """Make these changes (failed ones included) due again at once, with fresh attempts;
        sales remembered as sent stay so."""
        return self.exclude(state=PendingChange.State.SENT).update(
            state=PendingChange.State.PENDING,
            attempts=0,
            due_at=timezone.now(),
            claimed_until=None,
            lease=None,
            last_error="",
        )


class PendingChange(models.Model):
    """One object of one entity that a store's Clerk index has not caught up with yet.

    There is at most one row per (store, entity, object id): a new change of an object that is
    already pending updates the row (see :mod:`django_clerk.sync.outbox`). The row holds no
    data: the object is serialized in its final state when it is delivered, and becomes a
    delete if it has left the store's feed by then. A row is removed only once Clerk answered
    ``{"status": "ok"}`` (a sale is kept as :attr:`State.SENT` for a while instead).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        FAILED = "failed", _("failed")
        #: A sale Clerk took (or Clerk.js logged): kept for ``TRACKING_SALE_MEMORY_DAYS`` so
        #: that recording it again sends nothing. No delivery, count or admin list shows it.
        SENT = "sent", _("sent")

    # No database constraint: the recording path may use a briefly cached store list, and a
    # store deleted meanwhile must not make the shop's own write fail. Rows of a store that no
    # longer exists are dropped at delivery.
    store = models.ForeignKey(
        "django_clerk.Store",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # the unique (store, entity, object id) index serves store lookups
        related_name="pending_changes",
        verbose_name=_("store"),
    )
    entity = models.CharField(_("entity"), max_length=20, choices=OUTBOX_ENTITY_CHOICES)
    #: The primary key as text (``str(pk)``: an int, a string, a UUID), up to 255 characters.
    object_id = models.CharField(_("object id"), max_length=255)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    #: Set while a delivery works on the row; after it the row is claimable again (a delivery
    #: that died mid-call loses nothing).
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    #: The claiming delivery's token. A new change of the object clears it, so the delivery
    #: that sent the older state leaves the row for the next one.
    lease = models.CharField(max_length=32, null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    #: What an event or a bulk change sends (``None`` for objects, read at delivery time).
    payload = models.JSONField(_("payload"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("first changed"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending Clerk change")
        verbose_name_plural = _("pending Clerk changes")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "entity", "object_id"], name="django_clerk_pending_unique"
            )
        ]
        # In the delivery's order (``due_at``, then ``pk``): a claim reads the first due rows
        # of the index, however many rows the outbox holds, and sorts nothing.
        indexes = [models.Index(fields=["state", "due_at", "id"], name="django_clerk_pending_next")]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id} → {self.store_id}"


class SyncCheckpoint(models.Model):
    """How far an interrupted ``clerk_sync`` of one store and entity got.

    ``last_pk`` is the last primary key Clerk accepted; a new run with the same ``since``
    continues after it. The row is deleted when the run completes.
    """

    store = models.ForeignKey(
        "django_clerk.Store",
        on_delete=models.CASCADE,
        related_name="sync_checkpoints",
        verbose_name=_("store"),
    )
    entity = models.CharField(_("entity"), max_length=20, choices=ENTITY_CHOICES)
    since = models.DateTimeField(_("changed since"), null=True, blank=True)
    last_pk = models.CharField(_("last primary key sent"), max_length=255)
    sent = models.PositiveIntegerField(_("objects sent"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Clerk sync checkpoint")
        verbose_name_plural = _("Clerk sync checkpoints")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "entity"], name="django_clerk_checkpoint_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity} of {self.store_id} after pk {self.last_pk}"


class FullSyncRecord(models.Model):
    """How many objects the last complete full ``clerk_sync`` (without ``--since``) of one
    store and entity held: what the next full sync is compared with (the wipe guard)."""

    store = models.ForeignKey(
        "django_clerk.Store",
        on_delete=models.CASCADE,
        related_name="full_sync_records",
        verbose_name=_("store"),
    )
    entity = models.CharField(_("entity"), max_length=20, choices=ENTITY_CHOICES)
    items = models.PositiveIntegerField(_("objects in the feed"))
    finished_at = models.DateTimeField(_("finished"), default=timezone.now)

    class Meta:
        verbose_name = _("Clerk full sync record")
        verbose_name_plural = _("Clerk full sync records")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "entity"], name="django_clerk_full_sync_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity} of {self.store_id}: {self.items}"
