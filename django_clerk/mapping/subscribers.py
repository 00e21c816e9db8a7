"""Fields of a customer's consent: the signed unsubscribe link Clerk puts in its e-mails.

``unsub_url = mapping.UnsubscribeURLField()`` on any customer serializer reads the e-mail
column (``email="email"``, across foreign keys too: ``email="user.email"``), so the
serializer stays on rows; rows and instances give the same link.
"""

from __future__ import annotations

from typing import Any

from django_clerk.consent.links import unsubscribe_url
from django_clerk.mapping.fields import ClerkField


class UnsubscribeURLField(ClerkField):
    """``unsub_url``: an absolute, signed link that unsubscribes the customer's e-mail once
    (see ``CLERK["UNSUBSCRIBE_LINK_DAYS"]``); left out when the e-mail is empty."""

    clean_output = True

    def __init__(self, email: str = "email", **kwargs: Any) -> None:
        kwargs.setdefault("source", email)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        if not isinstance(value, str) or "@" not in value:
            return None
        return unsubscribe_url(value, self.store)
