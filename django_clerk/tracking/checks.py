"""System checks of the tracking settings.

========================  ==============================================================
``django_clerk.E120``     ``CLERK["TRACKING"]`` is not a dict, names an unknown kind, or
                          gives a kind a mode it cannot have
``django_clerk.E121``     ``CLERK["RETURN_MODELS"]`` is malformed (a model or field is
                          unknown)
========================  ==============================================================
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from django_clerk.conf import clerk_settings
from django_clerk.tracking.modes import DEFAULT_MODES, allowed_modes
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
    return errors
