"""What a made-up bearer token can cost the shop: one verify call per token and cache period,
at most ``TOKEN_VERIFY_CONCURRENCY`` at once per process, each one short attempt; 503 with
``Retry-After`` rather than waiting when Clerk is busy or away. Over real HTTP to the fake."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from django.core.cache import cache

from django_clerk.feeds import tokens
from tests.feeds.conftest import KEYS

PUBLIC, PRIVATE = KEYS["default"]


@pytest.fixture
def clerk(clerk_api: Any, settings: Any) -> Any:
    clerk_api.add_store(PUBLIC, PRIVATE)
    settings.CLERK = {
        **settings.CLERK,
        "TOKEN_VERIFY_TIMEOUT": 0.5,
        "TOKEN_VERIFY_CONCURRENCY": 2,
        "TOKEN_VERIFY_COOLDOWN": 0,
        "API_RETRIES": 3,  # the verify call must not use the client's retries
    }
    return clerk_api


def feed(client: Any, token: str) -> Any:
    return client.get(
        "/clerk/product", {"key": PUBLIC, "limit": 1}, HTTP_X_CLERK_AUTHORIZATION=f"Bearer {token}"
    )


def timed(call: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def test_a_refused_token_is_remembered_hashed(client, en, clerk):
    for _ in range(3):
        assert feed(client, "junk-token").status_code == 403
    assert clerk.count("token/verify") == 1
    assert cache.get(tokens.rejected_key(PUBLIC, "junk-token")) is True
    assert "junk-token" not in tokens.rejected_key(PUBLIC, "junk-token")
    assert feed(client, "other-junk").status_code == 403
    assert clerk.count("token/verify") == 2  # each new token is asked once


def test_the_refusal_is_forgotten_after_its_time(client, en, clerk, settings):
    settings.CLERK = {**settings.CLERK, "TOKEN_REJECT_CACHE_SECONDS": 0}
    for _ in range(2):
        assert feed(client, "junk-token").status_code == 403
    assert clerk.count("token/verify") == 2


def test_a_valid_token_is_still_cached_and_never_shadowed(client, en, clerk):
    token = clerk.issue_token(PUBLIC)
    for _ in range(3):
        assert feed(client, token).status_code == 200
    assert clerk.count("token/verify") == 1
    clerk.revoke_token(token)
    assert feed(client, "forged").status_code == 403
    assert feed(client, token).status_code == 200  # trusted for TOKEN_CACHE_SECONDS


def test_clerk_hanging_costs_one_short_attempt(client, en, clerk):
    clerk.hang(3)
    response, seconds = timed(lambda: feed(client, "junk-token"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == 503
    assert int(response["Retry-After"]) >= 1
    assert seconds < 2.0, seconds  # TOKEN_VERIFY_TIMEOUT is 0.5 s
    assert clerk.count("token/verify") == 1  # no retry
    clerk.reset()
    clerk.add_store(PUBLIC, PRIVATE)
    assert feed(client, "junk-token").status_code == 403  # not remembered as refused


def test_after_clerk_was_unreachable_unknown_tokens_are_not_asked(client, en, clerk, settings):
    settings.CLERK = {**settings.CLERK, "TOKEN_VERIFY_COOLDOWN": 1}
    token = clerk.issue_token(PUBLIC)
    assert feed(client, token).status_code == 200
    clerk.go_down()
    assert feed(client, "junk-1").status_code == 503
    response, seconds = timed(lambda: feed(client, "junk-2"))
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert seconds < 0.3, seconds
    assert clerk.count("token/verify") == 2  # the valid token and junk-1
    assert feed(client, token).status_code == 200  # verified before: still trusted
    clerk.come_up()
    time.sleep(1.05)
    assert feed(client, "junk-2").status_code == 403
    assert clerk.count("token/verify") == 3


def test_verify_calls_are_capped_per_process(client, en, clerk):
    """Two verify calls hang in threads; the third request answers 503 at once."""
    clerk.hang(1.5, path="token/verify")
    results: list[Any] = []

    def verify(token: str) -> None:
        try:
            results.append(tokens.verify(PUBLIC, token))
        except tokens.VerifyUnavailable as exc:
            results.append(exc)

    threads = [threading.Thread(target=verify, args=(f"junk-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while clerk.count("token/verify") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert clerk.count("token/verify") == 2
    response, seconds = timed(lambda: feed(client, "junk-3"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "verifications" in response.json()["error"]["message"]
    assert int(response["Retry-After"]) >= 1
    assert seconds < 0.3, seconds
    assert clerk.count("token/verify") == 2  # the third was never sent
    for thread in threads:
        thread.join(10)
    assert len(results) == 2  # both timed out (0.5 s) and freed their slots
    clerk.clear_faults()
    assert feed(client, "junk-3").status_code == 403
    assert clerk.count("token/verify") == 3


def test_the_cap_follows_the_setting(settings):
    settings.CLERK = {**settings.CLERK, "TOKEN_VERIFY_CONCURRENCY": 3}
    taken = [tokens.slots.try_acquire() for _ in range(4)]
    try:
        assert [release is not None for release in taken] == [True, True, True, False]
    finally:
        for release in taken:
            if release is not None:
                release()
    release = tokens.slots.try_acquire()
    assert release is not None  # released slots are free again
    release()


HOLD_SLOTS = """
import fcntl, os, sys, time
for number in range(int(sys.argv[2])):
    descriptor = os.open(os.path.join(sys.argv[1], f"slot-{number}"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(tokens.fcntl is None, reason="the host-wide cap needs fcntl")
def test_the_cap_is_shared_by_the_processes_of_the_host(client, en, clerk, settings, tmp_path):
    """Another process holds both slots (as two sync workers waiting on Clerk would): this
    one answers 503 at once without calling Clerk, and asks again once they are free."""
    settings.CLERK = {**settings.CLERK, "TOKEN_VERIFY_LOCK_DIR": str(tmp_path)}
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_SLOTS, str(tmp_path), "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "held"
        response, seconds = timed(lambda: feed(client, "junk-token"))
        assert response.status_code == 503 and int(response["Retry-After"]) >= 1
        # At once: far below the 3 s a wait for a slot (the verify timeout) would take.
        assert seconds < 1.0, seconds
        assert clerk.count("token/verify") == 0
    finally:
        other.communicate("", timeout=10)
    assert feed(client, "junk-token").status_code == 403
    assert clerk.count("token/verify") == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TOKEN_REJECT_CACHE_SECONDS", -1),
        ("TOKEN_VERIFY_TIMEOUT", 0),
        ("TOKEN_VERIFY_CONCURRENCY", 0),
        ("TOKEN_VERIFY_COOLDOWN", "10"),
    ],
)
def test_the_settings_are_range_checked(settings, name, value):
    from django_clerk.checks import check_settings

    settings.CLERK = {**settings.CLERK, name: value}
    assert [(e.id, name in e.msg) for e in check_settings()] == [("django_clerk.E009", True)]


