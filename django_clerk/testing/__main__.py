"""Serve the fake Clerk.io API until Ctrl-C: ``python -m django_clerk.testing --port 8765``.

``--store PUBLIC:PRIVATE`` (repeatable) adds stores, each with data of its own;
``--public-key``/``--private-key`` name one store (the default when no ``--store`` is given).
Prints the ``API_URL`` to put in ``settings.CLERK``, the stores' public keys, the inspection
URL and the sandbox Clerk.js URL. Does not need Django.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from django_clerk.testing.fake_api import DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, FakeClerkAPI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m django_clerk.testing", description="Serve a fake Clerk.io REST API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    parser.add_argument(
        "--store",
        action="append",
        default=[],
        metavar="PUBLIC:PRIVATE",
        type=_store,
        help="a store's key pair (repeatable)",
    )
    parser.add_argument("--public-key", help=f"one store's public key ({DEFAULT_PUBLIC_KEY})")
    parser.add_argument("--private-key", help=f"its private key ({DEFAULT_PRIVATE_KEY})")
    parser.add_argument(
        "--lenient", action="store_true", help="accept unknown public keys (strict_keys=False)"
    )
    parser.add_argument(
        "--token", action="store_true", help="print a token that token/verify accepts"
    )
    args = parser.parse_args(argv)
    stores: list[tuple[str, str]] = list(args.store)
    if args.public_key or args.private_key or not stores:
        pair = (args.public_key or DEFAULT_PUBLIC_KEY, args.private_key or DEFAULT_PRIVATE_KEY)
        stores.insert(0, pair)

    fake = FakeClerkAPI(args.host, args.port, strict_keys=not args.lenient)
    try:
        fake.start()
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:  # Ctrl-C from here on, even while the banner is printed, is a clean stop
        for public_key, private_key in stores:
            fake.add_store(public_key, private_key)
        print(f"Fake Clerk.io API on {fake.url}", flush=True)
        for public_key, _private_key in stores:
            print(f"  store: public key {public_key}", flush=True)
            if args.token:
                print(f"  token: {fake.issue_token(public_key)}", flush=True)
        print(f"  what it received: {fake.origin}/_fake/stores", flush=True)
        print(f"  sandbox Clerk.js: {fake.sandbox_js_url}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


def _store(value: str) -> tuple[str, str]:
    public_key, sep, private_key = value.partition(":")
    if not sep or not public_key or not private_key:
        raise argparse.ArgumentTypeError(f"expected PUBLIC:PRIVATE, not {value!r}")
    return public_key, private_key


if __name__ == "__main__":
    sys.exit(main())
