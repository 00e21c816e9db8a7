"""Signed unsubscribe links: the e-mail and the day of signing, with an HMAC.

A token is the e-mail signed by :class:`DailySigner` (Django's ``TimestampSigner`` with this
module's salt, the time rounded down to the day): tampering with any character breaks the
signature, :func:`read_token` refuses a token older than ``CLERK["UNSUBSCRIBE_LINK_DAYS"]``,
and one address has one link a day, so the feeds and the sync send Clerk the same
``unsub_url`` all day, from rows and from instances alike. Each link works once (see
:mod:`django_clerk.views.unsubscribe`); subscribing again makes the day's link work again.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from typing import Any

from django.core import signing
from django.urls import reverse

from django_clerk.absolute_urls import join_url
from django_clerk.conf import clerk_settings
from django_clerk.models.consent import normalize_email

SALT = "django_clerk.consent.unsubscribe"
URL_NAME = "django_clerk:unsubscribe-link"
DAY = 86400


class LinkError(Exception):
    """A link that does nothing; ``status`` is the HTTP status its page answers."""

    status = 400
    title = "This unsubscribe link is not valid"


class ForgedLink(LinkError):
    pass


class ExpiredLink(LinkError):
    status = 410
    title = "This unsubscribe link has expired"


class UsedLink(LinkError):
    status = 410
    title = "This unsubscribe link was already used"


class DailySigner(signing.TimestampSigner):
    """A ``TimestampSigner`` whose time is the start of the (UTC) day."""

    def __init__(self) -> None:
        super().__init__(salt=SALT)

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) // DAY * DAY)


def unsubscribe_token(email: str) -> str:
    """The signed token of ``email`` (URL-safe; it carries the address, readable, and the
    day of signing)."""
    return DailySigner().sign_object(normalize_email(email))


def read_token(token: str) -> str:
    """The e-mail of a valid token.

    :raises ExpiredLink: signed more than ``UNSUBSCRIBE_LINK_DAYS`` ago.
    :raises ForgedLink: anything else that is not a token this site signed.
    """
    max_age = datetime.timedelta(days=float(clerk_settings.UNSUBSCRIBE_LINK_DAYS))
    try:
        email = DailySigner().unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredLink() from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ForgedLink() from None
    if not isinstance(email, str) or "@" not in email:
        raise ForgedLink()
    return email


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_path(email: str) -> str:
    return reverse(URL_NAME, kwargs={"token": unsubscribe_token(email)})


def unsubscribe_url(email: str, store: Any = None) -> str:
    """The absolute unsubscribe link of ``email``, on ``store``'s base URL (else
    ``CLERK["BASE_URL"]``; a path when neither is set)."""
    base = store.get_base_url() if store is not None else clerk_settings.BASE_URL
    path = unsubscribe_path(email)
    return join_url(base, path) if base else path
