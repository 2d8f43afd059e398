"""Every error the pipeline raises on purpose, in one place.

InputError means the request itself is wrong (bad script, image, voice...): retrying cannot
help, and the message is one sentence a person can act on. BackendUnavailableError means a
neural backend cannot serve here (weights, runtime or device missing): the stage falls back
to its CPU default and says so. Anything else is a fault.
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


class RenderCancelled(PipelineError):
    """Raised by a progress callback to stop a render; nothing is left in the output folder."""


class BackendUnavailableError(PipelineError):
    """A neural backend cannot serve a request here: its runtime, weights or device are
    missing or unreadable, or it has nothing for the requested language/voice. The stage falls
    back to its CPU default and logs this message."""


class UnknownModelError(PipelineError):
    """No registered model has the requested name."""


class ModelDownloadError(PipelineError):
    """A model could not be downloaded; the message is one sentence saying why."""


class EncodeError(PipelineError):
    """ffmpeg failed; the message carries the end of its error output."""


class EspeakError(PipelineError):
    """The espeak-ng library failed; not the user's fault."""


class FontMissingError(PipelineError):
    """A font package the renderer depends on is not installed."""
