"""``ClerkPlacementBlock``: a Clerk placement in a StreamField.

    from django_clerk.contrib.wagtail.blocks import ClerkPlacementBlock

    body = StreamField([("paragraph", blocks.RichTextBlock()),
                        ("clerk", ClerkPlacementBlock())])

The editor picks the Content id (my.clerk.io > Recommendations > Content) and, optionally,
how many products to show; ``{% include_block %}`` renders it as ``{% clerk_placement %}``
does (the request's store, "filter duplicates", nothing without a public key). Set
``template=`` or override ``django_clerk/wagtail/placement_block.html`` for other markup.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks

from django_clerk.storefront.placements import content_template


class ClerkPlacementBlock(blocks.StructBlock):  # type: ignore[misc]
    """A Clerk placement: ``content_id`` (required) and ``limit`` (optional)."""

    content_id = blocks.CharBlock(
        max_length=200,
        label="Content id",
        help_text='The id of a Content in my.clerk.io, e.g. "home-page-popular".',
    )
    limit = blocks.IntegerBlock(
        required=False,
        min_value=1,
        max_value=100,
        help_text="How many products to show (empty: the Content's own setting).",
    )

    class Meta:
        template = "django_clerk/wagtail/placement_block.html"
        icon = "list-ul"
        label = "Clerk.io placement"

    def get_searchable_content(self, value: Any) -> list[str]:
        """Nothing: a placement's settings are no text of the page (search indexes and the
        pages feed's ``text`` leave them out)."""
        return []

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        if content_template(cleaned["content_id"]) == "@":
            raise blocks.StructBlockValidationError(
                block_errors={"content_id": ValidationError("Enter a Content id.")}
            )
        return cleaned
