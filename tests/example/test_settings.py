"""The example shop's deployment settings: the hosts it answers to, and whether it trusts a
proxy's ``X-Forwarded-Proto``, from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import DisallowedHost
from django.test import RequestFactory, override_settings
from example_project.settings import allowed_hosts, proxy_ssl_header

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "example_project"
SHOWN = "import json, example_project.settings as s; "
SHOWN += "print(json.dumps([s.ALLOWED_HOSTS, s.SECURE_PROXY_SSL_HEADER]))"


def settings_with(**environ: str) -> tuple[list[str], Any]:
    """ALLOWED_HOSTS and SECURE_PROXY_SSL_HEADER of the example settings module imported in
    a fresh interpreter with ``environ`` (and without the variables this module tests)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(environ)
    done = subprocess.run(
        [sys.executable, "-c", SHOWN],
        cwd=EXAMPLE_DIR, env=env, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    hosts, header = json.loads(done.stdout)
    return hosts, tuple(header) if header else None


def test_the_module_reads_both_variables() -> None:
    assert settings_with() == (["localhost", "127.0.0.1", "[::1]"], None)
    hosts, header = settings_with(
        DJANGO_ALLOWED_HOSTS="shop.example.com, www.shop.example.com",
        DJANGO_TRUST_PROXY_HEADERS="1",
    )
    assert hosts == ["shop.example.com", "www.shop.example.com"]
    assert header == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ["localhost", "127.0.0.1", "[::1]"]),
        ("shop.example.com", ["shop.example.com"]),
        (" a.example.com ,, .b.example.com ,", ["a.example.com", ".b.example.com"]),
        ("", []),
    ],
)
def test_allowed_hosts(value: str | None, expected: list[str]) -> None:
    environ = {} if value is None else {"DJANGO_ALLOWED_HOSTS": value}
    assert allowed_hosts(environ) == expected
    assert "*" not in allowed_hosts(environ)


def test_unknown_hosts_are_refused_by_default() -> None:
    with override_settings(ALLOWED_HOSTS=allowed_hosts({}), DEBUG=False):
        assert RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000").get_host() == "127.0.0.1:8000"
        with pytest.raises(DisallowedHost):
            RequestFactory().get("/", HTTP_HOST="attacker.example").get_host()


@pytest.mark.parametrize(
    ("value", "trusted"),
    [(None, False), ("", False), ("0", False), ("no", False), ("1", True), ("True", True),
     ("yes", True), (" on ", True)],
)  # fmt: skip
def test_proxy_header_is_trusted_only_when_told(value: str | None, trusted: bool) -> None:
    environ = {} if value is None else {"DJANGO_TRUST_PROXY_HEADERS": value}
    header = proxy_ssl_header(environ)
    assert (header is not None) is trusted
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    with override_settings(SECURE_PROXY_SSL_HEADER=header):
        assert request.is_secure() is trusted
