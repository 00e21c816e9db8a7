"""Product and category pictures for the example shop: drawn, not stored.

The demo data names images such as ``products/12.svg`` (a path under ``MEDIA_URL``); this view
draws each one as an SVG, the same picture for the same path every time: a colour picked from
the path, the product's name and a simple shape. The feed sends their absolute URLs, so
what Clerk (or the fake) shows loads too.
"""

from __future__ import annotations

import hashlib
from html import escape

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from shop.models import Category, Product

PALETTE = (
    ("#e8f0fe", "#2f6fed"),
    ("#fdecea", "#d63b3b"),
    ("#e6f4ea", "#1f8a4c"),
    ("#fff4e5", "#c26a00"),
    ("#f3e8fd", "#7b3fd6"),
    ("#e4f6f8", "#0f7c8c"),
    ("#fbe9f3", "#b0306f"),
    ("#eef0f3", "#46505f"),
)
MAX_LINE = 16


def picture_name(path: str) -> str:
    """What the picture at ``path`` shows: the name of the product or category using it."""
    name = (
        Product.objects.filter(image=path).values_list("name", flat=True).first()
        or Category.objects.filter(image=path).values_list("name", flat=True).first()
    )
    return name or path.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ")


def lines_of(text: str) -> list[str]:
    """``text`` wrapped at word boundaries into at most three short lines."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= MAX_LINE:
            lines[-1] += " " + word
        else:
            lines.append(word[: MAX_LINE + 4])
    return lines[:3]


def draw(path: str, name: str) -> str:
    digest = hashlib.sha256(path.encode()).digest()
    background, ink = PALETTE[digest[0] % len(PALETTE)]
    shape = digest[1] % 3
    figure = (
        f'<circle cx="200" cy="150" r="80" fill="{ink}" opacity=".85"/>',
        f'<rect x="125" y="75" width="150" height="150" rx="24" fill="{ink}" opacity=".85"/>',
        f'<path d="M200 65 L290 230 L110 230 Z" fill="{ink}" opacity=".85"/>',
    )[shape]
    text = "".join(
        f'<tspan x="200" dy="{0 if i == 0 else 30}">{escape(line)}</tspan>'
        for i, line in enumerate(lines_of(name))
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">'
        f'<rect width="400" height="400" fill="{background}"/>{figure}'
        f'<text x="200" y="290" text-anchor="middle" font-family="system-ui, sans-serif" '
        f'font-size="24" font-weight="600" fill="{ink}">{text}</text></svg>'
    )


@require_GET
def placeholder_image(request: HttpRequest, path: str) -> HttpResponse:
    """``/media/<path>.svg``: the drawn picture of ``<path>.svg``."""
    full = f"{path}.svg"
    response = HttpResponse(draw(full, picture_name(full)), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response
