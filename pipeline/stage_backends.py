"""The backends of one render (or stage job): neural where chosen and present, else the default.

StageBackends turns a BackendChoice into working stages:

- speak(): piper narration for the language and voice when chosen and its voice is in
  MODEL_DIR, else espeak-ng;
- music_chunks(): MusicGen (style plus free-text prompt) when chosen and present, else the
  procedural styles;
- shot_pictures(): a pipeline.shot_pictures hook that lip-syncs speaking characters'
  images (Wav2Lip) and animates image shots (Stable Video Diffusion) while the film encodes;
- lipsync_model(): the Wav2Lip model for the lip-sync job.

Whenever a chosen backend cannot serve (weights missing, no voice for the language, no GPU
when one was demanded, no face in an image) the stage uses its default and one sentence goes
into `warnings` (and the pipeline log). Nothing falls back silently and no output is faked.
record() is what render.json keeps: the choice, what was used, and each neural shot's seeds.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.signal import resample_poly

from pipeline import music, tts
from pipeline.backend_choice import BackendChoice
from pipeline.backends import image_to_video, musicgen, piper_tts
from pipeline.backends.common import BackendUnavailableError
from pipeline.clips import ClipStore
from pipeline.images import load_rgb
from pipeline.languages import get_language
from pipeline.lipsync import Wav2LipModel, lipsync_still
from pipeline.mel import MEL_SAMPLE_RATE_HZ
from pipeline.model_registry import WAV2LIP, UnknownModelError, get_model, missing_files, model_path
from pipeline.models import (
    AudioArray,
    Frame,
    ProgressCallback,
    Sentence,
    SpokenSentence,
    Timeline,
    VideoFormat,
    no_progress,
)
from pipeline.onnx_runtime import (
    CPU_PROVIDER,
    CUDA_PROVIDER,
    ModelUnavailableError,
    available_providers,
)
from pipeline.shot_pictures import ShotPicture, ShotPictures
from pipeline.visuals import ShotSpan, prepare_rgb
from pipeline.yuv import YuvImage, rgb_to_yuv

logger = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
PROCEDURAL = "procedural"
KEN_BURNS = "kenburns"
NO_LIPSYNC = "none"

_WAV2LIP_LOCK = threading.Lock()


def shot_seed(film_seed: int, shot_index: int) -> int:
    """The seed of one animated shot, derived from the film's seed and the shot's index."""
    return int(np.random.SeedSequence([film_seed & 0xFFFFFFFF, shot_index]).generate_state(1)[0])


def load_wav2lip(path: Path, device: str | None = None) -> Wav2LipModel:
    """The Wav2Lip ONNX model at path, loaded once per process and device (read-only after).

    device "cpu" forces the CPU provider; otherwise CUDA is used when onnxruntime-gpu offers
    it. Raises ModelUnavailableError (one sentence) when it cannot be loaded.
    """
    with _WAV2LIP_LOCK:
        return _load_wav2lip_cached(path.resolve(), _providers(device))


@cache
def _load_wav2lip_cached(path: Path, providers: tuple[str, ...]) -> Wav2LipModel:
    return Wav2LipModel.load(path, providers=list(providers))


def _providers(device: str | None) -> tuple[str, ...]:
    if device == "cpu":
        return (CPU_PROVIDER,)
    offered = available_providers()
    if CUDA_PROVIDER in offered:
        return (CUDA_PROVIDER, CPU_PROVIDER)
    if device == "cuda":
        raise ModelUnavailableError(
            "A CUDA device was requested but onnxruntime offers no CUDA provider "
            "(install onnxruntime-gpu)."
        )
    return (CPU_PROVIDER,)


class StageBackends:
    """The backends of one render or stage job, resolved against MODEL_DIR once each.

    Not shared between renders: it collects that render's warnings and records.
    """

    def __init__(self, choice: BackendChoice) -> None:
        self.choice = choice
        self.warnings: list[str] = []
        self.used: dict[str, str] = {}
        self.shots: list[dict[str, Any]] = []
        self.seconds: dict[str, float] = {"lipsync": 0.0, "animate": 0.0}
        self._piper: dict[tuple[str, str], Path | None] = {}
        self._lock = threading.Lock()

    # --- bookkeeping ------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """Add a warning once (and log it)."""
        with self._lock:
            if message in self.warnings:
                return
            self.warnings.append(message)
        logger.warning("%s", message)

    def record(self) -> dict[str, Any]:
        """What render.json keeps about the backends: chosen, used, shots, seconds."""
        return {
            "chosen": self.choice.chosen(),
            "used": dict(self.used),
            "model_dir": str(self.choice.model_dir) if self.choice.model_dir else None,
            "device": self.choice.device or "auto",
            "shots": list(self.shots),
            "seconds": {name: round(value, 3) for name, value in self.seconds.items()},
        }

    def _model_dir(self) -> Path | None:
        return self.choice.model_dir

    # --- narration --------------------------------------------------------------------------

    def speak(
        self,
        sentences: Sequence[Sentence],
        voice: str,
        language: str,
        words_per_minute: int,
        progress: ProgressCallback = no_progress,
    ) -> list[SpokenSentence]:
        """Narrate the sentences with piper when chosen and its voice is present, else espeak-ng;
        each clip is trimmed to its sound, as espeak-ng's are."""
        voices_dir = self._piper_voices(language, voice)
        if voices_dir is None:
            return tts.synthesize(sentences, voice, language, words_per_minute, progress)
        made = piper_tts.synthesize(
            sentences,
            voice,
            language,
            words_per_minute,
            voices_dir,
            progress,
            use_cuda=self._onnx_cuda(),
        )
        return [
            replace(clip, audio=tts.trim_silence(clip.audio, clip.sample_rate)) for clip in made
        ]

    def _piper_voices(self, language: str, voice: str) -> Path | None:
        """The piper voices folder when piper can narrate this language and voice, else None
        (with a warning when piper was chosen)."""
        if self.choice.tts != "piper":
            self.used.setdefault("tts", ESPEAK)
            return None
        key = (language, voice)
        if key not in self._piper:
            self._piper[key] = self._resolve_piper(language, voice)
        return self._piper[key]

    def _resolve_piper(self, language: str, voice: str) -> Path | None:
        name = get_language(language).name
        model_dir = self._model_dir()
        try:
            choice = piper_tts.voice_for(language, voice)
        except BackendUnavailableError:
            self.warn(f"Narration: piper has no voice for {name}, so espeak-ng spoke it.")
            self.used["tts"] = ESPEAK
            return None
        download = f"`filmstudio models download piper-{choice.model}`"
        if model_dir is None:
            self.warn(
                f"Narration: piper was chosen but MODEL_DIR is not set, so espeak-ng spoke it "
                f"({download} fetches the voice)."
            )
            self.used["tts"] = ESPEAK
            return None
        voices_dir = piper_tts.voices_folder(model_dir)
        missing = piper_tts.missing_files(voices_dir, language, voice)
        if missing:
            self.warn(
                f"Narration: the piper voice {choice.model} is not in {voices_dir} "
                f"(missing {', '.join(missing)}), so espeak-ng spoke it ({download} fetches it)."
            )
            self.used["tts"] = ESPEAK
            return None
        self.used["tts"] = f"piper:{choice.model}"
        return voices_dir

    def _onnx_cuda(self) -> bool:
        if self.choice.device == "cpu":
            return False
        try:
            return CUDA_PROVIDER in available_providers()
        except ModelUnavailableError:
            return False

    # --- music ------------------------------------------------------------------------------

    def music_chunks(
        self,
        style: str,
        duration_s: float,
        sample_rate: int,
        seed: int,
        chunk_s: float,
        prompt: str | None = None,
    ) -> Iterator[AudioArray]:
        """Stereo chunks of a music style: MusicGen (style + prompt) when chosen and present,
        else the procedural style; exactly round(duration_s * sample_rate) samples either way."""
        folder = self._musicgen_folder()
        if folder is not None:
            try:
                chunks = musicgen.music_chunks(
                    folder,
                    style,
                    duration_s,
                    sample_rate,
                    seed,
                    prompt=prompt,
                    chunk_s=chunk_s,
                    settings=self.choice.music_settings,
                    device=self.choice.device,
                )
            except BackendUnavailableError as error:
                self.warn(f"Music: MusicGen cannot run here ({error}); the {style} style is used.")
            else:
                self.used["music"] = f"musicgen:{folder.name}"
                return chunks
        self.used["music"] = PROCEDURAL
        return music.music_chunks(style, duration_s, sample_rate, seed, chunk_s)

    def _musicgen_folder(self) -> Path | None:
        if self.choice.music != "musicgen":
            return None
        model_dir = self._model_dir()
        download = "`filmstudio models download musicgen-small` fetches it"
        if model_dir is None:
            self.warn(
                f"Music: MusicGen was chosen but MODEL_DIR is not set, so the procedural "
                f"style plays ({download})."
            )
            return None
        folder = musicgen.default_folder(model_dir)
        missing = musicgen.missing_files(folder)
        if missing:
            self.warn(
                f"Music: the MusicGen weights are not in {folder} (missing "
                f"{', '.join(missing[:3])}), so the procedural style plays ({download})."
            )
            return None
        return folder

    # --- pictures ---------------------------------------------------------------------------

    def lipsync_model(self, always_warn: bool = False) -> Wav2LipModel | None:
        """The Wav2Lip model when lip-sync is chosen (or auto) and its weights load; else None
        with a warning (for auto, only when always_warn: a job that asked for lip-sync)."""
        chosen = self.choice.lipsync
        if chosen == "none":
            self.used["lipsync"] = NO_LIPSYNC
            if always_warn:
                self.warn("Lip-sync is switched off on this server (LIPSYNC_BACKEND=none).")
            return None
        loud = chosen == "wav2lip" or always_warn
        model_dir = self._model_dir()
        problem: str | None = None
        if model_dir is None:
            problem = "MODEL_DIR is not set"
        else:
            missing = missing_files(WAV2LIP, model_dir)
            if missing:
                problem = f"{', '.join(missing)} is not in {model_dir / WAV2LIP.folder}"
        model = None
        if problem is None and model_dir is not None:
            try:
                model = load_wav2lip(model_path(WAV2LIP, model_dir), self.choice.device)
            except ModelUnavailableError as error:
                problem = str(error).rstrip(".")
                loud = True  # the weights are there but do not load: never quietly
        if model is None:
            self.used["lipsync"] = NO_LIPSYNC
            if loud:
                self.warn(
                    f"Lip-sync: the Wav2Lip model is unavailable ({problem}), so faces are not "
                    f"lip-synced (`filmstudio models download {WAV2LIP.name}` fetches it)."
                )
            return None
        self.used["lipsync"] = WAV2LIP.name
        return model

    def _video_folder(self) -> Path | None:
        if self.choice.video != "svd":
            self.used["video"] = KEN_BURNS
            return None
        model_dir = self._model_dir()
        try:
            spec = get_model(self.choice.video_model)
        except UnknownModelError as error:
            self.warn(f"Image-to-video: {error} Ken Burns moves are used instead.")
            self.used["video"] = KEN_BURNS
            return None
        download = f"`filmstudio models download {spec.name}` fetches it"
        if model_dir is None:
            self.warn(
                f"Image-to-video: {spec.name} was chosen but MODEL_DIR is not set, so images "
                f"get Ken Burns moves ({download})."
            )
            self.used["video"] = KEN_BURNS
            return None
        folder = model_path(spec, model_dir)
        missing = image_to_video.missing_files(folder)
        if missing:
            self.warn(
                f"Image-to-video: the {spec.name} weights are not in {folder} (missing "
                f"{', '.join(missing[:3])}), so images get Ken Burns moves ({download})."
            )
            self.used["video"] = KEN_BURNS
            return None
        self.used["video"] = spec.name
        return folder

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
        has_speakers = any(shot.speaker and shot.image for shot in timeline.shots)
        model = self.lipsync_model() if has_speakers else None
        if not has_speakers:
            self.used["lipsync"] = NO_LIPSYNC
        folder = self._video_folder()
        if model is None and folder is None:
            return None
        return _NeuralShots(self, timeline, spoken, clips, fmt, seed, model, folder)


