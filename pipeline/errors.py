"""Errors raised by pipeline stages.

InputError means the request itself is wrong (bad script, image, voice...): retrying cannot
help, and the message is one sentence a person can act on. Anything else is a fault.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error a pipeline stage raises on purpose."""


class InputError(PipelineError):
    """The input cannot be rendered as given; the message says what to change."""


class ScriptLengthError(InputError):
    """The script cannot fill the requested length: too long, or far too short."""

    def __init__(self, message: str, narration_s: float, requested_s: float) -> None:
        super().__init__(message)
        self.narration_s = narration_s
        self.requested_s = requested_s
