"""The right to be forgotten: :func:`forget_customer` and the opt-in user-deletion receiver.

``forget_customer(email)``:

1. purges the person's pending changes from the outbox: every customer and order whose
   serializer's ``email`` field reads a column holding the address (each source of the
   ``customers`` and ``orders`` entities), and the rows of ``CLERK["SUBSCRIPTION_MODELS"]``;
2. asks Clerk's ``privacy/forget`` of every active store with a private key to forget the
   address (Clerk removes the customer and the e-mail of orders and behaviour; the orders'
   products stay);
3. leaves an audit row, :class:`~django_clerk.models.ForgottenCustomer`, holding a keyed hash
   of the address, the time and the stores, never the address.

The shop's own rows are the shop's to delete or anonymise (a customer deleted afterwards
is deleted from Clerk by the real-time sync): while they remain, feeds and syncs would send
the person again. With ``CLERK["FORGET_ON_USER_DELETE"] = True`` deleting a user (the
``AUTH_USER_MODEL``) queues forgetting their e-mail (:func:`queue_forget`): the request
never waits for Clerk, and the outbox asks it after the commit until it confirms. A store
that :func:`forget_customer` cannot reach for a transient reason is queued the same way.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.db.models.signals import post_delete

from django_clerk.client import ClerkClient, ClerkError
from django_clerk.client.errors import Failure, classify
from django_clerk.conf import clerk_settings
from django_clerk.consent.subscriptions import subscription_sources
from django_clerk.mapping.registry import declared_prefix, get_serializers
from django_clerk.models import ForgottenCustomer, PendingChange, Store, email_hash
from django_clerk.models.sync import FORGET
from django_clerk.sync import outbox

logger = logging.getLogger("django_clerk.privacy")
PERSON_ENTITIES = ("customers", "orders")
RECEIVER_UID = "django_clerk.privacy.forget_deleted_user"


@dataclass
class ForgetResult:
    """What :func:`forget_customer` did."""

    forgotten: list[str] = field(default_factory=list)  # codes of stores Clerk confirmed
    failed: dict[str, str] = field(default_factory=dict)  # store code -> Clerk's error
    purged: int = 0  # pending changes removed from the outbox
    queued: int = 0  # stores that failed for a transient reason: asked again by the delivery
    record: ForgottenCustomer | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def forget_customer(email: str, *, stores: Iterable[Store] | None = None) -> ForgetResult:
    """Make Clerk and the outbox forget ``email`` (see the module's documentation).

    ``stores`` defaults to every active store with a private key. A store that fails is
    reported in ``result.failed``: run it again (it is idempotent).
    """
    email = (email or "").strip()  # as given: Clerk matches the address it holds
    if "@" not in email:
        raise ValueError("forget_customer() needs an e-mail address")
    result = ForgetResult(purged=purge_pending_changes(email))
    targets = list(Store.objects.active() if stores is None else stores)
    retry: list[int] = []
    for store in targets:
        if not store.credentials().private_key:
            continue
        client = ClerkClient.for_store(store, timeout=clerk_settings.SYNC_TIMEOUT)
        try:
            client.forget(email)
        except ClerkError as exc:
            result.failed[store.code] = str(exc)
            if classify(exc) is not Failure.REFUSED:
                retry.append(store.pk)
            logger.error("Clerk.io store %s could not forget a customer: %s", store.code, exc)
        else:
            result.forgotten.append(store.code)
        finally:
            client.close()
    if retry:  # never given up: the delivery asks again, with the usual backoff
        outbox.record(FORGET, [email], store_ids=retry)
        result.queued = len(retry)
    result.record = ForgottenCustomer.objects.create(
        email_hash=email_hash(email),
        stores=",".join(result.forgotten),
        failed_stores=",".join(result.failed),
        purged_changes=result.purged,
    )
    return result


def purge_pending_changes(email: str) -> int:
    """Remove from the outbox every pending change of the person's customers and orders."""
    purged = 0
    for entity, prefix, model, lookups in person_sources():
        keys: set[Any] = set()
        for lookup in lookups:
            keys.update(
                model._default_manager.filter(**{f"{lookup}__iexact": email}).values_list(
                    "pk", flat=True
                )
            )
        if keys:
            object_ids = [f"{prefix}{key}" for key in keys]
            deleted, _ = PendingChange.objects.filter(
                entity=entity, object_id__in=object_ids
            ).delete()
            purged += deleted
    return purged


def person_sources() -> list[tuple[str, str, type[Model], list[str]]]:
    """``(entity, id prefix, model, [e-mail lookups])`` of every source that holds e-mails."""
    consent_fields: dict[type[Model], str] = {}
    with contextlib.suppress(ImproperlyConfigured):  # check E101 reports it
        consent_fields = {s.model: s.email_field for s in subscription_sources()}
    found = []
    for entity in PERSON_ENTITIES:
        for serializer in get_serializers(entity):
            model = serializer.Meta.model
            lookups = []
            email_field = serializer(context={"store": None}).fields.get("email")
            attrs = list(getattr(email_field, "source_attrs", None) or [])
            if attrs:
                lookups.append("__".join(attrs))
            if model in consent_fields and consent_fields[model] not in lookups:
                lookups.append(consent_fields[model])
            if lookups:
                found.append((entity, declared_prefix(serializer) or "", model, lookups))
    return found


def queue_forget(email: str, *, using: str = "default") -> ForgottenCustomer:
    """Forget ``email`` without calling Clerk now: its pending changes are purged, every
    active store with a private key gets a change asking Clerk to forget the address (sent
    after the commit by whoever delivers, retried until Clerk confirms) and the audit row is
    written, all in the caller's transaction."""
    email = (email or "").strip()  # as given: Clerk matches the address it holds
    if "@" not in email:
        raise ValueError("queue_forget() needs an e-mail address")
    purged = purge_pending_changes(email)
    stores = [
        store for store in Store.objects.using(using).active() if store.credentials().private_key
    ]
    if stores:
        outbox.record(FORGET, [email], using=using, store_ids=[store.pk for store in stores])
    return ForgottenCustomer.objects.using(using).create(
        email_hash=email_hash(email),
        stores=",".join(store.code for store in stores),
        failed_stores="",
        purged_changes=purged,
    )


def forget_deleted_user(sender: Any, instance: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_delete`` of the user model: queue forgetting the user's e-mail, in the deleting
    transaction (no call to Clerk in the request; sent after the commit, never given up)."""
    if not clerk_settings.FORGET_ON_USER_DELETE:
        return
    email = getattr(instance, getattr(instance, "EMAIL_FIELD", "email"), "") or ""
    if "@" not in email:
        return
    queue_forget(email, using=using)


def connect_user_deletion() -> None:
    """Connect :func:`forget_deleted_user` to the user model (it checks the setting)."""
    post_delete.connect(
        forget_deleted_user, sender=get_user_model(), weak=False, dispatch_uid=RECEIVER_UID
    )
