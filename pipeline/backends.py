"""Which backend each AI stage uses, and the backends of one render.

A BackendChoice is a plain value the caller passes into the stages (the worker builds it
from its settings, a notebook writes it by hand); the pipeline never reads settings itself.
StageBackends puts each stage's own selection (speech/select, music/select, picture/select,
lipsync/select) behind one object for a render or stage job. A chosen neural backend that
cannot serve is not an error: the stage falls back to its default and says so, once
(pipeline.neural.fallback). record() is what render.json keeps: the choice, what was used,
and each neural shot's seeds.

Importing this module loads no model runtime.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.lipsync import select as lipsync_select
from pipeline.lipsync.select import LipSyncModel
from pipeline.lipsync.wav2lip import LipSyncOptions
from pipeline.music.acestep import AceStepSettings
from pipeline.music.musicgen import MusicGenSettings
from pipeline.music.select import AUTO_SOUNDFONT, MusicMaker
from pipeline.neural.fallback import BackendLog
from pipeline.neural.registry import is_available, list_models
from pipeline.neural_shots import NeuralShotOptions, NeuralShots, ShotRecords
from pipeline.parallax_shots import ParallaxShots
from pipeline.picture.image_to_video import VideoSettings
from pipeline.picture.select import video_model_folder
from pipeline.picture.shot_pictures import ShotPictures
from pipeline.sound.clips import ClipStore
from pipeline.speech import kokoro_model
from pipeline.speech.select import Narrator
from pipeline.talking import select as talking_select
from pipeline.talking.settings import TalkSettings
from pipeline.talking_shots import TalkingShots
from pipeline.types import (
    AudioArray,
    ProgressCallback,
    Sentence,
    SpokenSentence,
    Timeline,
    VideoFormat,
    no_progress,
)
from pipeline.vocabulary import (
    DEFAULT_LIPSYNC_BACKEND,
    DEFAULT_MUSIC_BACKEND,
    DEFAULT_TALKING_BACKEND,
    DEFAULT_TTS_BACKEND,
    DEFAULT_VIDEO_BACKEND,
    LipSyncBackend,
    MusicBackend,
    TalkingBackend,
    TtsBackend,
    VideoBackend,
)

DEFAULT_VIDEO_MODEL = "svd-img2vid-xt"
"""The registry's image-to-video model used when none is named (25 frames a clip)."""
DETECT_EVERY_FRAMES = 3
"""Frames between face detections when lip-syncing a video (0.1 s at 30 fps)."""


@dataclass(frozen=True)
class BackendChoice:
    """The backend of each stage, where the weights are, and how the neural ones run.

    model_dir None means no weights anywhere: every neural choice falls back to its default.
    device None picks CUDA when a GPU is usable, else the CPU.
    """

    tts: TtsBackend = DEFAULT_TTS_BACKEND
    music: MusicBackend = DEFAULT_MUSIC_BACKEND
    video: VideoBackend = DEFAULT_VIDEO_BACKEND
    lipsync: LipSyncBackend = DEFAULT_LIPSYNC_BACKEND
    talking: TalkingBackend = DEFAULT_TALKING_BACKEND
    """infinitetalk: speaking characters are made by InfiniteTalk (pipeline.talking) instead
    of lip-syncing their still."""
    model_dir: Path | None = None
    device: str | None = None
    video_model: str = DEFAULT_VIDEO_MODEL
    """Registry name of the image-to-video model (svd-img2vid-xt or svd-img2vid)."""
    video_settings: VideoSettings = field(default_factory=VideoSettings)
    music_settings: MusicGenSettings = field(default_factory=MusicGenSettings)
    acestep_settings: AceStepSettings = field(default_factory=AceStepSettings)
    talking_settings: TalkSettings = field(default_factory=TalkSettings)
    soundfont: str = AUTO_SOUNDFONT
    """The styles' instruments: "auto" (an installed General MIDI soundfont, else the
    wavetable), "none" (the wavetable) or the path of an .sf2/.sf3 file."""
    lipsync_options: LipSyncOptions = field(
        default_factory=lambda: LipSyncOptions(detect_every=DETECT_EVERY_FRAMES)
    )
    commercial_only: bool = False
    """Refuse models whose weights do not allow selling the output (pipeline.neural.licences)."""
    talking_stills: bool = True
    """Speaking characters without neural lip-sync move their mouth with the speech and blink
    (pipeline.talking_shots), when the face mesh model is installed and finds their face."""
    parallax: bool = False
    """Other pictures of people get a two-layer parallax (pipeline.parallax_shots): off by
    default, it about doubles those frames' drawing cost."""

    def chosen(self) -> dict[str, str]:
        """The choice per stage, as recorded in render.json (talking only when it is not
        the default lip-sync path)."""
        chosen: dict[str, str] = {
            "tts": self.tts,
            "music": self.music,
            "video": self.video,
            "lipsync": self.lipsync,
        }
        if self.talking != DEFAULT_TALKING_BACKEND:
            chosen["talking"] = self.talking
        return chosen


def cache_inputs(choice: BackendChoice, stage: str) -> dict[str, Any]:
    """What of the choice a cached output of stage ("tts" or "music") depends on, for its key."""
    inputs: dict[str, Any] = {
        "backend": choice.chosen()[stage],
        "model_dir": str(choice.model_dir) if choice.model_dir else None,
        "device": choice.device,
        "commercial_only": choice.commercial_only,
    }
    if stage == "music":
        inputs["music_settings"] = choice.music_settings
        if choice.music == "acestep":  # (the other backends' keys stay as they were)
            inputs["acestep_settings"] = choice.acestep_settings
        inputs["soundfont"] = choice.soundfont
    installed = installed_models(choice.model_dir, stage)
    if installed:  # installing or removing weights changes what auto and fallbacks produce
        inputs["installed"] = installed
    return inputs


