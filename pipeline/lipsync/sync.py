"""Run whichever lip-sync model was loaded (MuseTalk or Wav2Lip) through one interface."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipeline.lipsync import musetalk, wav2lip
from pipeline.lipsync.musetalk import MuseTalkModel
from pipeline.lipsync.wav2lip import LipSyncOptions, NoteCallback, Wav2LipModel, log_note
from pipeline.types import AudioArray, Frame, ProgressCallback, no_progress


def model_name(model: Wav2LipModel | MuseTalkModel) -> str:
    """The registry name of the model that lip-syncs."""
    from pipeline.neural.registry import WAV2LIP

    return model.name if isinstance(model, MuseTalkModel) else WAV2LIP.name


def sync_still(
    image: Frame,
    audio: AudioArray,
    sample_rate: int,
    fps: float,
    model: Wav2LipModel | MuseTalkModel,
    n_frames: int | None = None,
    options: LipSyncOptions | None = None,
    on_note: NoteCallback = log_note,
    progress: ProgressCallback = no_progress,
) -> Iterator[Frame]:
    """A still image speaking the audio (see the models' lipsync_still)."""
    if isinstance(model, MuseTalkModel):
        return musetalk.lipsync_still(
            image, audio, sample_rate, fps, model, n_frames, options, on_note, progress
        )
    return wav2lip.lipsync_still(image, audio, sample_rate, fps, model, n_frames, options, on_note)


def sync_video(
    frames: Iterable[Frame],
    audio: AudioArray,
    sample_rate: int,
    fps: float,
    model: Wav2LipModel | MuseTalkModel,
    options: LipSyncOptions | None = None,
    on_note: NoteCallback = log_note,
) -> Iterator[Frame]:
    """A video's faces re-synced to the audio (see the models' lipsync_video)."""
    if isinstance(model, MuseTalkModel):
        return musetalk.lipsync_video(frames, audio, sample_rate, fps, model, options, on_note)
    return wav2lip.lipsync_video(frames, audio, sample_rate, fps, model, options, on_note)
