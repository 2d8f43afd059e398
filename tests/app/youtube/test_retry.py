"""Backoff: exponential ceilings with jitter, bounded attempts, reset after a success."""

from __future__ import annotations

import random

import pytest

from app.youtube.errors import QuotaExceeded, TransientError
from app.youtube.retry import Backoff, RetryPolicy, call_with_retries


def test_delays_grow_exponentially_within_jitter_and_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay_s=1.0, max_delay_s=8.0)
    rng = random.Random(3)

    for retry, ceiling in enumerate([1.0, 2.0, 4.0, 8.0, 8.0, 8.0], start=1):
        delays = [policy.delay_s(retry, rng) for _ in range(200)]
        assert min(delays) >= ceiling / 2
        assert max(delays) <= ceiling
        assert max(delays) - min(delays) > ceiling / 4  # jittered, not fixed


def test_policy_is_validated() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="base_delay_s"):
        RetryPolicy(base_delay_s=5, max_delay_s=1)


def test_transient_failures_are_retried_until_success() -> None:
    sleeps: list[float] = []
    steps: list[str] = []
    backoff = Backoff(RetryPolicy(max_attempts=3), sleeps.append, random.Random(1))
    failures = [ConnectionResetError(104, "reset"), TimeoutError("timed out")]

    def call() -> str:
        if failures:
            raise failures.pop(0)
        return "done"

    assert call_with_retries(call, action="test", backoff=backoff, on_step=steps.append) == "done"
    assert len(sleeps) == 2
    assert backoff.retries == 2
    assert backoff.failures == 0
    assert all("network failure" in step for step in steps)


def test_attempt_count_resets_after_a_success() -> None:
    backoff = Backoff(RetryPolicy(max_attempts=2), lambda _: None, random.Random(1))
    error = TransientError("Could not test: HTTP 503.")

    backoff.wait_or_give_up(error, lambda _: None)
    backoff.succeeded()
    backoff.wait_or_give_up(error, lambda _: None)
    with pytest.raises(TransientError, match="gave up after 2 attempts"):
        backoff.wait_or_give_up(error, lambda _: None)


def test_final_errors_and_foreign_exceptions_are_not_retried() -> None:
    sleeps: list[float] = []
    backoff = Backoff(RetryPolicy(), sleeps.append, random.Random(1))

    def quota() -> None:
        raise QuotaExceeded("Quota used up.", reason="quotaExceeded")

    def bug() -> None:
        raise KeyError("programming error")

    with pytest.raises(QuotaExceeded):
        call_with_retries(quota, action="test", backoff=backoff, on_step=lambda _: None)
    with pytest.raises(KeyError):
        call_with_retries(bug, action="test", backoff=backoff, on_step=lambda _: None)
    with pytest.raises(FileNotFoundError):
        call_with_retries(
            lambda: open("/nonexistent/file"),  # noqa: SIM115
            action="test",
            backoff=backoff,
            on_step=lambda _: None,
        )
    assert sleeps == []
