"""The sandbox demo on free ports: the fake Clerk API (in this process), a seeded SQLite
database, the catalogue synced to the fake with ``clerk_sync``, and ``runserver``.

>>> with DemoStack(Path("/tmp/demo")) as stack:
...     stack.shop_url, stack.fake.received("products")
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from django_clerk.testing import FakeClerkAPI
from sandbox.wait import ServerExited, wait_for

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
PUBLIC_KEY = "demo-public-key"
PRIVATE_KEY = "demo-private-key"
SEED = ("--products", "80", "--orders", "200", "--customers", "40", "--pages", "8")
PORT_ATTEMPTS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class DemoStack:
    """Start with ``with``; everything stops on exit. ``workdir`` holds the database."""

    def __init__(self, workdir: Path, seed_args: tuple[str, ...] = SEED) -> None:
        self.workdir = workdir
        self.seed_args = seed_args
        self.fake = FakeClerkAPI()
        self._use_port(free_port())
        self.database = workdir / "sandbox.sqlite3"
        self._server: subprocess.Popen[bytes] | None = None

    def _use_port(self, port: int) -> None:
        self.port = port
        self.shop_url = f"http://127.0.0.1:{port}"

    def env(self) -> dict[str, str]:
        pythonpath = os.pathsep.join([str(EXAMPLE_DIR.parent), os.environ.get("PYTHONPATH", "")])
        return {
            **os.environ,
            "PYTHONPATH": pythonpath,
            "DJANGO_SETTINGS_MODULE": "example_project.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "CLERK_PUBLIC_KEY": PUBLIC_KEY,
            "CLERK_PRIVATE_KEY": PRIVATE_KEY,
            "CLERK_API_URL": self.fake.url,
            "SHOP_BASE_URL": self.shop_url,
        }

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=EXAMPLE_DIR,
            env=self.env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> DemoStack:
        self.fake.start()
        self.fake.add_store(PUBLIC_KEY, PRIVATE_KEY)
        try:
            self.database.unlink(missing_ok=True)
            self.manage("migrate", "--noinput")
            self.manage("seed_demo", "--seed", "1", *self.seed_args)
            for attempt in range(1, PORT_ATTEMPTS + 1):
                # The port is in the store's base URL and the synced URLs; another process may
                # take it meanwhile (runserver then exits): move to a new port, sync again.
                if attempt > 1:
                    self._use_port(free_port())
                    self._set_base_url()
                self.manage("clerk_sync", "--no-progress")
                self._server = subprocess.Popen(
                    [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}",
                     "--noreload"],
                    cwd=EXAMPLE_DIR,
                    env=self.env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
                try:
                    wait_for(self.shop_url + "/", seconds=60, process=self._server)
                    break
                except ServerExited:
                    self._server = None
                    if attempt == PORT_ATTEMPTS:
                        raise
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.terminate()
            self._server.wait(timeout=10)
            self._server = None
        self.fake.stop()

    def _set_base_url(self) -> None:
        with sqlite3.connect(self.database) as db:
            db.execute("UPDATE django_clerk_store SET base_url = ?", [self.shop_url + "/"])

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of the shop's database (read-only), e.g. a product's slug."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            return db.execute(sql, params).fetchall()

    def most_popular(self) -> tuple[int, str, str]:
        """``(id, slug, name)`` of the in-stock product the fake calls most popular."""
        held = self.fake.store_data(PUBLIC_KEY)["products"]
        counts: dict[Any, int] = {}
        for order in self.fake.store_data(PUBLIC_KEY)["orders"].values():
            for line in order["products"]:
                counts[line["id"]] = counts.get(line["id"], 0) + int(line.get("quantity", 1))
        in_stock = [pk for pk, product in held.items() if product.get("in_stock")]
        best = max(in_stock, key=lambda pk: (counts.get(pk, 0), -pk))
        slug, name = self.query("SELECT slug, name FROM shop_product WHERE id = ?", best)[0]
        return best, slug, name

    def category_of(self, product_id: int) -> str:
        rows = self.query(
            "SELECT c.slug FROM shop_category c JOIN shop_product_categories pc"
            " ON pc.category_id = c.id WHERE pc.product_id = ? ORDER BY c.id",
            product_id,
        )
        return str(rows[0][0])
