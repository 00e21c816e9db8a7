"""The tracking validator: walk a shop's pages, collect every call to Clerk they make (from
the browser and from the server), and report broken tracking.

In a test::

    from django_clerk.testing.validator import validate_tracking

    def test_tracking(client, clerk_api):
        validate_tracking("shop.clerk_journey.journey", client, fake=clerk_api).assert_ok()

From the command line: ``manage.py clerk_validate_tracking`` (see its ``--help``).
"""

from __future__ import annotations

from django_clerk.testing.validator.journeys import Journey, JourneyError, Post, Visit, load_journey
from django_clerk.testing.validator.problems import PROBLEM_CODES, Problem, Report
from django_clerk.testing.validator.run import validate_tracking

__all__ = [
    "PROBLEM_CODES",
    "Journey",
    "JourneyError",
    "Post",
    "Problem",
    "Report",
    "Visit",
    "load_journey",
    "validate_tracking",
]
