"""Fixtures of the sync tests (a store known to the fake Clerk, shop objects) and of the feed
tests (the example shop seeded small) for these tests."""

from tests.feeds.conftest import en, shop  # noqa: F401
from tests.sync.conftest import (  # noqa: F401
    brand,
    category,
    clerk_store,
    deliver,
    make_product,
    manual_delivery,
)
