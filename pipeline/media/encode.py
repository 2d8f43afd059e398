"""The encoder: raw yuv420p frames streamed to ffmpeg's H.264 encoder and muxed with AAC audio.

The encoder is libx264, or NVIDIA's h264_nvenc where this ffmpeg has it and a one-frame
test encode on the GPU succeeds (checked once per process; see video_encoder()).

A drawing thread fills frame buffers while the calling thread writes finished ones to
ffmpeg's stdin, so building frames overlaps x264's work. Buffers are recycled through a
small pool: memory does not grow with film length. The MP4 follows the film contract:
H.264 High, yuv420p (BT.709, TV range), closed GOPs, constant frame rate, AAC-LC 48 kHz
stereo, moov atom first (+faststart).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

import imageio_ffmpeg

from pipeline.errors import EncodeError
from pipeline.media.heap import release_free_memory
from pipeline.media.yuv import FrameBuffer
from pipeline.types import FILM_SAMPLE_RATE_HZ, ProgressCallback, VideoFormat, no_progress

STAGE = "encode"

DEFAULT_PRESET = "veryfast"
"""x264 preset: the measured sweet spot of speed and size on CPU."""
DEFAULT_CRF = 23
"""x264 constant rate factor (quality)."""
AUDIO_BITRATE = "192k"
GOP_S = 2.0
"""Seconds between key frames (closed GOPs)."""
BUFFER_POOL = 6
"""Frame buffers in flight between the drawing thread and the writer."""
X264_PARAMS = "sync-lookahead=0"
"""x264's lookahead runs on its encoding threads rather than in a thread of its own with a
queue of frames: the same bitstream (checked bit for bit at 720p), about 18 MB less memory."""
PIPE_BYTES = 1 << 20
"""Requested size of the pipe to ffmpeg (Linux allows up to 1 MiB without privileges)."""
PROGRESS_EVERY_FRAMES = 15
TRIM_EVERY_FRAMES = 150
"""The drawing thread hands the C heap's free pages back this often (pipeline.media.heap)."""
LIBX264 = "libx264"
H264_NVENC = "h264_nvenc"
AUTO_ENCODER = "auto"
NVENC_PRESET = "p5"
"""NVENC speed/quality preset (p1 fastest .. p7 best); p5 is NVIDIA's "slow", still far
faster than real time."""
ENCODER_PROBE_TIMEOUT_S = 20.0
"""Longest wait for `ffmpeg -encoders` or the one-frame NVENC test encode."""
_F_SETPIPE_SZ = 1031
_STDERR_TAIL_CHARS = 2000

DrawFrame = Callable[[int, FrameBuffer], None]
"""Draws frame `index` into the buffer."""


@dataclass(frozen=True)
class AssBurnIn:
    """An ASS subtitle file that ffmpeg's `ass` filter (libass) draws onto the frames before
    they are encoded; fonts_folder holds the fonts it names. Both are named relative to
    folder, where ffmpeg then runs (no filter-argument escaping of arbitrary paths)."""

    folder: Path
    ass_name: str
    fonts_folder: str

    def filter(self) -> str:
        """The -vf filter that draws it (the frames stay yuv420p, BT.709, TV range)."""
        return f"ass=filename={self.ass_name}:fontsdir={self.fonts_folder}"


@dataclass(frozen=True)
class EncodeSettings:
    """x264 and AAC settings."""

    preset: str = DEFAULT_PRESET
    """x264 preset (NVENC uses NVENC_PRESET)."""
    crf: int = DEFAULT_CRF
    """x264 CRF, or NVENC's constant-quality level (-cq)."""
    audio_bitrate: str = AUDIO_BITRATE
    gop_s: float = GOP_S
    encoder: str = AUTO_ENCODER
    """libx264, h264_nvenc, or auto (NVENC when usable, else libx264)."""


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped in the imageio-ffmpeg wheel."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


