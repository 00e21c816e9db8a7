"""The migrations match the models (the suite itself builds its tables without them)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits non-zero when a migration is missing
        pytest.fail(f"Missing migrations ({exit_}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
