"""What a flood of made-up bearer tokens costs the storefront while Clerk hangs.

Seeds the example shop in a fresh database (a SQLite file in a temporary directory, or a
scratch database on the PostgreSQL server of ``DATABASE_URL``), runs the fake Clerk API on
127.0.0.1 with ``token/verify`` hanging, serves the shop with gunicorn (4 workers) and
measures the home page (median and p95 of sequential requests): first alone, then while
several threads send feed requests with a valid public key and a new junk bearer token
each. Prints both, their ratio, and what the flood got (statuses, verify calls Clerk saw).

    python benchmarks/token_flood.py [--requests 1000] [--flood-threads 8] [--threads 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/token_flood.py

``--threads`` above 1 runs gthread workers with that many threads each; the default is
gunicorn's sync workers. ``--unprotected`` lifts the cap and the cooldown and sets a 10 s
verify timeout, to compare.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_project"), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
PUBLIC, PRIVATE = "flood-public", "flood-private"
HANG_SECONDS = 60.0
FLOOD_TIMEOUT = 30.0
ROW_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000, help="home pages per row")
    parser.add_argument("--flood-threads", type=int, default=8)
    parser.add_argument(
        "--flood-pause", type=float, default=0.02, help="seconds between a thread's requests"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--unprotected",
        action="store_true",
        help="for comparison: no cap, no cooldown and a 10 s verify timeout",
    )
    parser.add_argument("--flood", nargs=3, help=argparse.SUPPRESS)  # URL THREADS PAUSE
    parser.add_argument("--no-token", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.flood:
        url, threads, pause = args.flood
        return flood_process(url, int(threads), float(pause), token=not args.no_token)

    from support import setup_database

    workdir = Path(tempfile.mkdtemp(prefix="clerk-bench-flood-"))
    database_url = setup_database(workdir, "bench_django_clerk_token_flood")
    from django.conf import settings
    from django.core.management import call_command

    from django_clerk.models import Store
    from django_clerk.testing import FakeClerkAPI

    settings.CLERK = {**settings.CLERK, "REALTIME_SYNC": False}
    call_command("seed_demo", products=60, orders=0, customers=0, pages=3, seed=1, verbosity=0)
    Store.objects.filter(code="default").update(public_key=PUBLIC, private_key=PRIVATE)
    Store.objects.exclude(code="default").update(is_active=False)

    rows: list[tuple[str, list[float], Flood | None]] = []
    with FakeClerkAPI(strict_keys=False) as fake:
        fake.add_store(PUBLIC, PRIVATE)
        fake.hang(HANG_SECONDS, path="token/verify")
        clerk = {"API_URL": fake.url, "REALTIME_SYNC": False}
        if args.unprotected:
            clerk.update(TOKEN_VERIFY_CONCURRENCY=1000, TOKEN_VERIFY_COOLDOWN=0,
                         TOKEN_VERIFY_TIMEOUT=10.0)  # fmt: skip
        with serve(database_url, clerk, args.workers, args.threads) as base_url:
            for _ in range(20):  # warm up every worker: imports, templates, Clerk's popular
                get(base_url, "/")
            rows.append(("alone", home_pages(base_url, args.requests), None))
            with Flood(base_url, args.flood_threads, args.flood_pause, token=False) as control:
                rows.append(("flood without token", home_pages(base_url, args.requests), control))
            with Flood(base_url, args.flood_threads, args.flood_pause) as flood:
                rows.append(("flood of junk tokens", home_pages(base_url, args.requests), flood))
            verify_calls = fake.count("token/verify")
    report(args, rows, verify_calls)


def get(base_url: str, path: str, headers: dict[str, str] | None = None) -> int:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=FLOOD_TIMEOUT)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def home_pages(base_url: str, n: int) -> list[float]:
    """``n`` sequential home pages, or as many as ``ROW_SECONDS`` allow."""
    timings: list[float] = []
    deadline = time.monotonic() + ROW_SECONDS
    while len(timings) < n and time.monotonic() < deadline:
        started = time.perf_counter()
        status = get(base_url, "/")
        timings.append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"the home page answered {status}")
    return timings


class Flood:
    """Another process whose threads send feed requests until stopped: each with a new junk
    bearer token, or (``token=False``) with none, which the shop refuses without asking Clerk:
    the cost of the traffic itself. A process of its own, so its client work does not compete
    with the measured requests for this process's GIL."""

    def __init__(self, base_url: str, threads: int, pause: float, *, token: bool = True) -> None:
        self.command = [sys.executable, __file__, "--flood", base_url, str(threads), str(pause)]
        self.command += [] if token else ["--no-token"]
        self.statuses: dict[str, int] = {}
        self.slowest = 0.0

    def __enter__(self) -> Flood:
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.process.stdout.readline()  # "started"
        return self

    def __exit__(self, *exc_info: object) -> None:
        output, _ = self.process.communicate("", timeout=FLOOD_TIMEOUT + 10)
        result = json.loads(output)
        self.statuses, self.slowest = result["statuses"], result["slowest"]

    def summary(self) -> str:
        sent = sum(self.statuses.values())
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return f"{sent} feed requests ({statuses}), slowest answer {self.slowest * 1000:.0f} ms"