@cache
def video_encoder() -> str:
    """h264_nvenc when this ffmpeg lists it and a one-frame test encode succeeds (an NVIDIA
    GPU with its driver's video capability is present), else libx264. Checked once."""
    exe = ffmpeg_exe()
    try:
        listed = subprocess.run(
            [exe, "-hide_banner", "-encoders"],
            capture_output=True,
            text=True,
            timeout=ENCODER_PROBE_TIMEOUT_S,
            check=False,
        )
        if H264_NVENC not in listed.stdout:
            return LIBX264
        test = [exe, "-hide_banner", "-nostdin", "-loglevel", "error"]
        test += ["-f", "lavfi", "-i", "color=c=black:s=256x144:r=30", "-frames:v", "1"]
        test += ["-c:v", H264_NVENC, "-profile:v", "high", "-pix_fmt", "yuv420p", "-f", "null", "-"]
        tried = subprocess.run(
            test, capture_output=True, timeout=ENCODER_PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return LIBX264
    return H264_NVENC if tried.returncode == 0 else LIBX264


def _video_options(settings: EncodeSettings, gop: int) -> list[str]:
    """Encoder options for the film contract: H.264 High, yuv420p, closed GOPs of `gop`."""
    encoder = video_encoder() if settings.encoder == AUTO_ENCODER else settings.encoder
    if encoder == H264_NVENC:
        # Each NVENC H.264 GOP starts with an IDR frame (closed); CQ is its CRF counterpart.
        options = ["-c:v", H264_NVENC, "-preset", NVENC_PRESET, "-tune", "hq", "-rc", "vbr"]
        options += ["-cq", str(settings.crf), "-b:v", "0", "-forced-idr", "1"]
    else:
        options = ["-c:v", LIBX264, "-preset", settings.preset, "-crf", str(settings.crf)]
        options += ["-x264-params", X264_PARAMS]
    return [*options, "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", str(gop)]


def ffmpeg_command(
    fmt: VideoFormat,
    out_path: Path,
    audio_path: Path | None,
    settings: EncodeSettings,
    audio_sample_rate: int = FILM_SAMPLE_RATE_HZ,
    faststart: bool = True,
    burn_in: AssBurnIn | None = None,
) -> list[str]:
    """The ffmpeg arguments that read raw frames on stdin (and raw f32le stereo audio);
    with burn_in, ffmpeg must run in burn_in.folder (see encode_frames)."""
    colour = ["-color_range", "tv", "-colorspace", "bt709"]
    colour += ["-color_primaries", "bt709", "-color_trc", "bt709"]
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    command += ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{fmt.width}x{fmt.height}"]
    command += ["-framerate", str(fmt.fps), *colour, "-i", "pipe:0"]
    if audio_path is not None:
        command += ["-f", "f32le", "-ar", str(audio_sample_rate), "-ac", "2"]
        command += ["-i", str(audio_path)]
    command += ["-map", "0:v:0"]
    if audio_path is not None:
        command += ["-map", "1:a:0"]
    if burn_in is not None:
        command += ["-vf", burn_in.filter()]
    gop = max(1, round(settings.gop_s * fmt.fps))
    command += _video_options(settings, gop)
    command += ["-flags", "+cgop", "-r", str(fmt.fps), "-fps_mode", "cfr", *colour]
    if audio_path is not None:
        command += _aac_options(settings)
    if faststart:
        command += ["-movflags", "+faststart"]
    command += ["-f", "mp4", str(out_path)]
    return command


def _aac_options(settings: EncodeSettings) -> list[str]:
    return [
        "-c:a", "aac", "-profile:a", "aac_low", "-aac_coder", "fast", "-b:a", settings.audio_bitrate,
        "-ar", str(FILM_SAMPLE_RATE_HZ), "-ac", "2",
    ]  # fmt: skip


def encode_audio(
    raw_path: Path,
    out_path: Path,
    settings: EncodeSettings | None = None,
    sample_rate: int = FILM_SAMPLE_RATE_HZ,
) -> None:
    """Encode raw float32 stereo samples to AAC-LC in an MP4 (.m4a) file."""
    run_ffmpeg(_aac_command(str(raw_path), out_path, settings, sample_rate), out_path)


@contextlib.contextmanager
def aac_stream(
    out_path: Path,
    settings: EncodeSettings | None = None,
    sample_rate: int = FILM_SAMPLE_RATE_HZ,
) -> Iterator[IO[bytes]]:
    """A pipe to an AAC-LC encoder writing out_path (.m4a): write raw float32 stereo samples
    to it in the block; the file is complete when the block ends. EncodeError with ffmpeg's
    message when it fails; an error in the block stops it (nothing is left at out_path)."""
    command = _aac_command("pipe:0", out_path, settings, sample_rate)
    command.remove("-nostdin")
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        assert process.stdin is not None
        try:
            yield process.stdin
            process.stdin.close()
        except BrokenPipeError:  # ffmpeg stopped early: its exit code and message say why
            with contextlib.suppress(OSError):
                process.stdin.close()
        except BaseException:
            _stop(process)
            out_path.unlink(missing_ok=True)
            raise
        _check_exit(process, errors, out_path)


def _aac_command(
    source: str, out_path: Path, settings: EncodeSettings | None, sample_rate: int
) -> list[str]:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    command += ["-f", "f32le", "-ar", str(sample_rate), "-ac", "2", "-i", source]
    return [*command, *_aac_options(settings or EncodeSettings()), "-f", "mp4", str(out_path)]


def mux(video_path: Path, audio_path: Path, out_path: Path) -> None:
    """Put an encoded video and an encoded audio track in one MP4, moov first (+faststart)."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    command += ["-i", str(video_path), "-i", str(audio_path), "-map", "0:v:0", "-map", "1:a:0"]
    command += ["-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(out_path)]
    run_ffmpeg(command, out_path)


def run_ffmpeg(command: list[str], out_path: Path) -> None:
    """Run an ffmpeg command that writes out_path; EncodeError with its message on failure
    (out_path is removed then, and when the wait is interrupted)."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            process.wait()
        except BaseException:
            _stop(process)
            out_path.unlink(missing_ok=True)
            raise
        _check_exit(process, errors, out_path)


def lower_priority(task_id: int, niceness: int) -> None:
    """Make a process, or on Linux a single thread (by its native id), yield the CPU to
    others; silently does nothing where the system does not allow it."""
    with contextlib.suppress(OSError, AttributeError):
        current = os.getpriority(os.PRIO_PROCESS, task_id)
        os.setpriority(os.PRIO_PROCESS, task_id, min(19, current + niceness))


def encode_frames(
    draw: DrawFrame,
    total_frames: int,
    fmt: VideoFormat,
    out_path: Path,
    audio_path: Path | None = None,
    settings: EncodeSettings | None = None,
    progress: ProgressCallback = no_progress,
    faststart: bool = True,
    burn_in: AssBurnIn | None = None,
) -> None:
    """Encode total_frames frames from draw(index, buffer) (and raw audio) into an MP4.

    burn_in, when given, is drawn onto every frame by libass inside ffmpeg. progress(STAGE,
    fraction) may raise to cancel: ffmpeg is stopped, the exception propagates, and
    out_path is removed.
    """
    settings = settings or EncodeSettings()
    out_path = out_path.resolve()
    audio_path = audio_path.resolve() if audio_path is not None else None
    command = ffmpeg_command(
        fmt, out_path, audio_path, settings, faststart=faststart, burn_in=burn_in
    )
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            cwd=burn_in.folder if burn_in is not None else None,
        )
        try:
            _feed(process, draw, total_frames, fmt, progress)
        except _EncoderGone:
            pass
        except BaseException:
            _stop(process)
            out_path.unlink(missing_ok=True)
            raise
        _check_exit(process, errors, out_path)


