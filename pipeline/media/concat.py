"""Join separately encoded video segments without re-encoding, and mux the film's sound.

Each segment is an MP4 of H.264 made with the same encoder settings and a closed GOP that
starts on its first frame (pipeline.media.encode), so the segments' streams can follow one
another as they are: ffmpeg's concat demuxer reads them in order and the packets are copied
(-c copy) into one MP4 with the AAC track, moov atom first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.media.encode import ffmpeg_exe, run_ffmpeg

LIST_NAME = "segments.txt"


def concat_list(segments: Sequence[Path]) -> str:
    """The concat demuxer's list of segment files (absolute paths, quoted)."""
    lines = ["ffconcat version 1.0"]
    for path in segments:
        quoted = str(path.resolve()).replace("'", "'\\''")
        lines.append(f"file '{quoted}'")
    return "\n".join(lines) + "\n"


def join_and_mux(segments: Sequence[Path], audio_path: Path, out_path: Path) -> None:
    """Write out_path: the segments' video joined in order (no re-encoding) and the audio
    track, moov first (+faststart). Raises EncodeError when ffmpeg fails."""
    if not segments:
        raise ValueError("A film needs at least one video segment to join.")
    with tempfile.TemporaryDirectory(prefix="concat-", dir=out_path.parent) as scratch:
        listing = Path(scratch) / LIST_NAME
        listing.write_text(concat_list(segments), encoding="utf-8")
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
        command += ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(audio_path)]
        command += ["-map", "0:v:0", "-map", "1:a:0", "-c", "copy"]
        command += ["-movflags", "+faststart", "-f", "mp4", str(out_path)]
        run_ffmpeg(command, out_path)
