"""Verification of the importer's ``X-Clerk-Authorization: Bearer TOKEN`` with Clerk.

Anyone can send a feed request with a made-up token and a store's public key (it is on every
shop page), so what such a request may cost the shop is bounded:

* A token Clerk vouched for is trusted for ``CLERK["TOKEN_CACHE_SECONDS"]``; a token Clerk
  refused is refused without asking again for ``CLERK["TOKEN_REJECT_CACHE_SECONDS"]``. Both
  live in Django's cache under a hash of store key and token, so the cache never holds a
  usable token, and a refused token is never let through.
* At most ``CLERK["TOKEN_VERIFY_CONCURRENCY"]`` verify calls run at once in a process, and
  as many in all the processes of the host; a request beyond that answers 503 at once
  (``Retry-After``) instead of waiting for a slot.
* A verify call is one attempt of at most ``CLERK["TOKEN_VERIFY_TIMEOUT"]`` seconds, no retry.
* When Clerk cannot be reached, the feed answers 503 with ``Retry-After``, and for
  ``CLERK["TOKEN_VERIFY_COOLDOWN"]`` seconds further unknown tokens are answered 503 without
  calling Clerk, in every process of the host (tokens already verified keep working).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from django_clerk.client import ClerkClient, ClerkTransientError
from django_clerk.conf import clerk_settings
from django_clerk.feeds.errors import ClerkUnreachable

try:
    import fcntl
except ImportError:  # not on Windows: the cap is then per process only
    fcntl = None  # type: ignore[assignment]
#: Whether slots can be shared by the processes of the host (``flock``).
HAS_FLOCK: bool = fcntl is not None

logger = logging.getLogger("django_clerk.feeds")

ACCEPTED_PREFIX = "django_clerk:feed-token:"
REJECTED_PREFIX = "django_clerk:feed-token-rejected:"
UNREACHABLE_KEY = "django_clerk:feed-token-verify-unreachable"
UNREACHABLE_FILE = "unreachable-until"


class VerifyBusy(ClerkUnreachable):
    """Every verify slot (of the process or the host) is taken: 503 at once, try again soon."""

    default_detail = "Too many token verifications are in progress; try again later."
    default_code = "verify_busy"

    def __init__(self, wait: float) -> None:
        super().__init__()
        self.wait = max(1, math.ceil(wait))


class VerifyUnavailable(ClerkUnreachable):
    """Clerk could not be reached (now or moments ago): 503 with ``Retry-After``."""

    def __init__(self, wait: float) -> None:
        super().__init__()
        self.wait = max(1, math.ceil(wait))


class VerifySlots:
    """The cap on concurrent verify calls: ``TOKEN_VERIFY_CONCURRENCY`` per process, and as
    many for the whole host where file locks work (see :class:`HostSlots`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._size = 0
        self._semaphore = threading.BoundedSemaphore(1)
        self.host = HostSlots()

    def try_acquire(self) -> Callable[[], None] | None:
        """The function that frees the slot taken, or ``None`` when every slot is taken."""
        size = max(1, int(clerk_settings.TOKEN_VERIFY_CONCURRENCY))
        with self._lock:
            if size != self._size:  # the setting changed: calls in flight keep their old one
                self._semaphore, self._size = threading.BoundedSemaphore(size), size
            semaphore = self._semaphore
        if not semaphore.acquire(blocking=False):
            return None
        release_host = self.host.try_acquire(size)
        if release_host is None:
            semaphore.release()
            return None

        def release() -> None:
            release_host()
            semaphore.release()

        return release


class HostSlots:
    """Slots shared by every process of a host (gunicorn's sync workers serve one request
    each, so a per-process cap alone would not stop them all from waiting on Clerk).

    Slot ``i`` is an exclusive, non-blocking ``flock`` of file ``i`` in a private directory
    (``CLERK["TOKEN_VERIFY_LOCK_DIR"]``, by default one in the temporary directory named
    after the user, settings module and database); closing the file, or the process ending,
    frees it. Where that is impossible (no ``fcntl``, a directory not the user's own), only
    the per-process cap applies.
    """

    def directory(self) -> Path | None:
        configured = clerk_settings.TOKEN_VERIFY_LOCK_DIR
        if configured and isinstance(configured, (str, os.PathLike)):  # else E019
            path = Path(configured)
        else:
            database = str(settings.DATABASES.get("default", {}).get("NAME", ""))
            tag = hashlib.sha256(f"{settings.SETTINGS_MODULE}\0{database}".encode()).hexdigest()
            path = Path(tempfile.gettempdir()) / f"django-clerk-verify-{os.getuid()}-{tag[:16]}"
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = path.lstat()
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None
        return path

    def try_acquire(self, size: int) -> Callable[[], None] | None:
        if not HAS_FLOCK:
            return nothing
        directory = self.directory()
        if directory is None:
            return nothing
        for number in range(size):
            try:
                descriptor = os.open(directory / f"slot-{number}", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return nothing
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(descriptor)
                continue
            return functools.partial(os.close, descriptor)
        return None

    def unreachable_until(self) -> float:
        """The end of the host's cooldown (UNIX time), 0 when none was recorded."""
        directory = self.directory() if HAS_FLOCK else None
        if directory is None:
            return 0.0
        try:
            return float((directory / UNREACHABLE_FILE).read_text())
        except (OSError, ValueError):
            return 0.0

    def mark_unreachable(self, until: float) -> None:
        directory = self.directory() if HAS_FLOCK else None
        if directory is None:
            return
        scratch = directory / f"{UNREACHABLE_FILE}.{os.getpid()}.{threading.get_ident()}"
        try:
            scratch.write_text(repr(until))
            os.replace(scratch, directory / UNREACHABLE_FILE)  # readers never see half of it
        except OSError:
            logger.debug("The token-verify cooldown could not be shared with other processes")


def nothing() -> None:
    """The release of a slot that holds nothing."""


slots = VerifySlots()


def digest(public_key: str, token: str) -> str:
    return hashlib.sha256(f"{public_key}\0{token}".encode()).hexdigest()


def cache_key(public_key: str, token: str) -> str:
    """The cache key that marks ``token`` as verified for the store ``public_key``."""
    return ACCEPTED_PREFIX + digest(public_key, token)


def rejected_key(public_key: str, token: str) -> str:
    """The cache key that marks ``token`` as refused by Clerk for the store ``public_key``."""
    return REJECTED_PREFIX + digest(public_key, token)


def verify(public_key: str, token: str) -> bool:
    """Whether Clerk vouches for ``token`` as an importer of the store ``public_key``.

    :raises VerifyBusy: every verify slot of the process is taken (HTTP 503).
    :raises VerifyUnavailable: Clerk could not be asked, now or within the cooldown (503).
    """
    if not public_key or not token:
        return False
    name = digest(public_key, token)
    if cache.get(ACCEPTED_PREFIX + name):
        return True
    if cache.get(REJECTED_PREFIX + name):
        return False
    wait = cooldown_left()
    if wait > 0:
        raise VerifyUnavailable(wait)
    timeout = float(clerk_settings.TOKEN_VERIFY_TIMEOUT)
    release = slots.try_acquire()
    if release is None:
        raise VerifyBusy(timeout)
    try:
        valid = ask_clerk(public_key, token, timeout)
    finally:
        release()
    remember(name, valid)
    return valid


def ask_clerk(public_key: str, token: str, timeout: float) -> bool:
    """One verify call, no retry; :class:`VerifyUnavailable` when Clerk cannot be asked."""
    try:
        with ClerkClient(public_key, timeout=timeout, retries=0) as client:
            return client.verify_token(token)
    except ClerkTransientError as exc:
        logger.warning("Clerk.io could not verify a feed token: %s", type(exc).__name__)
        cooldown = float(clerk_settings.TOKEN_VERIFY_COOLDOWN)
        if cooldown > 0:
            start_cooldown(cooldown)
        raise VerifyUnavailable(cooldown or timeout) from None


def cooldown_left() -> float:
    """Seconds until Clerk is asked again after it could not be reached (0: ask now).

    Kept in Django's cache and in the host's slot directory, so every process of the host
    (and, with a shared cache, of every host) stops asking as soon as one found Clerk away.
    """
    until = max(cache.get(UNREACHABLE_KEY) or 0.0, slots.host.unreachable_until())
    return max(0.0, until - time.time())


def start_cooldown(seconds: float) -> None:
    until = time.time() + seconds
    cache.set(UNREACHABLE_KEY, until, math.ceil(seconds))
    slots.host.mark_unreachable(until)


def remember(name: str, valid: bool) -> None:
    """Cache Clerk's answer about the token whose digest is ``name``."""
    if valid:
        seconds = clerk_settings.TOKEN_CACHE_SECONDS
        if seconds:
            cache.set(ACCEPTED_PREFIX + name, True, seconds)
            cache.delete(REJECTED_PREFIX + name)
    else:
        seconds = clerk_settings.TOKEN_REJECT_CACHE_SECONDS
        if seconds:
            cache.set(REJECTED_PREFIX + name, True, seconds)