def _check_exit(process: subprocess.Popen[bytes], errors: IO[bytes], out_path: Path) -> None:
    """Wait for ffmpeg; when it failed, remove out_path and raise EncodeError with the end of
    its messages (from errors, the file its stderr went to)."""
    code = process.wait()
    if code != 0:
        out_path.unlink(missing_ok=True)
        errors.seek(0)
        tail = errors.read().decode(errors="replace")[-_STDERR_TAIL_CHARS:].strip()
        raise EncodeError(f"ffmpeg failed with exit code {code}: {tail or 'no message'}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    if process.poll() is None:
        process.kill()
    process.wait()


def _feed(
    process: subprocess.Popen[bytes],
    draw: DrawFrame,
    total_frames: int,
    fmt: VideoFormat,
    progress: ProgressCallback,
) -> None:
    assert process.stdin is not None
    stdin = process.stdin
    with contextlib.suppress(OSError):
        fcntl.fcntl(stdin.fileno(), _F_SETPIPE_SZ, PIPE_BYTES)
    free: queue.Queue[FrameBuffer] = queue.Queue()
    for _ in range(BUFFER_POOL):
        free.put(FrameBuffer(fmt.width, fmt.height))
    ready: queue.Queue[FrameBuffer | BaseException | None] = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            for index in range(total_frames):
                buffer = _take(free, stop)
                if buffer is None:
                    return
                draw(index, buffer)
                ready.put(buffer)
                if index % TRIM_EVERY_FRAMES == TRIM_EVERY_FRAMES - 1:
                    release_free_memory()
            ready.put(None)
        except BaseException as error:  # handed to the writer, which re-raises it
            ready.put(error)

    producer = threading.Thread(target=produce, name="frame-drawer", daemon=True)
    producer.start()
    descriptor = stdin.fileno()
    try:
        written = 0
        while True:
            item = ready.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            _write_all(descriptor, item.data.data)
            free.put(item)
            written += 1
            if written % PROGRESS_EVERY_FRAMES == 0 or written == total_frames:
                progress(STAGE, written / total_frames)
        with contextlib.suppress(BrokenPipeError):
            stdin.close()
    finally:
        stop.set()
        producer.join()


def _take(free: queue.Queue[FrameBuffer], stop: threading.Event) -> FrameBuffer | None:
    while not stop.is_set():
        try:
            return free.get(timeout=0.1)
        except queue.Empty:
            continue
    return None


class _EncoderGone(Exception):
    """ffmpeg closed its input early; its exit code and message tell why."""


def _write_all(descriptor: int, data: memoryview) -> None:
    view = data.cast("B")
    while len(view):
        try:
            count = os.write(descriptor, view)
        except BrokenPipeError as error:
            raise _EncoderGone from error
        view = view[count:]
