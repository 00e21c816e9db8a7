"""``manage.py clerk_validate_tracking``: its output, its exit status, what it keeps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from shop.models import Order

from tests.validator.seeded import TEMPLATES_DIR, UNKNOWN_PRODUCT, with_templates

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("clerk_validate_tracking", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_the_example_shop_passes_and_keeps_nothing(example_shop: Any) -> None:
    output, error = run()
    assert error is None
    assert "Tracking validation (test client), 6 pages:" in output
    assert "  checkout: /order/" in output and "No tracking problems found." in output
    assert Order.objects.count() == 0  # the journey's order was rolled back


def test_a_seeded_bug_fails_with_status_1(example_shop: Any, settings: Any) -> None:
    with_templates(settings, TEMPLATES_DIR)
    output, error = run()
    assert error is not None and error.returncode == 1
    assert str(error) == "2 tracking problem(s)."
    assert "[product-id-unknown] product (/product/cup-1/)" in output
    assert f"product id {UNKNOWN_PRODUCT} is not in" in output
    assert "[event-fired-twice] checkout (/order/" in output


def test_json_output(example_shop: Any, settings: Any) -> None:
    with_templates(settings, TEMPLATES_DIR)
    output, error = run("--json")
    assert error is not None and error.returncode == 1
    report = json.loads(output)
    assert report["ok"] is False and report["mode"] == "test client"
    assert [p["code"] for p in report["problems"]] == ["product-id-unknown", "event-fired-twice"]
    assert next(p["step"] for p in report["pages"]) == "product"
    assert set(report["problems"][0]) == {"code", "page", "element", "message"}


def test_without_a_journey(example_shop: Any, settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING_JOURNEY": ""}
    _output, error = run()
    assert error is not None and error.returncode == 2
    assert 'set CLERK["TRACKING_JOURNEY"]' in str(error)
    _, error = run("--journey", "shop.no_such_module.journey")
    assert error is not None and error.returncode == 2
    assert "Cannot import the tracking journey 'shop.no_such_module.journey'" in str(error)


def test_a_journey_that_does_not_import_is_a_system_check_error(settings: Any) -> None:
    settings.CLERK = {**settings.CLERK, "TRACKING_JOURNEY": "shop.no_such_module.journey"}
    ids = [message.id for message in run_checks()]
    assert "django_clerk.E140" in ids
    settings.CLERK = {**settings.CLERK, "TRACKING_JOURNEY": "shop.clerk_journey.CHECKOUT"}
    assert "django_clerk.E140" in [message.id for message in run_checks()]
    settings.CLERK = {**settings.CLERK, "TRACKING_JOURNEY": "shop.clerk_journey.journey"}
    assert "django_clerk.E140" not in [message.id for message in run_checks()]


def example_shop_process(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``manage.py`` of the example shop in processes of its own, on a database of its own
    (migrated, a small catalogue seeded), its API_URL on a port where nothing listens."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "CLERK_PUBLIC_KEY": "ci-public",
        "CLERK_PRIVATE_KEY": "ci-private",
        "CLERK_API_URL": "http://127.0.0.1:9/v2/",
        "CLERK_SYNC_DELIVERY": "manual",
    }
    manage = [sys.executable, str(ROOT / "example_project" / "manage.py")]

    def manage_py(*args: str, **changes: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*manage, *args],
            env={**env, **changes},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )

    assert manage_py("migrate", "-v0").returncode == 0
    seeded = manage_py("seed_demo", "--products", "12", "--orders", "2", "--customers", "2",
                       "--pages", "1", "--seed", "3")  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    return manage_py


def test_the_exit_status_of_a_real_process(tmp_path: Path) -> None:
    """The command as CI runs it: a process on the shop's database, its exit status."""
    manage_py = example_shop_process(tmp_path)
    passed = manage_py("clerk_validate_tracking")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "No tracking problems found." in passed.stdout
    failed = manage_py("clerk_validate_tracking", "--json", CLERK_PUBLIC_KEY="")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    codes = {problem["code"] for problem in json.loads(failed.stdout)["problems"]}
    assert codes == {"clerk-js-missing"}  # no public key: no Clerk.js on any page
