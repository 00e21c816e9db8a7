"""System checks of the tracking settings.

========================  ==============================================================
``django_clerk.E120``     ``CLERK["TRACKING"]`` is not a dict, names an unknown kind, or
                          gives a kind a mode it cannot have
``django_clerk.E121``     ``CLERK["RETURN_MODELS"]`` is malformed (a model or field is
                          unknown)
``django_clerk.W122``     ``"sales": "both"`` with ``SYNC_DELIVERY = "task"`` on a task
                          backend that cannot defer: a sale the browser did not log waits
                          for the next commit (run ``manage.py clerk_deliver`` from cron)
========================  ==============================================================
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from django_clerk.conf import clerk_settings
from django_clerk.sync.ops_checks import default_task_backend
from django_clerk.tracking.modes import DEFAULT_MODES, allowed_modes, from_browser, from_server
from django_clerk.tracking.returns import return_sources


@register("django_clerk")
def check_tracking(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not isinstance(getattr(settings, "CLERK", {}), dict):
        return []  # E001 says so already
    errors: list[CheckMessage] = []
    modes = clerk_settings.TRACKING
    if not isinstance(modes, dict):
        errors.append(
            Error(
                f"CLERK['TRACKING'] must be a dict of event kind to mode, not {modes!r}.",
                hint='e.g. {"sales": "both", "baskets": "server"}',
                id="django_clerk.E120",
            )
        )
        modes = {}
    for kind, mode in modes.items():
        if kind not in DEFAULT_MODES:
            errors.append(
                Error(
                    f"CLERK['TRACKING'] names an unknown kind of event {kind!r}.",
                    hint=f"Kinds: {', '.join(DEFAULT_MODES)}.",
                    id="django_clerk.E120",
                )
            )
        elif mode not in allowed_modes(kind):
            errors.append(
                Error(
                    f"CLERK['TRACKING'][{kind!r}] must be one of "
                    f"{', '.join(map(repr, allowed_modes(kind)))}, not {mode!r}.",
                    id="django_clerk.E120",
                )
            )
    try:
        return_sources()
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), id="django_clerk.E121"))
    if not errors:
        errors.extend(_check_sale_grace())
    return errors


def _check_sale_grace() -> list[CheckMessage]:
    """W122: a sale of ``"both"`` is due after the grace period, when no commit may come to
    deliver it; only a task backend that can defer delivers it then by itself."""
    if clerk_settings.SYNC_DELIVERY != "task" or not (
        from_browser("sales") and from_server("sales")
    ):
        return []
    backend = default_task_backend()
    if backend is None or backend.supports_defer:
        return []
    return [
        Warning(
            f"CLERK['TRACKING']['sales'] is 'both' and SYNC_DELIVERY is 'task', but the "
            f"default task backend ({type(backend).__name__}) cannot defer tasks: a sale the "
            "browser did not log is sent only after the next change the shop saves.",
            hint="Use a backend that supports run_after, or run `manage.py clerk_deliver` "
            "every minute (cron).",
            id="django_clerk.W122",
        )
    ]
