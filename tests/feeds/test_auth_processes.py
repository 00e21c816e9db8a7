"""Key and store changes under 4 gunicorn worker processes: a rotated key, and a deactivated
store, are refused on the very next request, whichever worker serves it.

Several threads read the product feed with the old and the new private key while the key is
rotated through ``rotatekey`` (served by one of the workers), or while the test process
deactivates the store. Only requests sent after the change returned are judged.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command

from django_clerk.models import Store
from tests.processes import gunicorn

PUBLIC, OLD, NEW = "proc-public", "proc-old-private", "proc-new-private"
THREADS = 6
BEFORE_SECONDS = 1.0
AFTER_SECONDS = 1.5  # at least; longer on a loaded machine, until enough requests are judged
AFTER_LIMIT_SECONDS = 30.0
AFTER_REQUESTS = 40  # with each key

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Sent:
    """One feed request: which key it carried, when it left and its answer."""

    key: str
    started: float
    status: int


def request(base_url: str, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        payload = json.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if payload else {}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def feed_path(private_key: str) -> str:
    return "/clerk/product?" + urlencode({"key": PUBLIC, "private_key": private_key, "limit": 1})


class Hammer:
    """Threads that read the feed with each key in turn, each on a new connection, so every
    worker process serves some of them, until stopped."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sent: list[Sent] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(THREADS)]

    def run(self, number: int) -> None:
        keys = [("old", OLD), ("new", NEW)]
        turn = number  # half the threads start with each key
        while not self.stop.is_set():
            name, key = keys[turn % 2]
            turn += 1
            started = time.monotonic()
            try:
                status, _body = request(self.base_url, "GET", feed_path(key))
            except OSError as exc:
                self.errors.append(repr(exc))
                return
            with self.lock:
                self.sent.append(Sent(name, started, status))

    def __enter__(self) -> Hammer:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(20)

    def after(self, moment: float) -> list[Sent]:
        with self.lock:
            return [sent for sent in self.sent if sent.started >= moment]

    def wait_after(self, moment: float) -> None:
        """Hammer on for ``AFTER_SECONDS``, and on until ``AFTER_REQUESTS`` with each key
        were sent after ``moment`` (a loaded machine serves fewer), at most
        ``AFTER_LIMIT_SECONDS``."""
        time.sleep(AFTER_SECONDS)
        deadline = time.monotonic() + AFTER_LIMIT_SECONDS
        while time.monotonic() < deadline:
            after = self.after(moment)
            if all(sum(s.key == k for s in after) >= AFTER_REQUESTS for k in ("old", "new")):
                return
            time.sleep(0.1)


@pytest.fixture
def store(transactional_db: Any) -> Store:
    call_command("seed_demo", products=5, categories=2, brands=1, customers=0, orders=0,
                 pages=0, seed=1, verbosity=0)  # fmt: skip
    Store.objects.exclude(code="default").update(is_active=False)
    Store.objects.filter(code="default").update(
        public_key=PUBLIC, private_key=OLD, is_active=True, legacy_auth=True
    )
    return Store.objects.get(code="default")


def test_rotated_key_is_refused_at_once_in_every_worker(store):
    with gunicorn(workers=4) as base_url, Hammer(base_url) as hammer:
        time.sleep(BEFORE_SECONDS)  # every worker has served the old key by now
        before = hammer.after(0)  # answered before the change began
        body = {"key": PUBLIC, "private_key": OLD, "new_private_key": NEW}
        status, answer = request(base_url, "POST", "/clerk/rotatekey", body)
        rotated = time.monotonic()
        hammer.wait_after(rotated)
    assert status == 200, answer
    assert hammer.errors == []
    after = hammer.after(rotated)
    old = [s for s in after if s.key == "old"]
    new = [s for s in after if s.key == "new"]
    accepted_old = sum(s.status == 200 for s in old)
    refused_new = sum(s.status != 200 for s in new)
    print(
        f"\n{len(before)} requests before the rotation, {len(after)} after "
        f"({len(old)} with the old key, {len(new)} with the new one); "
        f"accepted old after rotation: {accepted_old}, refused new: {refused_new}"
    )
    assert {s.status for s in before if s.key == "old"} == {200}
    assert len(old) >= AFTER_REQUESTS and len(new) >= AFTER_REQUESTS
    assert (accepted_old, refused_new) == (0, 0)
    assert {s.status for s in old} == {403}


def test_deactivated_store_is_refused_at_once_in_every_worker(store):
    with gunicorn(workers=4) as base_url, Hammer(base_url) as hammer:
        time.sleep(BEFORE_SECONDS)
        before = hammer.after(0)  # answered before the change began
        store.is_active = False
        store.save()  # in the test process: no worker's signal handler runs
        deactivated = time.monotonic()
        hammer.wait_after(deactivated)
    assert hammer.errors == []
    before = [s for s in before if s.key == "old"]
    after = hammer.after(deactivated)
    answered = sum(s.status == 200 for s in after)
    print(
        f"\n{len(before)} requests with the key before deactivation, {len(after)} after; "
        f"answered after deactivation: {answered}"
    )
    assert before and {s.status for s in before} == {200}
    assert len(after) >= 2 * AFTER_REQUESTS
    assert answered == 0
    assert {s.status for s in after} <= {401, 403}
