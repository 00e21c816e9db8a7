"""Clerk.io's privacy call, mixed into :class:`~django_clerk.client.api.ClerkClient`."""

from __future__ import annotations

from typing import Any


class PrivacyCalls:
    """``privacy/forget``: make Clerk forget a person (a data call: needs the private key)."""

    def _call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        private: bool = False,
        retries: int | None = None,
    ) -> dict[str, Any]:  # pragma: no cover - ClerkClient's own _call comes first in the MRO
        raise NotImplementedError

    def forget(self, email: str) -> dict[str, Any]:
        """``GET privacy/forget``: Clerk removes ``email`` from its customers and anonymises
        the person's orders and behaviour (the orders themselves are kept).

        :raises ValueError: ``email`` is empty.
        :raises ClerkError: Clerk refused or could not be reached.
        """
        email = (email or "").strip()
        if not email:
            raise ValueError("forget() needs an e-mail address")
        return self._call("GET", "privacy/forget", {"email": email}, private=True)