@pytest.mark.skipif(tokens.fcntl is None, reason="the host-wide cooldown needs fcntl")
def test_a_cooldown_started_by_another_process_applies_here(client, en, clerk, settings):
    settings.CLERK = {**settings.CLERK, "TOKEN_VERIFY_COOLDOWN": 5}
    clerk.go_down()
    assert feed(client, "junk-1").status_code == 503
    cache.clear()  # what this process knows is gone; the host's record stays
    clerk.come_up()
    response = feed(client, "junk-2")
    assert response.status_code == 503 and 1 <= int(response["Retry-After"]) <= 5
    assert clerk.count("token/verify") == 1


@pytest.mark.parametrize("error_type", ["InternalError", None])
def test_clerks_own_failure_is_503_and_not_taken_for_a_refusal(client, en, clerk, error_type):
    """``{"status": "error"}`` of type ``InternalError`` (or none) is Clerk in trouble, not a
    verdict on the token: 503, nothing remembered, and the token works once Clerk does."""
    token = clerk.issue_token(PUBLIC)
    clerk.error_next(1, type=error_type, status=200, path="token/verify")
    assert feed(client, token).status_code == 503
    assert cache.get(tokens.rejected_key(PUBLIC, token)) is None
    assert feed(client, token).status_code == 200
    assert clerk.count("token/verify") == 2
