"""The migrations match the models.

The suite builds its tables with ``--nomigrations``, which also hides the migrations from
``makemigrations``; so the check runs in a fresh process with the real migration modules.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_missing_migrations(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'migrations.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemigrations", "--check", "--dry-run", "django_clerk"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"Missing migrations:\n{result.stdout}\n{result.stderr}"
    assert "No changes detected" in result.stdout
