"""Bounded retries with exponential backoff and jitter for calls to the YouTube API."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from app.youtube.classify import classify_error
from app.youtube.errors import RequestRejected, TransientError, YouTubeError

T = TypeVar("T")

Sleep = Callable[[float], None]
"""Waits the given number of seconds (time.sleep; tests pass a recorder)."""

StepLog = Callable[[str], None]
"""Receives one human-readable line per step ("upload started", "uploaded 40%" ...)."""

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_BASE_DELAY_S = 1.0
DEFAULT_MAX_DELAY_S = 64.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failing request is tried again.

    `max_attempts` counts consecutive tries of one request (a chunk that gets through resets
    the count). Before retry n the wait is random in [d/2, d] with
    d = min(max_delay_s, base_delay_s * 2**(n-1)): exponential, with jitter so that many
    workers failing together do not retry together.
    """

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    base_delay_s: float = DEFAULT_BASE_DELAY_S
    max_delay_s: float = DEFAULT_MAX_DELAY_S

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1.")
        if self.base_delay_s < 0 or self.max_delay_s < self.base_delay_s:
            raise ValueError("RetryPolicy needs 0 <= base_delay_s <= max_delay_s.")

    def delay_s(self, retry_number: int, rng: random.Random) -> float:
        """Seconds to wait before retry number `retry_number` (1 for the first retry)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** (retry_number - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class Backoff:
    """Counts consecutive failures of one request and waits before each retry."""

    def __init__(self, policy: RetryPolicy, sleep: Sleep, rng: random.Random) -> None:
        self._policy = policy
        self._sleep = sleep
        self._rng = rng
        self.failures = 0
        """Consecutive failures since the last success."""
        self.retries = 0
        """Retries made in total, across successes."""

    def succeeded(self) -> None:
        """Record a success: the next failure starts a fresh series of attempts."""
        self.failures = 0

    def wait_or_give_up(self, error: TransientError, on_step: StepLog) -> None:
        """Sleep before the next attempt, or raise `error` when the attempts are used up."""
        self.failures += 1
        if self.failures >= self._policy.max_attempts:
            final = TransientError(
                f"{str(error).rstrip('.')}; gave up after {self.failures} attempts.",
                attempts=self.failures,
            )
            final.__cause__ = error.__cause__
            raise final
        delay = self._policy.delay_s(self.failures, self._rng)
        on_step(
            f"{str(error).rstrip('.')}; retrying in {delay:.1f} s "
            f"(attempt {self.failures + 1} of {self._policy.max_attempts})"
        )
        self.retries += 1
        self._sleep(delay)


def call_with_retries(
    call: Callable[[], T],
    *,
    action: str,
    backoff: Backoff,
    on_step: StepLog,
    refused_as: type[YouTubeError] = RequestRejected,
) -> T:
    """Run `call` until it succeeds, retrying transient failures; raise the classified error."""
    while True:
        try:
            result = call()
        except Exception as error:
            classified = classify_error(error, action=action, refused_as=refused_as)
            if classified is None or classified is error:
                raise
            if not isinstance(classified, TransientError):
                raise classified from error
            classified.__cause__ = error
            backoff.wait_or_give_up(classified, on_step)
            continue
        backoff.succeeded()
        return result
