"""The example shop's seeded catalogue, shared with the feed tests."""

from tests.feeds.conftest import shop

__all__ = ["shop"]