# --- the shot hook ------------------------------------------------------------------------------


@dataclass
class _ShotFrames:
    """The pictures of one shot, produced in order; restarted for a frame already passed."""

    end: int
    """The span's end frame (exclusive), to forget the shot once the film is past it."""
    make: Callable[[], Iterator[ShotPicture]] | None
    """None: the plain shot."""
    clock: str = ""
    seconds: dict[str, float] | None = None
    frames: Iterator[ShotPicture] | None = None
    produced: int = 0
    last: ShotPicture | None = None

    def at(self, offset: int) -> ShotPicture | None:
        if self.make is None:
            return None
        if self.last is not None and offset == self.produced - 1:
            return self.last
        if self.frames is None or offset < self.produced - 1:
            self.frames, self.produced = self.make(), 0
        started = time.perf_counter()
        while self.produced <= offset:
            self.last = next(self.frames, self.last)
            self.produced += 1
        if self.seconds is not None:
            self.seconds[self.clock] += time.perf_counter() - started
        return self.last


class _NeuralShots:
    """A ShotPictures hook: Wav2Lip on speaking characters, SVD clips on the other images."""

    def __init__(
        self,
        backends: StageBackends,
        timeline: Timeline,
        spoken: Sequence[SpokenSentence],
        clips: ClipStore | None,
        fmt: VideoFormat,
        seed: int,
        model: Wav2LipModel | None,
        video_folder: Path | None,
    ) -> None:
        self._backends = backends
        self._timeline = timeline
        self._spoken = {clip.sentence.index: clip for clip in spoken}
        self._clips = clips
        self._fmt = fmt
        self._seed = seed
        self._model = model
        self._video_folder = video_folder
        self._shots: dict[int, _ShotFrames] = {}

    def __call__(self, span: ShotSpan, index: int) -> ShotPicture | None:
        for done in [key for key, shot in self._shots.items() if shot.end <= index]:
            del self._shots[done]
        frames = self._shots.get(span.index)
        if frames is None:
            frames = self._start(span)
            self._shots[span.index] = frames
        return frames.at(index - span.first)

    def _start(self, span: ShotSpan) -> _ShotFrames:
        shot = span.shot
        if shot.speaker is not None and shot.image is not None and self._model is not None:
            synced = self._lipsync(span, shot.image, shot.speaker, self._model)
            if synced is not None:
                return synced
        if shot.image is not None and self._video_folder is not None:
            return self._animate(span, self._video_folder)
        return _ShotFrames(end=span.end, make=None)

    # --- lip-sync ---------------------------------------------------------------------------

    def _lipsync(
        self, span: ShotSpan, image: Path, speaker: str, model: Wav2LipModel
    ) -> _ShotFrames | None:
        fps = self._fmt.fps
        count = span.end - span.first
        rgb = prepare_rgb(load_rgb(image, image.name), self._fmt)
        audio, rate = self._speaker_audio(span)
        options = self._backends.choice.lipsync_options
        notes: list[str] = []
        first = lipsync_still(rgb, audio, rate, fps, model, count, options, on_note=notes.append)
        record: dict[str, Any] = {
            "shot": span.index,
            "kind": "lipsync",
            "speaker": speaker,
            "image": image.name,
            "start_s": round(span.first / fps, 3),
            "end_s": round(span.end / fps, 3),
            "frames": count,
        }
        if notes:
            self._backends.warn(
                f"Lip-sync: no face was found in {speaker}'s image {image.name}; "
                "their shot is shown without lip-sync."
            )
            self._backends.shots.append({**record, "face": False, "note": notes[0]})
            return None
        self._backends.shots.append({**record, "face": True})
        pending = [first]

        def make() -> Iterator[ShotPicture]:
            frames = (
                pending.pop()
                if pending
                else lipsync_still(
                    rgb, audio, rate, fps, model, count, options, on_note=notes.append
                )
            )
            return (ShotPicture(rgb_to_yuv(frame), moves=True) for frame in frames)

        return _ShotFrames(span.end, make, "lipsync", self._backends.seconds)

    def _speaker_audio(self, span: ShotSpan) -> tuple[AudioArray, int]:
        """The speaker's own lines during the span, mono, placed from the span's first frame."""
        fps = self._fmt.fps
        origin = span.first / fps
        length_s = (span.end - span.first) / fps
        lines = [
            speech
            for speech in self._timeline.speech
            if speech.sentence.speaker == span.shot.speaker
            and speech.end_s > origin
            and speech.start_s < origin + length_s
        ]
        rate = self._spoken[lines[0].sentence.index].sample_rate if lines else MEL_SAMPLE_RATE_HZ
        audio = np.zeros(math.ceil(length_s * rate), dtype=np.float32)
        for speech in lines:
            clip = self._clip_audio(speech.sentence.index, rate)
            start = round((speech.start_s - origin) * rate)
            first = max(0, -start)
            stop = min(len(clip), len(audio) - start)
            if stop > first:
                audio[start + first : start + stop] += clip[first:stop]
        return audio, rate

    def _clip_audio(self, sentence_index: int, rate: int) -> AudioArray:
        clip = self._spoken[sentence_index]
        if self._clips is not None and sentence_index in self._clips:
            samples = self._clips.load(sentence_index)
        else:
            samples = np.asarray(clip.audio, dtype=np.float32)
        if clip.sample_rate != rate:
            common = math.gcd(clip.sample_rate, rate)
            samples = resample_poly(samples, rate // common, clip.sample_rate // common)
        return np.asarray(samples, dtype=np.float32)

    # --- image-to-video ---------------------------------------------------------------------

    def _animate(self, span: ShotSpan, folder: Path) -> _ShotFrames:
        shot = span.shot
        assert shot.image is not None
        fps = self._fmt.fps
        duration_s = (span.end - span.first) / fps
        seed = shot_seed(self._seed, span.index)
        choice = self._backends.choice

        def animate() -> image_to_video.AnimatedShot:
            assert shot.image is not None
            return image_to_video.animate_shot(
                folder,
                shot.image,
                duration_s,
                self._fmt,
                seed,
                choice.video_settings,
                choice.device,
            )

        try:
            started = time.perf_counter()
            first = animate()
            self._backends.seconds["animate"] += time.perf_counter() - started
        except BackendUnavailableError as error:
            self._backends.warn(
                f"Image-to-video: the model cannot run here ({error}); images get Ken Burns "
                "moves instead."
            )
            self._backends.used["video"] = KEN_BURNS
            self._video_folder = None
            return _ShotFrames(end=span.end, make=None)
        self._backends.shots.append(
            {
                "shot": span.index,
                "kind": "image_to_video",
                "image": shot.image.name,
                "start_s": round(span.first / fps, 3),
                "end_s": round(span.end / fps, 3),
                "seed": seed,
                **first.plan.record(),
            }
        )
        pending = [first]

        def make() -> Iterator[ShotPicture]:
            animated = pending.pop() if pending else animate()
            return (ShotPicture(_yuv(frame), moves=False) for frame in animated.frames)

        return _ShotFrames(span.end, make, "animate", self._backends.seconds)


def _yuv(frame: Frame) -> YuvImage:
    return rgb_to_yuv(np.ascontiguousarray(frame))
