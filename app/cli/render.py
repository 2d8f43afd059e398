"""`filmstudio render`: make a film from a script file on this machine (no server, no database).

    filmstudio render --script story.txt --image hero.jpg --image forest.png --minutes 2 \\
        --voice female --language hi --music sloka --aspect 16:9 --resolution 720p --out film/

Writes film.mp4, film.srt, film.vtt and render.json into --out, with a progress bar. Each
stage uses the backend the environment chooses (TTS_BACKEND, MUSIC_BACKEND, VIDEO_BACKEND,
LIPSYNC_BACKEND, weights in MODEL_DIR), as the workers do; fallbacks print a warning.
Bad input prints one sentence and exits with status 2.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import CommandError
from pipeline.vocabulary import ASPECT_RATIOS, CAPTIONS, SHORT_SIDE_PX

if TYPE_CHECKING:
    from pipeline.backends import BackendChoice
    from pipeline.film import FilmResult

MIN_MINUTES = 1.0
"""Shortest film the command renders."""
MAX_SCRIPT_BYTES = 1_000_000
"""Largest script file read."""
SECONDS_PER_MINUTE = 60.0
ASPECTS = tuple(ASPECT_RATIOS)
RESOLUTIONS = tuple(SHORT_SIDE_PX)
PERCENT = 100
MIN_BAR_COLUMNS = 40


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `render` command."""
    parser = subparsers.add_parser(
        "render",
        help="render a film from a script file",
        description="Render a narrated, subtitled film: film.mp4, film.srt, film.vtt, render.json.",
    )
    parser.add_argument("--script", type=Path, required=True, help="UTF-8 text file of the script")
    parser.add_argument(
        "--image",
        dest="images",
        type=Path,
        action="extend",
        nargs="+",
        default=[],
        metavar="IMG",
        help="scene or character image (repeat or list several); a character's image is "
        "named after them, e.g. MAYA.png for 'MAYA: ...' lines",
    )
    parser.add_argument("--voice", default="neutral", help="male, female or neutral (default)")
    parser.add_argument("--minutes", type=float, default=1.0, help="film length (at least 1)")
    parser.add_argument(
        "--music", default="cinematic", help="a style (cinematic, ambient, upbeat, devotional, "
        "sloka, none) or a wav/mp3/ogg file",
    )  # fmt: skip
    parser.add_argument("--language", default="en", help="language code, e.g. en, hi, ta, te")
    parser.add_argument("--aspect", choices=ASPECTS, default="16:9")
    parser.add_argument(
        "--resolution", choices=RESOLUTIONS, default="720p", help="360p is a quick draft"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="seed for music and camera moves")
    parser.add_argument(
        "--title", default=None, help="the film's title, over its first picture and at its end"
    )
    parser.add_argument(
        "--captions",
        choices=CAPTIONS,
        default=None,
        help="text burned into the picture: none (default), subtitles (two-line cues) or "
        "shorts (one to three large words at a time, the spoken word highlighted)",
    )
    parser.add_argument(
        "--burn-subtitles", action="store_true", help="the same as --captions subtitles"
    )
    parser.add_argument(
        "--ai-label",
        action="store_true",
        help='show an "AI-generated" badge in the corner for the first seconds',
    )
    parser.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    parser.add_argument("--crf", type=int, default=23, help="x264 quality, lower is better")
    parser.add_argument("--size", type=_size, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    parser.set_defaults(handler=run_render)


def _size(value: str) -> tuple[int, int]:
    """Parse WIDTHxHEIGHT (a hidden option for previews and tests)."""
    try:
        width, height = (int(part) for part in value.lower().split("x"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not WIDTHxHEIGHT") from error
    return width, height


def _read_script(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            raise CommandError(f"The script {path} is larger than {MAX_SCRIPT_BYTES:,} bytes.")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise CommandError(f"The script file {path} does not exist.") from error
    except IsADirectoryError as error:
        raise CommandError(f"The script {path} is a folder, not a text file.") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"The script {path} is not UTF-8 text.") from error
    except OSError as error:
        raise CommandError(f"The script {path} cannot be read: {error.strerror}.") from error


def run_render(args: argparse.Namespace) -> int:
    """Render the film the arguments describe; 0 on success."""
    if not args.minutes >= MIN_MINUTES:
        raise CommandError(f"--minutes must be at least {MIN_MINUTES:g}; got {args.minutes:g}.")
    script = _read_script(args.script)
    for image in args.images:
        if not image.is_file():
            raise CommandError(f"The image {image} does not exist.")

    from pipeline.errors import PipelineError
    from pipeline.film import render_film
    from pipeline.film_request import FilmRequest
    from pipeline.music.choice import MusicChoice

    backends = _backends()
    try:
        music = MusicChoice.parse(args.music)
    except PipelineError as error:
        raise CommandError(str(error)) from error
    request = FilmRequest(
        script=script,
        images=tuple(args.images),
        voice=args.voice,
        language=args.language,
        duration_s=args.minutes * SECONDS_PER_MINUTE,
        music=music,
        aspect=args.aspect,
        resolution=args.resolution,
        seed=args.seed,
        burn_subtitles=args.burn_subtitles,
        ai_label=args.ai_label,
        captions=args.captions,
        preset=args.preset,
        crf=args.crf,
        size=args.size,
        backends=backends,
        title=args.title,
    )
    bar = _ProgressBar(disabled=args.quiet)
    try:
        result = render_film(request, args.out, bar)
    except PipelineError as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        raise CommandError(
            f"Cannot write the film to {args.out}: {error.strerror or error}."
        ) from error
    finally:
        bar.close()
    _sign(result, args.images, music.track)
    _summarise(result)
    return 0


def _sign(result: FilmResult, images: list[Path], track: Path | None) -> None:
    """Embed the film's signed Content Credentials (C2PA), as the workers do."""
    from app.config import Settings
    from app.provenance.films import sign_film, signing_keys
    from app.provenance.keys import SigningKeyError
    from app.provenance.signing import SigningError

    try:
        keys = signing_keys(Settings())
        sign_film(
            result.video,
            keys,
            result.backends.get("used", {}),
            [*images, *([track] if track is not None else [])],
            composite=bool(images),
            disclosure_label=result.settings.get("ai_label", False),
        )
    except (SigningKeyError, SigningError) as error:
        raise CommandError(str(error)) from error


def _backends() -> BackendChoice:
    """Each stage's backend as the environment (or .env) chooses, weights from MODEL_DIR."""
    from pydantic import ValidationError

    from app.config import Settings
    from app.worker.backends import backend_choice

    try:
        return backend_choice(Settings())
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
        raise CommandError(f"{name} is invalid: {first['msg']}.") from error


class _ProgressBar:
    """A tqdm bar in percent of the whole render, labelled with the current stage."""

    def __init__(self, disabled: bool) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            total=PERCENT,
            unit="%",
            disable=True if disabled else None,
            bar_format="{desc:<9} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
            file=sys.stderr,
            # Some terminals report no width; shutil falls back to 80 columns then.
            ncols=max(MIN_BAR_COLUMNS, shutil.get_terminal_size().columns),
        )
        self._shown = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        self._bar.set_description_str(stage, refresh=False)
        target = round(fraction * PERCENT, 1)
        if target > self._shown:
            self._bar.update(target - self._shown)
            self._shown = target

    def close(self) -> None:
        self._bar.close()


def _summarise(result: FilmResult) -> None:
    for warning in result.warnings:
        print(f"filmstudio: warning: {warning}", file=sys.stderr)
    total = sum(result.stage_seconds.values())
    size_mb = result.facts.size_bytes / 1_000_000
    video = result.facts.video
    frame = f"{video.width}x{video.height}" if video else "no video"
    minutes, seconds = divmod(round(result.duration_s), 60)
    speed = f", {result.duration_s / total:.1f}x real time" if total > 0 else ""
    print(
        f"{result.video} ({minutes}:{seconds:02d}, {frame}, {size_mb:.1f} MB) in {total:.1f} s{speed}"
    )
    print(f"{result.srt}\n{result.vtt}\n{result.report}")
