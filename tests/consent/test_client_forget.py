"""``ClerkClient.forget``: Clerk's privacy/forget, a data call with the private key."""

from __future__ import annotations

import pytest

from django_clerk.client import ClerkAuthenticationError, ClerkClient
from django_clerk.testing import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY


def test_forget_sends_the_email_with_both_keys(clerk_api):
    with ClerkClient(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY) as client:
        assert client.forget(" ann@example.com ") == {"status": "ok"}
    (call,) = clerk_api.calls("GET", "privacy/forget")
    assert call.query == {
        "key": DEFAULT_PUBLIC_KEY,
        "private_key": DEFAULT_PRIVATE_KEY,
        "email": "ann@example.com",
    }
    assert clerk_api.logged("privacy/forget") == [{"email": "ann@example.com"}]


def test_forget_needs_the_private_key_and_an_address(clerk_api):
    with pytest.raises(ClerkAuthenticationError):
        ClerkClient(DEFAULT_PUBLIC_KEY).forget("ann@example.com")
    with pytest.raises(ValueError):
        ClerkClient(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY).forget("  ")
    with pytest.raises(ClerkAuthenticationError):
        ClerkClient(DEFAULT_PUBLIC_KEY, "wrong-private-key", retries=0).forget("a@example.com")
    assert clerk_api.logged("privacy/forget") == []