def flood_process(base_url: str, threads: int, pause: float, token: bool) -> None:
    """The flood's process: sends until its stdin closes, then prints what it got."""
    statuses: Counter[str] = Counter()
    slowest = [0.0]
    stop = threading.Event()
    lock = threading.Lock()

    def run() -> None:
        while not stop.is_set():
            headers = {"X-Clerk-Authorization": f"Bearer junk-{secrets.token_hex(8)}"}
            started = time.perf_counter()
            try:
                status = str(
                    get(base_url, f"/clerk/product?key={PUBLIC}", headers if token else {})
                )
            except OSError as exc:
                status = type(exc).__name__
            with lock:
                statuses[status] += 1
                slowest[0] = max(slowest[0], time.perf_counter() - started)
            stop.wait(pause)

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    print("started", flush=True)
    sys.stdin.read()
    stop.set()
    for worker in workers:
        worker.join(FLOOD_TIMEOUT + 5)
    print(json.dumps({"statuses": statuses, "slowest": slowest[0]}), flush=True)


class serve:
    """gunicorn serving the test shop on ``database_url``, stopped on exit."""

    def __init__(self, database_url: str, clerk: dict, workers: int, threads: int) -> None:
        self.command = [
            sys.executable, "-m", "gunicorn", "example_project.wsgi:application",
            f"--workers={workers}", f"--threads={threads}", "--timeout=60",
            "--graceful-timeout=2", "--log-level=warning",
            "--worker-class=" + ("gthread" if threads > 1 else "sync"),
        ]  # fmt: skip
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.server_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
            "CLERK_SERVER_DATABASE_URL": database_url,
            "CLERK_SERVER_OVERRIDES": json.dumps(clerk),
        }

    def __enter__(self) -> str:
        from tests.processes import free_port, wait_until_answering

        port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [*self.command, f"--bind=127.0.0.1:{port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{base_url}/clerk/version", self.process, Path(self.log.name))
        except BaseException:
            self.__exit__()
            raise
        return base_url

    def __exit__(self, *exc_info: object) -> None:
        from tests.processes import stop

        stop(self.process)
        self.log.close()
        os.unlink(self.log.name)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(args: argparse.Namespace, rows: list, verify_calls: int) -> None:
    kind = f"gthread x{args.threads} workers" if args.threads > 1 else "sync workers"
    kind += " (unprotected: no cap, no cooldown, 10 s timeout)" if args.unprotected else ""
    print(
        f"storefront home page, up to {args.requests} sequential requests (or {ROW_SECONDS:.0f} s) "
        "per row, gunicorn "
        f"{args.workers} {kind}; Clerk's token/verify hangs; floods of "
        f"{args.flood_threads} threads, each pausing {args.flood_pause * 1000:.0f} ms between "
        "requests"
    )
    medians = {}
    for name, timings, flood in rows:
        median, p95 = statistics.median(timings) * 1000, percentile(timings, 0.95) * 1000
        medians[name] = (median, p95)
        line = f"  {name:<21} {len(timings):4} pages: median {median:6.1f} ms, p95 {p95:6.1f} ms, "
        line += f"slowest {max(timings) * 1000:6.0f} ms"
        print(line + (f"; {flood.summary()}" if flood is not None else ""))
    (alone, alone_p95), (junk, junk_p95) = medians["alone"], medians["flood of junk tokens"]
    control, control_p95 = medians["flood without token"]
    print(
        f"  ratio junk-token flood / alone: median {junk / alone:.2f}x, p95 "
        f"{junk_p95 / alone_p95:.2f}x [target: near 1.0]"
    )
    print(
        f"  ratio junk-token flood / flood without token: median {junk / control:.2f}x, p95 "
        f"{junk_p95 / control_p95:.2f}x (what asking Clerk adds to the traffic's own cost)"
    )
    print(f"  verify calls Clerk received: {verify_calls}")


if __name__ == "__main__":
    main()
