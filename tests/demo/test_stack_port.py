"""The sandbox stack survives its port being taken before its server starts (another process
of a busy machine, e.g. a parallel test, may bind it first)."""

from __future__ import annotations

import socket

import requests


def test_a_taken_port_moves_the_shop_and_its_synced_urls(tmp_path):
    from sandbox.stack import PUBLIC_KEY, DemoStack

    stack = DemoStack(tmp_path, seed_args=("--products", "5", "--orders", "3", "--customers", "2",
                                           "--pages", "1"))  # fmt: skip
    taken = stack.port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        with stack:
            assert stack.port != taken
            assert requests.get(stack.shop_url + "/", timeout=10).status_code == 200
            image = stack.fake.received("products", PUBLIC_KEY)[-1]["image"]
            assert image.startswith(stack.shop_url + "/")  # synced again on the new port
            assert requests.get(image, timeout=10).status_code == 200
