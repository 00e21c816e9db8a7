"""Concurrent crawls served by several server processes while products change.

The feed runs under gunicorn with 4 worker processes; three importers crawl the product feed
at the same time, two from different client addresses (127.0.0.1 and 127.0.0.2) with the
same User-Agent, a third from 127.0.0.1 with another User-Agent, each over legacy pages and
Feed V2 offsets in turn, while an editor takes products out of the feed and puts them back
(stock 0 or not, on a store that leaves out-of-stock products out). Every complete crawl
must hold each product that stayed in the feed the whole time exactly once.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, connections
from shop.models import Product

from django_clerk.mapping import get_serializer
from django_clerk.models import FeedCrawl, FeedCursor, Store
from tests.processes import gunicorn

PUBLIC, PRIVATE = "crawl-public", "crawl-private"
CRAWL_SECONDS = 6.0
LIMIT = 9

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@dataclass
class Importer:
    """A Clerk importer on its own client address and User-Agent."""

    base_url: str
    address: str
    agent: str
    token: str
    crawls: list[tuple[str, list[Any]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retries: int = 0

    def get(self, path: str, params: dict[str, Any], headers: dict[str, str]) -> list[Any]:
        """The ids of a page; a 503 with ``Retry-After`` (every token verification slot was
        taken: the importers start at once with the same new token) is asked again after
        the wait, as Clerk's importer does, a few times at most."""
        for attempt in range(4):
            status, retry_after, body = self.request(path, params, headers)
            if status == 503 and retry_after and attempt < 3:
                self.retries += 1
                time.sleep(min(float(retry_after), 2.0))
                continue
            break
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
        return [item["id"] for item in json.loads(body)]

    def request(
        self, path: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, str | None, bytes]:
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=15, source_address=(self.address, 0)
        )
        try:
            connection.request(
                "GET", f"{path}?{urlencode(params)}", headers={"User-Agent": self.agent, **headers}
            )
            response = connection.getresponse()
            return response.status, response.getheader("Retry-After"), response.read()
        finally:
            connection.close()

    def crawl_legacy(self) -> list[Any]:
        ids: list[Any] = []
        for page in itertools.count(1):
            params = {"key": PUBLIC, "private_key": PRIVATE, "page": page, "limit": LIMIT}
            batch = self.get("/clerk/product", params, {})
            ids += batch
            if len(batch) < LIMIT:
                return ids

    def crawl_v2(self) -> list[Any]:
        ids: list[Any] = []
        headers = {"X-Clerk-Authorization": f"Bearer {self.token}", "X-Forwarded-Proto": "https"}
        for offset in itertools.count(0, LIMIT):
            batch = self.get("/clerk/v2/products", {"key": PUBLIC, "offset": offset,
                                                    "limit": LIMIT}, headers)  # fmt: skip
            if not batch:  # Feed V2: until a page is empty
                return ids
            ids += batch

    def run(self, until: float) -> None:
        protocols = itertools.cycle([("legacy", self.crawl_legacy), ("v2", self.crawl_v2)])
        while time.monotonic() < until or len(self.crawls) < 2:  # one of each, at least
            protocol, crawl = next(protocols)
            try:
                self.crawls.append((protocol, crawl()))
            except Exception as exc:  # reported by the test
                self.errors.append(repr(exc))
                return


def flip_products(flipping: list[int], stop: threading.Event, flips: list[int]) -> None:
    """Take products out of the feed and put them back, until ``stop``."""
    rng = random.Random(7)
    try:
        while not stop.is_set():
            leaving, coming = rng.sample(flipping, 2)
            Product.objects.filter(pk=leaving).update(stock=0)
            Product.objects.filter(pk=coming).update(stock=5)
            flips[0] += 2
            time.sleep(0.002)
    finally:
        connections.close_all()


@pytest.fixture
def catalogue() -> tuple[list[int], list[int]]:
    """250 products; the store leaves out-of-stock ones out. Returns the products that stay
    in the feed and those the editor flips in and out."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that several processes share (PostgreSQL)")
    call_command("seed_demo", products=250, categories=8, brands=3, customers=0, orders=0,
                 pages=0, seed=5, verbosity=0)  # fmt: skip
    Store.objects.exclude(code="default").update(is_active=False)
    Store.objects.filter(code="default").update(
        public_key=PUBLIC, private_key=PRIVATE, is_active=True, legacy_auth=True,
        include_out_of_stock=False,
    )  # fmt: skip
    store = Store.objects.get(code="default")
    in_feed = list(get_serializer("products").feed_queryset(store).values_list("pk", flat=True))
    flipping = in_feed[1::3]
    return [pk for pk in in_feed if pk not in set(flipping)], flipping


def test_concurrent_crawls_under_four_processes(catalogue, clerk_fake_api):
    stayed, flipping = catalogue
    clerk_fake_api.add_store(PUBLIC, PRIVATE)
    token = clerk_fake_api.issue_token(PUBLIC)
    with gunicorn(workers=4, clerk={"API_URL": clerk_fake_api.url}) as base_url:
        importers = [
            Importer(base_url, "127.0.0.1", "Clerk.io importer", token),
            Importer(base_url, "127.0.0.2", "Clerk.io importer", token),
            Importer(base_url, "127.0.0.1", "Clerk.io importer (second)", token),
        ]
        stop, flips = threading.Event(), [0]
        editor = threading.Thread(target=flip_products, args=(flipping, stop, flips))
        editor.start()
        until = time.monotonic() + CRAWL_SECONDS
        threads = [threading.Thread(target=i.run, args=(until,)) for i in importers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(CRAWL_SECONDS + 30)
        stop.set()
        editor.join(10)
    crawls = [crawl for importer in importers for crawl in importer.crawls]
    missed = repeated = 0
    for _protocol, ids in crawls:
        counts = Counter(ids)
        missed += sum(1 for pk in stayed if counts[pk] == 0)
        repeated += sum(n - 1 for n in counts.values() if n > 1)
    by_protocol = Counter(protocol for protocol, _ids in crawls)
    print(
        f"\ncrawls: {len(crawls)} complete ({by_protocol['legacy']} legacy, "
        f"{by_protocol['v2']} Feed V2), {len(crawls) * len(stayed)} products checked, "
        f"{missed} missed, {repeated} repeated; {flips[0]} stock changes by the editor; "
        f"{sum(i.retries for i in importers)} requests asked again after a 503"
    )
    assert [error for importer in importers for error in importer.errors] == []
    assert by_protocol["legacy"] >= 3 and by_protocol["v2"] >= 3
    assert flips[0] > 100  # the feed changed all along
    assert (missed, repeated) == (0, 0)
    records = FeedCrawl.objects.filter(finished_at__isnull=False)
    assert sorted(r.items for r in records) == sorted(len(ids) for _p, ids in crawls)
    assert not FeedCursor.objects.filter(finished=False).exists()