def installed_models(model_dir: Path | None, stage: str) -> list[str]:
    """The registry models of stage ("tts" or "music") complete under model_dir, and Kokoro for
    narration when it is installed, sorted: what a cached output of that stage may depend on."""
    names = []
    if model_dir is not None:
        names = [spec.name for spec in list_models() if spec.stage == stage]
        names = [name for name in names if is_available(name, model_dir)]
    if stage == "tts" and kokoro_model.available(model_dir):
        names.append("kokoro")
    return sorted(names)


CPU_DEFAULTS = BackendChoice(lipsync="none")
"""Every stage on its CPU default (espeak-ng, procedural music, Ken Burns, no lip-sync)."""


class StageBackends:
    """The backends of one render or stage job, resolved against MODEL_DIR once each.

    Not shared between renders: it collects that render's warnings and records.
    """

    def __init__(self, choice: BackendChoice) -> None:
        self.choice = choice
        self.log = BackendLog()
        self.records = ShotRecords()
        self.narrator = Narrator(
            choice.tts, choice.model_dir, choice.device, self.log, choice.commercial_only
        )
        self.music = MusicMaker(
            choice.music,
            choice.model_dir,
            choice.device,
            choice.music_settings,
            self.log,
            commercial_only=choice.commercial_only,
            soundfont=choice.soundfont,
            acestep_settings=choice.acestep_settings,
        )

    def speak(
        self,
        sentences: Sequence[Sentence],
        voice: str,
        language: str,
        words_per_minute: int,
        progress: ProgressCallback = no_progress,
    ) -> list[SpokenSentence]:
        """The sentences narrated by the chosen voice backend (see Narrator.speak)."""
        return self.narrator.speak(sentences, voice, language, words_per_minute, progress)

    def music_chunks(
        self,
        style: str,
        duration_s: float,
        sample_rate: int,
        seed: int,
        chunk_s: float,
        prompt: str | None = None,
        progress: ProgressCallback = no_progress,
    ) -> Iterator[AudioArray]:
        """A style's music by the chosen music backend (see MusicMaker.music_chunks)."""
        return self.music.music_chunks(
            style, duration_s, sample_rate, seed, chunk_s, prompt, progress
        )

    @property
    def warnings(self) -> list[str]:
        """Each fallback's sentence, once, in the order they happened."""
        return self.log.warnings

    @property
    def used(self) -> dict[str, str]:
        """The backend that served each stage."""
        return self.log.used

    def warn(self, message: str) -> None:
        """Add a warning once (and log it)."""
        self.log.warn(message)

    def record(self) -> dict[str, Any]:
        """What render.json keeps about the backends: chosen, used, shots, seconds."""
        return {
            "chosen": self.choice.chosen(),
            "used": dict(self.log.used),
            "music_instruments": self.music.instruments,
            "model_dir": str(self.choice.model_dir) if self.choice.model_dir else None,
            "device": self.choice.device or "auto",
            "shots": list(self.records.shots),
            "seconds": {name: round(value, 3) for name, value in self.records.seconds.items()},
        }

    def lipsync_model(self, always_warn: bool = False) -> LipSyncModel | None:
        """The lip-sync model (auto: MuseTalk, then Wav2Lip) when chosen and loadable; else None
        with a warning (for auto, only when always_warn: a job that asked for lip-sync)."""
        choice = self.choice
        return lipsync_select.lipsync_model(
            choice.lipsync,
            choice.model_dir,
            choice.device,
            self.log,
            always_warn,
            choice.commercial_only,
        )

    def shot_pictures(
        self,
        timeline: Timeline,
        spoken: Sequence[SpokenSentence],
        fmt: VideoFormat,
        seed: int,
        clips: ClipStore | None = None,
    ) -> ShotPictures | None:
        """The hook that lip-syncs speakers and animates images while the film encodes, or
        None when both are off (the renderer then draws every shot itself)."""
        choice = self.choice
        has_speakers = any(shot.speaker and shot.image for shot in timeline.shots)
        talker = (
            talking_select.infinitetalk_folder(
                choice.talking, choice.model_dir, self.log, choice.commercial_only
            )
            if has_speakers
            else None
        )
        model = self.lipsync_model() if has_speakers and talker is None else None
        if not has_speakers or talker is not None:
            self.log.use(lipsync_select.STAGE, lipsync_select.NO_LIPSYNC)
        folder = video_model_folder(
            choice.video, choice.video_model, choice.model_dir, self.log, choice.commercial_only
        )
        neural: ShotPictures | None = None
        if model is not None or folder is not None or talker is not None:
            options = NeuralShotOptions(
                choice.lipsync_options,
                choice.video_settings,
                choice.device,
                choice.talking_settings,
            )
            neural = NeuralShots(
                options,
                self.log,
                self.records,
                timeline,
                spoken,
                clips,
                fmt,
                seed,
                model,
                folder,
                talker,
            )
        hook = neural
        if has_speakers and model is None and choice.talking_stills:
            hook = TalkingShots(timeline, spoken, clips, fmt, seed, hook)
        if choice.parallax:
            hook = ParallaxShots(fmt, hook)
        return hook
