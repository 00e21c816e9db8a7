"""System checks of the task delivery's retries and the status settings (E090-E099, W090-W099).

* ``django_clerk.E090``: ``STATUS_KEYS_CACHE_SECONDS`` or ``STATUS_STALE_SECONDS`` is not a
  number of seconds (0 or more; the stale age more than 0).
* ``django_clerk.W090``: ``SYNC_DELIVERY = "task"`` on a backend that cannot defer tasks:
  retries after a failure, and the takeover of a killed worker's batch, wait for the next
  commit that records a change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from django_clerk.conf import clerk_settings
from django_clerk.sync.checks import INLINE_BACKENDS

MINIMUMS = {"STATUS_KEYS_CACHE_SECONDS": 0.0, "STATUS_STALE_SECONDS": 1.0}


@register("django_clerk")
def check_status_and_retries(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # E001
    messages: list[CheckMessage] = []
    for name, minimum in MINIMUMS.items():
        value = getattr(clerk_settings, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            messages.append(
                Error(
                    f"CLERK[{name!r}] must be a number of seconds, at least {minimum:g}, "
                    f"not {value!r}.",
                    id="django_clerk.E090",
                )
            )
    if clerk_settings.SYNC_DELIVERY == "task":
        messages.extend(_check_defer())
    return messages


def default_task_backend() -> Any:
    """The default task backend, ``None`` without a Tasks framework or with a broken
    ``TASKS`` (other checks report those)."""
    try:
        try:
            from django.tasks import task_backends
        except ImportError:
            from django_tasks import task_backends  # type: ignore[assignment]
        return task_backends["default"]
    except Exception:
        return None


def _check_defer() -> list[CheckMessage]:
    backend = default_task_backend()
    if backend is None:
        return []
    if backend.supports_defer or type(backend).__name__ in INLINE_BACKENDS:  # W030's case
        return []
    return [
        Warning(
            f"CLERK['SYNC_DELIVERY'] is 'task' but the default task backend "
            f"({type(backend).__name__}) cannot defer tasks: retries after a failure wait "
            "for the next change the shop saves.",
            hint="Use a backend that supports run_after (django-tasks-db, django-tasks-rq).",
            id="django_clerk.W090",
        )
    ]
