"""What the fake Clerk API received, over HTTP, for tests and tools outside the process.

All JSON, none of it recorded as a call, private keys never shown:

* ``GET /_fake/stores``: every store, with how many objects of each entity it holds;
* ``GET /_fake/stores/<public key>/received``: the objects upserted and the ids deleted per
  entity, and the ``log/*`` calls (sales, clicks, baskets), in arrival order;
  ``?entity=products`` for one entity;
* ``GET /_fake/stores/<public key>/data``: the objects the store holds now, per entity;
* ``GET /_fake/calls``: the raw calls (method, path, store, query, body, status, time);
  ``?store=``, ``?path=``, ``?method=`` narrow them, ``?since=N`` skips the first N;
* ``POST /_fake/reset``: forget everything (as :meth:`FakeClerkAPI.reset`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from django_clerk import ENTITIES

if TYPE_CHECKING:
    from django_clerk.testing.fake_api import FakeClerkAPI

PREFIX = "/_fake/"
Result = tuple[int, dict[str, Any]]


def answer(fake: FakeClerkAPI, method: str, path: str, query: Mapping[str, Any]) -> Result:
    parts = [unquote(p) for p in path[len(PREFIX) :].strip("/").split("/")]
    if parts == ["reset"]:
        if method != "POST":
            return _error(405, "POST /_fake/reset forgets everything the fake holds")
        fake.reset()
        return 200, {"status": "ok"}
    if method != "GET":
        return _error(405, f"{method} is not supported on {path}")
    if parts == ["stores"]:
        return 200, {"status": "ok", "stores": [_summary(fake, k) for k in fake.store_keys()]}
    if parts == ["calls"]:
        return _calls(fake, query)
    if len(parts) == 3 and parts[0] == "stores" and parts[2] in ("received", "data"):
        store = parts[1]
        if store not in fake.store_keys():
            return _error(404, f"No store with the public key {store!r}")
        entity = query.get("entity")
        if entity is not None and entity not in ENTITIES:
            return _error(400, f"`entity` must be one of {', '.join(ENTITIES)}")
        entities = [entity] if entity else list(ENTITIES)
        if parts[2] == "data":
            held = fake.store_data(store)
            return 200, {
                "status": "ok",
                "store": store,
                "data": {e: list(held[e].values()) for e in entities},
            }
        return 200, _received(fake, store, entities)
    return _error(404, f"Unknown inspection path {path}; see /_fake/stores and /_fake/calls")


def _summary(fake: FakeClerkAPI, store: str) -> dict[str, Any]:
    held = fake.store_data(store)
    return {
        "public_key": store,
        "known": store in fake.stores,
        "counts": {e: len(held[e]) for e in ENTITIES},
        "received": f"{PREFIX}stores/{store}/received",
    }


def _received(fake: FakeClerkAPI, store: str, entities: list[str]) -> dict[str, Any]:
    return {
        "status": "ok",
        "store": store,
        "upserted": {e: fake.received(e, store) for e in entities},
        "deleted": {e: fake.deleted(e, store) for e in entities},
        "logged": {p: fake.logged(p, store) for p in fake.log_paths()},
    }


def _calls(fake: FakeClerkAPI, query: Mapping[str, Any]) -> Result:
    try:
        since = int(query.get("since", 0))
    except (TypeError, ValueError):
        return _error(400, "`since` must be an integer")
    store, path, method = query.get("store"), query.get("path"), query.get("method")
    calls = fake.requests[max(since, 0) :]
    chosen = [
        c.as_json()
        for c in calls
        if (store is None or c.store == store)
        and (path is None or c.path == str(path).strip("/"))
        and (method is None or c.method == str(method).upper())
    ]
    return 200, {"status": "ok", "total": len(fake.requests), "calls": chosen}


def _error(status: int, message: str) -> Result:
    return status, {"status": "error", "message": message}
