"""The value sets the whole studio shares: voices, frame shapes, music styles, backend names.

The pipeline owns them; the API schemas, the settings, the CLI and the UI import them from
here (the database keeps its own enums, and a test checks that both sets agree).
"""

from __future__ import annotations

from typing import Literal, get_args

Voice = Literal["male", "female", "neutral"]
VOICES: tuple[str, ...] = get_args(Voice)
"""The narrator voices a creator can pick."""

Aspect = Literal["16:9", "9:16", "1:1"]
ASPECT_RATIOS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}
"""Width and height ratio for each aspect name."""

Resolution = Literal["360p", "720p", "1080p"]
SHORT_SIDE_PX: dict[str, int] = {"360p": 360, "720p": 720, "1080p": 1080}
"""Length of the frame's shorter side for each resolution name (360p is a quick draft)."""
DEFAULT_RESOLUTION: Resolution = "720p"

MusicStyle = Literal["cinematic", "ambient", "upbeat", "devotional", "sloka"]
MUSIC_STYLES: tuple[str, ...] = get_args(MusicStyle)
"""The music styles a film can name (sloka is the devotional style under its Indian name)."""
STYLE_ALIASES: dict[str, str] = {"sloka": "devotional"}
"""Other names of a style."""
NO_MUSIC = "none"
"""The music choice for a film without music."""

Captions = Literal["none", "subtitles", "shorts"]
CAPTIONS: tuple[str, ...] = get_args(Captions)
"""Text burned into the picture: none (the .srt/.vtt files only), subtitles (two-line cues,
as in the files) or shorts (one to three large words at a time, the spoken word lit)."""
DEFAULT_CAPTIONS: Captions = "none"

TtsBackend = Literal["auto", "espeak", "piper", "kokoro", "parler"]
"""auto: Kokoro where it measured better than espeak-ng and is installed, else espeak-ng.
parler: Indic Parler-TTS in the Indian languages it speaks (when its weights are in
MODEL_DIR), auto everywhere else."""
MusicBackend = Literal["procedural", "musicgen", "acestep"]
"""procedural: the styles through a soundfont or the wavetable; musicgen: MusicGen (CC-BY-NC
weights, research only); acestep: ACE-Step 1.5 (MIT weights, commercial use allowed)."""
VideoBackend = Literal["kenburns", "svd"]
LipSyncBackend = Literal["auto", "none", "musetalk", "wav2lip"]
"""auto: MuseTalk 1.5 (commercial use allowed) when its weights are in MODEL_DIR, else Wav2Lip
(non-commercial: refused under COMMERCIAL_USE_ONLY) when its are, else no lip-sync (without a
warning)."""
TalkingBackend = Literal["lipsync", "infinitetalk"]
"""lipsync: speaking characters' stills are lip-synced (LipSyncBackend) or talk on the CPU;
infinitetalk: InfiniteTalk makes a moving, speaking character from the image and the line
(falls back to lipsync, with a warning, when its weights are missing or refused)."""
DeviceChoice = Literal["auto", "cuda", "cpu"]

TTS_BACKENDS: tuple[str, ...] = get_args(TtsBackend)
MUSIC_BACKENDS: tuple[str, ...] = get_args(MusicBackend)
VIDEO_BACKENDS: tuple[str, ...] = get_args(VideoBackend)
LIPSYNC_BACKENDS: tuple[str, ...] = get_args(LipSyncBackend)
TALKING_BACKENDS: tuple[str, ...] = get_args(TalkingBackend)

DEFAULT_TTS_BACKEND: TtsBackend = "auto"
DEFAULT_MUSIC_BACKEND: MusicBackend = "procedural"
DEFAULT_VIDEO_BACKEND: VideoBackend = "kenburns"
DEFAULT_LIPSYNC_BACKEND: LipSyncBackend = "auto"
DEFAULT_TALKING_BACKEND: TalkingBackend = "lipsync"
