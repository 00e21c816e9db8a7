"""Newsletter consent kept in the shop's own models, changed by e-mail address.

``CLERK["SUBSCRIPTION_MODELS"]`` names the models that hold a person's consent and which of
their fields hold the e-mail and the consent flag::

    CLERK = {
        "SUBSCRIPTION_MODELS": {
            "shop.Customer": {"email": "email", "subscribed": "subscribed"},
            "shop.NewsletterSubscriber": {},  # the defaults: "email" and "subscribed"
        }
    }

:func:`set_subscription` changes the flag on every row holding the address and saves each
row, so the real-time sync records it (in the same transaction) when the model is a source
of the ``customers`` entity, and Clerk receives the customer with its new ``subscribed``
value after the commit (retried until Clerk takes it). ``CLERK["SUBSCRIPTION_HOOK"]`` (a
dotted path to ``(email, subscribed) -> None``) is called too, for consent kept elsewhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, router, transaction

from django_clerk.conf import clerk_settings, named_callable
from django_clerk.consent.links import token_hash, unsubscribe_token
from django_clerk.models import UsedUnsubscribeLink
from django_clerk.models.consent import normalize_email

logger = logging.getLogger("django_clerk.consent")

DEFAULT_FIELDS = {"email": "email", "subscribed": "subscribed"}


@dataclass(frozen=True)
class SubscriptionSource:
    """A model holding consent: its e-mail field and its boolean consent field."""

    model: type[models.Model]
    email_field: str
    subscribed_field: str

    def holding(self, email: str) -> models.QuerySet[Any]:
        lookup = {f"{self.email_field}__iexact": normalize_email(email)}
        return self.model._default_manager.filter(**lookup)


def subscription_sources() -> list[SubscriptionSource]:
    """The models of ``CLERK["SUBSCRIPTION_MODELS"]``.

    :raises ImproperlyConfigured: the setting is malformed (check ``django_clerk.E101``).
    """
    configured = clerk_settings.SUBSCRIPTION_MODELS
    if configured is None:
        configured = {}
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("CLERK['SUBSCRIPTION_MODELS'] must be a dict")
    sources = []
    for label, options in configured.items():
        if not isinstance(options, dict) or set(options) - set(DEFAULT_FIELDS):
            raise ImproperlyConfigured(
                f"CLERK['SUBSCRIPTION_MODELS'][{label!r}] must be a dict with the keys "
                "'email' and 'subscribed' (both optional)"
            )
        fields = {**DEFAULT_FIELDS, **options}
        try:
            model = apps.get_model(label)
            for name in fields.values():
                model._meta.get_field(name)
        except (LookupError, ValueError, TypeError, FieldDoesNotExist) as exc:
            raise ImproperlyConfigured(f"CLERK['SUBSCRIPTION_MODELS'][{label!r}]: {exc}") from exc
        sources.append(SubscriptionSource(model, fields["email"], fields["subscribed"]))
    return sources


def set_subscription(email: str, subscribed: bool) -> int:
    """Set the consent of ``email`` on every row holding it, in one transaction; returns how
    many rows hold the address (rows already in that state are not saved again)."""
    email = normalize_email(email)
    if not email:
        return 0
    matched = 0
    for source in subscription_sources():
        using = router.db_for_write(source.model)
        with transaction.atomic(using=using):
            for instance in source.holding(email).using(using).select_for_update():
                matched += 1
                if getattr(instance, source.subscribed_field) == subscribed:
                    continue
                setattr(instance, source.subscribed_field, subscribed)
                instance.save(update_fields=[source.subscribed_field, *_auto_now(source.model)])
    if subscribed:  # the day's unsubscribe link, if it was used, works again
        digest = token_hash(unsubscribe_token(email))
        UsedUnsubscribeLink.objects.filter(token_hash=digest).delete()
    function = named_callable(clerk_settings.SUBSCRIPTION_HOOK)
    if function is not None:  # after the commit: never holding the rows' locks, never undone
        transaction.on_commit(lambda: _call_hook(function, email, subscribed))
    return matched


def subscribe(email: str) -> int:
    """``set_subscription(email, True)``."""
    return set_subscription(email, True)


def unsubscribe(email: str) -> int:
    """``set_subscription(email, False)``."""
    return set_subscription(email, False)


def _auto_now(model: type[models.Model]) -> list[str]:
    """Fields a save refreshes (``auto_now``): a modified-since sync must see the change."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) is True
    ]


def _call_hook(function: Any, email: str, subscribed: bool) -> None:
    try:
        function(email, subscribed)
    except Exception:  # the change is committed; the shop's service must not undo it
        logger.exception("CLERK['SUBSCRIPTION_HOOK'] failed")
