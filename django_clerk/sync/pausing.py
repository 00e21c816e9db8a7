"""Pausing the real-time sync for a block of code or a function: :class:`sync_paused`.

The receivers of :mod:`~django_clerk.sync.signals` ask :func:`is_paused` before recording a
change.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

_paused: ContextVar[bool] = ContextVar("django_clerk_sync_paused", default=False)


def is_paused() -> bool:
    """Whether the current thread or asyncio task is inside :func:`sync_paused`."""
    return _paused.get()


class sync_paused:  # lower case: used like a function, ``with sync_paused():``
    """Record no pending change for saves and deletes made inside the block or function.

    A context manager and a decorator (of plain and ``async`` functions). The pause lives in a
    :class:`~contextvars.ContextVar`, so it covers only the thread or asyncio task that entered
    it (and tasks it starts): other requests keep syncing. Changes made while paused are not
    queued at all; push them afterwards with :func:`queue_for_sync` or ``clerk_sync``.
    """

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> None:
        self._tokens.append(_paused.set(True))

    def __exit__(self, *exc_info: object) -> None:
        _paused.reset(self._tokens.pop())

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with sync_paused():
                    return await func(*args, **kwargs)

            return cast(F, async_wrapper)  # same signature, as functools.wraps keeps it

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with sync_paused():
                return func(*args, **kwargs)

        return cast(F, wrapper)
