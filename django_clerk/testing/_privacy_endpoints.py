"""``privacy/forget`` of :class:`~django_clerk.testing.fake_api.FakeClerkAPI`.

The fake forgets a person as Clerk documents it, in the store of the call's key: the
customers with that e-mail are removed, and orders keep their products but lose the e-mail.
The call is recorded (without keys): ``fake.logged("privacy/forget")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_clerk.testing.fake_api import FakeClerkAPI

FORGET_PATH = "privacy/forget"


def forget(fake: FakeClerkAPI, path: str, params: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    email = params.get("email")
    if not isinstance(email, str) or "@" not in email:
        payload = {"status": "error", "type": "ParsingError", "message": "`email` is required"}
        return 400, payload
    wanted = email.strip().casefold()
    store = params["key"]
    held = fake._held(store)
    customers = held["customers"]
    for key in [k for k, c in customers.items() if _email(c) == wanted]:
        del customers[key]
    for order in held["orders"].values():
        if _email(order) == wanted:
            order.pop("email", None)
    fake._log(store, path, params)
    return 200, {"status": "ok"}


def _email(obj: Mapping[str, Any]) -> str:
    value = obj.get("email")
    return value.strip().casefold() if isinstance(value, str) else ""
