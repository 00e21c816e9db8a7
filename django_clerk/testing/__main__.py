"""Serve the fake Clerk.io API until Ctrl-C: ``python -m django_clerk.testing --port 8765``.

Prints the ``API_URL`` to put in ``settings.CLERK`` and the store's keys. Does not need Django.
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
    parser.add_argument("--public-key", default=DEFAULT_PUBLIC_KEY)
    parser.add_argument("--private-key", default=DEFAULT_PRIVATE_KEY)
    parser.add_argument(
        "--lenient", action="store_true", help="accept unknown public keys (strict_keys=False)"
    )
    parser.add_argument(
        "--token", action="store_true", help="print a token that token/verify accepts"
    )
    args = parser.parse_args(argv)

    fake = FakeClerkAPI(args.host, args.port, strict_keys=not args.lenient)
    try:
        fake.start()
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:  # Ctrl-C from here on, even while the banner is printed, is a clean stop
        fake.add_store(args.public_key, args.private_key)
        print(f"Fake Clerk.io API on {fake.url}", flush=True)
        print(f"  public key: {args.public_key}   private key: {args.private_key}", flush=True)
        if args.token:
            print(f"  token: {fake.issue_token(args.public_key)}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
