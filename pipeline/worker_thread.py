"""A render's background work in a thread: stoppable at its next progress report, its error
handed to the render's thread, its progress read from there (the render's progress callback
is only called from the render's own thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable

WAIT_POLL_S = 0.1
"""How often a waiting render's thread wakes to report progress."""


class Stopped(Exception):
    """The work was asked to stop."""


class WorkerThread(threading.Thread):
    """Runs work() in a daemon thread. work() reports through report_progress (which raises
    Stopped once stop() was asked, ending the work quietly); an error it raises is kept and
    raised again by wait() in the waiting thread."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.fraction = 0.0
        """The share of the work done (as last reported)."""
        self.error: BaseException | None = None
        self._stop_requested = threading.Event()

    def work(self) -> None:
        """The thread's work (subclasses define it)."""
        raise NotImplementedError

    def run(self) -> None:
        try:
            self.work()
        except Stopped:
            pass
        except BaseException as error:  # handed to the waiting thread
            self.error = error

    def report_progress(self, _stage: str, fraction: float) -> None:
        """A ProgressCallback for work(): records the fraction; raises Stopped once asked."""
        if self._stop_requested.is_set():
            raise Stopped
        self.fraction = max(self.fraction, fraction)

    @property
    def stop_requested(self) -> bool:
        """Whether stop() was asked."""
        return self._stop_requested.is_set()

    def stop(self) -> None:
        """Ask the work to stop at its next progress report (it does not wait)."""
        self._stop_requested.set()

    def wait(self, on_poll: Callable[[], None]) -> None:
        """Wait for the work to end, calling on_poll between polls; raise its error."""
        while self.is_alive():
            self.join(WAIT_POLL_S)
            on_poll()
        if self.error is not None:
            raise self.error
