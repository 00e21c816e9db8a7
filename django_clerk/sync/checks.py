"""System checks of the real-time sync.

========================  ==============================================================
``django_clerk.E030``     ``CLERK["SYNC_DELIVERY"]`` is not "thread", "task" or "manual"
``django_clerk.E031``     ``SYNC_DELIVERY = "task"`` but no Tasks framework is installed
``django_clerk.E032``     a serializer's ``Meta.sync_related`` is not a list of relation lookups
``django_clerk.E033``     a sync duration setting is not a positive number
``django_clerk.W030``     ``SYNC_DELIVERY = "task"`` with a backend that runs tasks in the
                          saving request (the default ImmediateBackend)
``django_clerk.W031``     changes Clerk refused are kept failed (count per store and entity):
                          fix the data, then "retry" them in the admin or
                          ``clerk_deliver --retry-failed``
``django_clerk.W032``     changes wait because Clerk refuses a store's keys
                          (``AuthenticationError``): fix the keys; they are then delivered
========================  ==============================================================

W031 and W032 read the outbox when the databases are named (``manage.py check --database
default``, ``migrate``); before ``migrate`` they say nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count

from django_clerk import ENTITIES
from django_clerk.conf import clerk_settings
from django_clerk.mapping import get_serializers
from django_clerk.models import PendingChange
from django_clerk.sync.dispatch import DELIVERY_MODES
from django_clerk.sync.signals import concrete_model, dependencies

DURATIONS = (
    "SYNC_TIMEOUT",
    "SYNC_RETRY_BACKOFF",
    "SYNC_RETRY_MAX_BACKOFF",
    "SYNC_LEASE_SECONDS",
    "SYNC_BREAKER_THRESHOLD",
    "SYNC_BREAKER_COOLDOWN",
)
INLINE_BACKENDS = ("ImmediateBackend",)


@register("django_clerk")
def check_sync(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # E001
    messages: list[CheckMessage] = []
    mode = clerk_settings.SYNC_DELIVERY
    if mode not in DELIVERY_MODES:
        messages.append(
            Error(
                f"CLERK['SYNC_DELIVERY'] must be one of {', '.join(DELIVERY_MODES)}, not {mode!r}.",
                id="django_clerk.E030",
            )
        )
    elif mode == "task":
        messages.extend(_check_task_backend())
    for name in DURATIONS:
        value = getattr(clerk_settings, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            messages.append(
                Error(
                    f"CLERK[{name!r}] must be a positive number, not {value!r}.",
                    id="django_clerk.E033",
                )
            )
    messages.extend(_check_sync_related())
    return messages


def _check_task_backend() -> list[CheckMessage]:
    try:
        try:
            from django.tasks import task_backends
        except ImportError:
            # The backport has the same API; the stubs describe django.tasks.
            from django_tasks import task_backends  # type: ignore[assignment]
    except ImportError:
        return [
            Error(
                "CLERK['SYNC_DELIVERY'] is 'task' but neither django.tasks nor the "
                "django_tasks backport is installed.",
                hint="pip install django-tasks, or use 'thread'.",
                id="django_clerk.E031",
            )
        ]
    try:
        backend = type(task_backends["default"]).__name__
    except Exception:  # an invalid TASKS setting is the Tasks framework's own check
        return []
    if backend in INLINE_BACKENDS:
        return [
            Warning(
                f"CLERK['SYNC_DELIVERY'] is 'task' but the default task backend ({backend}) "
                "runs tasks at once, in the saving request: saves wait for Clerk.",
                hint="Configure a worker backend in TASKS, or use 'thread'.",
                id="django_clerk.W030",
            )
        ]
    return []


def _check_sync_related() -> list[CheckMessage]:
    """E032 for each serializer whose relations cannot be followed; serializers that cannot
    be imported or have no model are the mapping checks' business (E004-E006)."""
    errors: list[CheckMessage] = []
    for entity in ENTITIES:
        try:
            serializers = get_serializers(entity)
        except Exception:
            continue
        for serializer in serializers:
            try:
                model = concrete_model(serializer.Meta.model)
            except Exception:
                continue
            try:
                list(dependencies(entity, serializer, model))
            except ImproperlyConfigured as exc:
                errors.append(Error(str(exc), obj=serializer, id="django_clerk.E032"))
    return errors


AUTHENTICATION_PREFIX = "[AuthenticationError]"
"""How the reason of a change held by refused keys starts (``str()`` of the client's error)."""


@register(Tags.database)
def check_outbox(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """W031 for failed changes, W032 for changes held by a store's refused keys.

    A check of the database's state: it runs when the databases are named (``manage.py
    check --database default``, ``migrate``), as Django's own database checks, so other
    commands never query for it."""
    failed: list[tuple[Any, ...]] = []
    held: list[tuple[Any, ...]] = []
    for alias in databases or ():
        try:
            failed += (
                PendingChange.objects.using(alias)
                .filter(state=PendingChange.State.FAILED)
                .values_list("store__code", "entity")
                .annotate(count=Count("pk"))
                .order_by("store__code", "entity")
            )
            held += (
                PendingChange.objects.using(alias)
                .filter(
                    state=PendingChange.State.PENDING,
                    last_error__startswith=AUTHENTICATION_PREFIX,
                )
                .values_list("store__code")
                .annotate(count=Count("pk"))
                .order_by("store__code")
            )
        except Exception:  # no table yet (before migrate), no access
            continue
    messages: list[CheckMessage] = []
    if failed:
        counts = ", ".join(f"{code or '?'}/{entity}: {count}" for code, entity, count in failed)
        messages.append(
            Warning(
                f"Clerk.io refused {sum(c for *_, c in failed)} change(s), kept as failed "
                f"({counts}).",
                hint="See the reasons in the admin (pending Clerk changes, state: failed); "
                "fix the data, then use the 'retry' action or manage.py clerk_deliver "
                "--retry-failed.",
                id="django_clerk.W031",
            )
        )
    if held:
        stores = ", ".join(f"{code or '?'}: {count}" for code, count in held)
        messages.append(
            Warning(
                f"Clerk.io refuses the keys of a store: changes wait until they are fixed "
                f"({stores}).",
                hint="Check the store's public and private keys (admin or CLERK['STORES']); "
                "the waiting changes are delivered once Clerk accepts them.",
                id="django_clerk.W032",
            )
        )
    return messages
