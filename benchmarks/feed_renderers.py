"""What escaping the line breaks JSON leaves raw (U+2028, U+2029, U+0085) costs the feed
renderers: a page of product objects rendered by the feed's JSON and NDJSON renderers
against plain ``json`` encoding of the same objects (the renderers before the escaping),
measured in the same run, interleaved.

    python benchmarks/feed_renderers.py [--objects 1000] [--rounds 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


EXTRA = {"Latin-1 text": "", "wider text": " ☕ 日本", "with U+2028/U+2029": "\u2028Line\u2029"}


def products(count: int, extra: str) -> list[dict[str, Any]]:
    """Product objects whose description ends with ``extra``."""
    text = "Soft organic cotton, made in Portugal. Machine washable at 40 °C." + extra
    return [
        {
            "id": index,
            "name": f"Essential Vegan Sneakers {index}",
            "description": text * 4,
            "price": 79.95 + index,
            "list_price": 99.95,
            "image": f"https://shop.example.com/media/products/{index}.jpg",
            "url": f"https://shop.example.com/products/{index}/",
            "categories": [3, 7, 12],
            "created_at": 1_700_000_000 + index,
            "brand": "Lysline",
            "in_stock": True,
            "variant_ids": [index * 10 + n for n in range(4)],
        }
        for index in range(count)
    ]


def best_of(function: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django_clerk.feeds.renderers import JSONRenderer, NDJSONRenderer

    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    json_renderer, ndjson_renderer = JSONRenderer(), NDJSONRenderer()
    print(f"{args.objects} products a page, median of {args.rounds} rounds")
    print(f"{'objects':<22}{'renderer':<10}{'plain json':>12}{'feed':>12}{'ratio':>8}")
    for label, extra in EXTRA.items():
        items = products(args.objects, extra)
        cases = {
            "JSON": (
                lambda items=items: plain(items).encode(),
                lambda items=items: json_renderer.render(items),
            ),
            "NDJSON": (
                lambda items=items: "".join(plain(item) + "\n" for item in items).encode(),
                lambda items=items: ndjson_renderer.render(items),
            ),
        }
        for name, (baseline, feed) in cases.items():
            base_times, feed_times = [], []
            for _ in range(4):  # interleaved blocks: drift hits both alike
                base_times.append(best_of(baseline, args.rounds // 4))
                feed_times.append(best_of(feed, args.rounds // 4))
            base, ours = statistics.median(base_times), statistics.median(feed_times)
            print(
                f"{label:<22}{name:<10}{base * 1000:>10.2f}ms{ours * 1000:>10.2f}ms"
                f"{ours / base:>8.2f}"
            )


if __name__ == "__main__":
    main()
