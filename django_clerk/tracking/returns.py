"""Returns and refunds kept in the shop's own model, sent to Clerk as ``log/returned``.

``CLERK["RETURN_MODELS"]`` names the models whose new rows are returns, and which of their
fields hold the order, the product and the quantity (each a field or attribute: a foreign
key gives the object, sent as its Clerk id; ``"order_id"`` gives the key)::

    CLERK = {
        "RETURN_MODELS": {
            "shop.Refund": {"order": "order", "product": "product", "quantity": "quantity"},
        }
    }

A ``post_save`` receiver records one event per new row (its key names the event, so saving
the row again sends nothing more), in the transaction that saved it. Rows loaded from
fixtures (``loaddata``) are not returns; ``bulk_create`` sends no ``post_save``, so returns
created that way are not sent (call :func:`~django_clerk.tracking.track_return` for them).
A return that cannot be recorded (a quantity that is no number...) is logged and not sent:
the shop's save goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models, router, transaction
from django.db.models.signals import post_save

from django_clerk.conf import clerk_settings
from django_clerk.models import PendingChange
from django_clerk.tracking.api import track_return

logger = logging.getLogger("django_clerk.tracking")
DEFAULT_FIELDS = {"order": "order", "product": "product", "quantity": "quantity"}


@dataclass(frozen=True)
class ReturnSource:
    """A model whose new rows are returns, and its order, product and quantity fields."""

    model: type[models.Model]
    fields: dict[str, str]

    def receive(
        self, sender: Any, instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
    ) -> None:
        if raw or not created:  # fixtures loaded, or a return saved again: nothing new
            return
        try:
            values = {role: getattr(instance, name, None) for role, name in self.fields.items()}
            if values["order"] is None or values["product"] is None:
                logger.warning("%s %s names no order or product: not sent", sender, instance.pk)
                return
            key = f"{self.model._meta.label_lower}:{instance.pk}"
            # A savepoint: a failed insert leaves the shop's transaction usable.
            with transaction.atomic(using=router.db_for_write(PendingChange)):
                track_return(values["order"], values["product"], values["quantity"] or 0, key=key)
        except Exception:  # the shop's save goes on; the return is not sent
            logger.exception(
                "The return %s %s could not be recorded for Clerk.io", sender, instance.pk
            )


def return_sources() -> list[ReturnSource]:
    """The models of ``CLERK["RETURN_MODELS"]``.

    :raises ImproperlyConfigured: the setting is malformed (check ``django_clerk.E121``).
    """
    configured = clerk_settings.RETURN_MODELS or {}
    if not isinstance(configured, dict):
        raise ImproperlyConfigured("CLERK['RETURN_MODELS'] must be a dict of model to fields.")
    sources = []
    for label, given in configured.items():
        if not isinstance(given, dict) or not all(
            role in DEFAULT_FIELDS and isinstance(name, str) for role, name in given.items()
        ):
            raise ImproperlyConfigured(
                f"CLERK['RETURN_MODELS'][{label!r}] must map order, product and quantity "
                "to field names."
            )
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise ImproperlyConfigured(f"CLERK['RETURN_MODELS'] names {label!r}: {exc}") from exc
        fields = {**DEFAULT_FIELDS, **given}
        for name in fields.values():
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                if not hasattr(model, name):
                    raise ImproperlyConfigured(
                        f"CLERK['RETURN_MODELS'][{label!r}]: {model.__name__} has no {name!r}."
                    ) from None
        sources.append(ReturnSource(model, fields))
    return sources


_connected: list[ReturnSource] = []


def connect() -> None:
    """Connect a ``post_save`` receiver to each return model (again after a settings
    change: the old receivers are disconnected)."""
    for source in _connected:
        post_save.disconnect(sender=source.model, dispatch_uid=_uid(source))
    _connected.clear()
    try:
        sources = return_sources()
    except ImproperlyConfigured:  # check E121 says so
        return
    for source in sources:
        post_save.connect(source.receive, sender=source.model, dispatch_uid=_uid(source))
        _connected.append(source)


def _uid(source: ReturnSource) -> str:
    return f"django_clerk.tracking.returns:{source.model._meta.label_lower}"


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "CLERK":
        connect()


setting_changed.connect(_on_setting_changed, dispatch_uid="django_clerk.tracking.returns")
