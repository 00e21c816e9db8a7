"""Signed unsubscribe links: the e-mail and the time of signing, with an HMAC.

A token is ``django.core.signing.dumps(email, salt=SALT)``: tampering with any character
breaks the signature, and :func:`read_token` refuses a token older than
``CLERK["UNSUBSCRIBE_LINK_DAYS"]``. Each link works once (see
:mod:`django_clerk.views.unsubscribe`).
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core import signing
from django.urls import reverse

from django_clerk.absolute_urls import join_url
from django_clerk.conf import clerk_settings

SALT = "django_clerk.consent.unsubscribe"
URL_NAME = "django_clerk:unsubscribe-link"


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


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def unsubscribe_token(email: str) -> str:
    """The signed token of ``email`` (URL-safe; it carries the address, readable, and the
    signing time)."""
    return signing.dumps(normalize_email(email), salt=SALT)


def read_token(token: str) -> str:
    """The e-mail of a valid token.

    :raises ExpiredLink: signed more than ``UNSUBSCRIBE_LINK_DAYS`` ago.
    :raises ForgedLink: anything else that is not a token this site signed.
    """
    max_age = datetime.timedelta(days=float(clerk_settings.UNSUBSCRIBE_LINK_DAYS))
    try:
        email = signing.loads(token, salt=SALT, max_age=max_age)
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
