"""The endpoints of :class:`~django_clerk.testing.fake_api.FakeClerkAPI`.

Each handler takes the fake (its lock held by the caller) and the merged request parameters
and returns ``(http_status, payload)``. Every store (public ``key``) has data of its own.
Recommendations and searches are answered from the store's data by the deterministic rules
of :mod:`django_clerk.testing.answers`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django_clerk import ENTITIES
from django_clerk.testing import answers
from django_clerk.testing._privacy_endpoints import FORGET_PATH, forget
from django_clerk.testing.answers import ParamError as _ParamError

if TYPE_CHECKING:
    from django_clerk.testing.fake_api import FakeClerkAPI
    from django_clerk.testing.faults import _Rule

Result = tuple[int, dict[str, Any]]

STATUS_FOR_TYPE = {
    "AuthenticationError": 403,
    "ParsingError": 400,
    "LogicalError": 400,
    "InternalError": 500,
}
OK: dict[str, Any] = {"status": "ok"}
LOG_PATHS = (
    "log/sale",
    "log/click",
    "log/basket/set",
    "log/product",
    "log/returned",
    "log/debug",
)


@dataclass
class Answer:
    """What the fake sends back: a JSON payload, or text sent as an HTML page."""

    status: int
    payload: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)


def html(status: int) -> Answer:
    """The kind of page a load balancer answers when Clerk is in trouble."""
    phrase = {503: "Service Unavailable", 502: "Bad Gateway", 504: "Gateway Timeout"}.get(
        status, "Error"
    )
    return Answer(status, f"<html><body><h1>{status} {phrase}</h1></body></html>")


def fault_answer(rule: _Rule) -> Answer:
    """The answer of an injected ``fail``/``rate_limit``/``error`` rule."""
    if rule.kind == "fail":
        return html(rule.options["status"])
    if rule.kind == "rate_limit":
        retry_after = rule.options["retry_after"]
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return Answer(429, {"status": "error", "message": "Too many requests"}, headers)
    message = rule.options["message"] or f"Injected {rule.options['type'] or 'error'}"
    status, payload = error(rule.options["type"], message, rule.options["status"])
    return Answer(status, payload)


def error(type_: str | None, message: str, status: int | None = None) -> Result:
    """Clerk's error JSON; without ``type`` when ``type_`` is ``None``."""
    payload: dict[str, Any] = {"status": "error"}
    if type_ is not None:
        payload["type"] = type_
    payload.update(
        {
            "message": message,
            "moreInfo": "https://docs.clerk.io/reference",
            "id": uuid.uuid4().hex[:16],
        }
    )
    return status or STATUS_FOR_TYPE.get(type_ or "", 400), payload


def refusal(fake: FakeClerkAPI, method: str, path: str, params: Mapping[str, Any]) -> Result | None:
    """Clerk's ``ParsingError`` for an upsert that holds an object :meth:`FakeClerkAPI.refuse`
    was told to refuse (the whole call is refused, as Clerk does), else ``None``."""
    refused = fake._refused.get(path)
    if method != "POST" or not refused or not isinstance(params.get(path), list):
        return None
    for obj in params[path]:
        if isinstance(obj, dict) and str(obj.get("id")) in refused:
            type_, message = refused[str(obj.get("id"))]
            return error(type_, message or f"Refused {path[:-1]} {obj.get('id')}")
    return None


def dispatch(fake: FakeClerkAPI, method: str, path: str, params: dict[str, Any]) -> Result:
    try:
        if path == "token/verify":
            return _token_verify(fake, params)
        if path in ENTITIES:
            return refusal(fake, method, path, params) or _data(fake, method, path, params)
        handler = _READ_ONLY.get(path)
        if handler is None and path.startswith("recommendations/"):
            handler = _recommendations
        if handler is None:
            return error("LogicalError", f"Unknown endpoint: {path}", 404)
        private = path.startswith("client/") or path == FORGET_PATH
        problem = fake._check_keys(params, private=private)
        if problem:
            return error("AuthenticationError", problem)
        return handler(fake, path, params)
    except _ParamError as exc:
        return error("ParsingError", str(exc))


def _token_verify(fake: FakeClerkAPI, params: Mapping[str, Any]) -> Result:
    token, key = params.get("token"), params.get("key")
    if not isinstance(token, str) or not token or not isinstance(key, str) or not key:
        return error("ParsingError", "token/verify needs `token` and `key`")
    if fake.tokens.get(token) != key:
        return error("AuthenticationError", "Invalid token")
    return 200, dict(OK)


def _data(fake: FakeClerkAPI, method: str, entity: str, params: Mapping[str, Any]) -> Result:
    if method not in ("POST", "DELETE"):
        return error("LogicalError", f"{method} is not supported on {entity}", 405)
    problem = fake._check_keys(params, private=True)
    if problem:
        return error("AuthenticationError", problem)
    value = params.get(entity)
    if method == "DELETE":
        ids = value if isinstance(value, list) else [value]
        if value is None or not all(_is_id(i) for i in ids):
            raise _ParamError(f"`{entity}` must be a list of ids")
        fake._delete_ids(params["key"], entity, ids)
        return 200, dict(OK)
    if not isinstance(value, list) or not all(
        isinstance(o, dict) and _is_id(o.get("id")) for o in value
    ):
        raise _ParamError(f"`{entity}` must be a list of objects, each with an `id`")
    fake._store_objects(params["key"], entity, value)
    return 200, dict(OK)


def _account_info(fake: FakeClerkAPI, path: str, params: Mapping[str, Any]) -> Result:
    store = {
        "public_key": params["key"],
        "name": "Fake Clerk.io store",
        "language": "english",
        "products": len(fake._held(params["key"])["products"]),
    }
    return 200, {"status": "ok", "store": store}


def _content_list(fake: FakeClerkAPI, path: str, params: Mapping[str, Any]) -> Result:
    contents = [
        {"id": cid, "name": cid.replace("-", " ").capitalize(), "type": "html"}
        for cid in fake.content_ids
    ]
    return 200, {"status": "ok", "contents": contents}


def _log(fake: FakeClerkAPI, path: str, params: Mapping[str, Any]) -> Result:
    fake._log(params["key"], path, params)
    return 200, dict(OK)


def _recommendations(fake: FakeClerkAPI, path: str, params: Mapping[str, Any]) -> Result:
    store = params["key"]
    source = answers.Source(fake._catalogue(store), fake._held(store))
    return 200, answers.recommend(source, path[len("recommendations/") :], params)


def _search(fake: FakeClerkAPI, path: str, params: Mapping[str, Any]) -> Result:
    store = params["key"]
    source = answers.Source(fake._catalogue(store), fake._held(store))
    return 200, answers.search(source, path[len("search/") :], params)


def _campaign_customers(fake: FakeClerkAPI, path: str, params: Mapping[str, Any]) -> Result:
    held = fake._held(params["key"])["customers"]
    customers = sorted(held.values(), key=lambda c: answers.key(c.get("id")))
    return 200, answers.page(customers, params, default_limit=100)


_READ_ONLY: dict[str, Callable[[FakeClerkAPI, str, Mapping[str, Any]], Result]] = {
    "client/account/info": _account_info,
    "client/account/content/list": _content_list,
    "search/search": _search,
    "search/predictive": _search,
    "search/categories": _search,
    "search/pages": _search,
    "campaigns/customers": _campaign_customers,
    FORGET_PATH: forget,
    **dict.fromkeys(LOG_PATHS, _log),
}


def _is_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)
