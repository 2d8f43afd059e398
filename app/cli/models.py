"""`filmstudio models list | download [NAME...] | verify [NAME...]`: the model weights.

The folder is --model-dir, else $MODEL_DIR, else $DATA_DIR/models, else ./data/models.
Names accept shell patterns (e.g. 'piper-hi_*').
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import get_args

from app.cli import CommandError
from pipeline.errors import ModelDownloadError, UnknownModelError
from pipeline.neural.downloads import download, manifest_path, verify
from pipeline.neural.licences import is_refused
from pipeline.neural.model_spec import ModelSpec, Stage
from pipeline.neural.piper_voices import languages_without_piper_voice
from pipeline.neural.registry import is_available, list_models, model_path, select_models

DEFAULT_MODEL_DIR = Path("data") / "models"
"""Where weights go when neither --model-dir nor MODEL_DIR nor DATA_DIR is set."""


def default_model_dir() -> Path:
    """$MODEL_DIR, else $DATA_DIR/models, else ./data/models."""
    if os.environ.get("MODEL_DIR"):
        return Path(os.environ["MODEL_DIR"])
    if os.environ.get("DATA_DIR"):
        return Path(os.environ["DATA_DIR"]) / "models"
    return DEFAULT_MODEL_DIR


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `models` command and its list/download/verify sub-commands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="folder of the weights (default: $MODEL_DIR, $DATA_DIR/models or ./data/models)",
    )
    common.add_argument("--stage", choices=get_args(Stage), help="only models of this stage")
    parser = subparsers.add_parser("models", help="list, download and verify model weights")
    actions = parser.add_subparsers(dest="models_command", required=True, metavar="ACTION")

    listing = actions.add_parser("list", parents=[common], help="known models and their state")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=run_list)

    fetching = actions.add_parser(
        "download", parents=[common], help="fetch weights (needs network; all when no NAME)"
    )
    fetching.add_argument("names", nargs="*", metavar="NAME", help="model names or patterns")
    fetching.add_argument("--force", action="store_true", help="fetch again even if intact")
    fetching.set_defaults(handler=run_download)

    checking = actions.add_parser(
        "verify",
        parents=[common],
        help="check files and hashes (all models on disk when no NAME)",
    )
    checking.add_argument("names", nargs="*", metavar="NAME", help="model names or patterns")
    checking.set_defaults(handler=run_verify)


def _model_dir(args: argparse.Namespace) -> Path:
    chosen: Path | None = args.model_dir
    return chosen if chosen is not None else default_model_dir()


def _selected(args: argparse.Namespace) -> list[ModelSpec]:
    try:
        models = select_models(getattr(args, "names", []))
    except UnknownModelError as error:
        raise CommandError(str(error)) from error
    return [m for m in models if args.stage is None or m.stage == args.stage]


def run_list(args: argparse.Namespace) -> int:
    """Print every known model with its stage, size, licence and whether it is on disk."""
    model_dir = _model_dir(args)
    models = list_models(args.stage)
    gate = _commercial_only()
    if args.json:
        rows = [
            {
                "name": m.name,
                "stage": m.stage,
                "backend": m.backend,
                "source": m.source,
                "path": str(model_path(m, model_dir)),
                "approx_size_mb": m.approx_size_mb,
                "licence": m.licence,
                "commercial_use": m.commercial_use,
                "licence_note": m.licence_note,
                "gated": m.gated,
                "language": m.language,
                "available": is_available(m, model_dir),
                "refused": is_refused(m, gate),
            }
            for m in models
        ]
        listing = {"model_dir": str(model_dir), "commercial_use_only": gate, "models": rows}
        print(json.dumps(listing, indent=2))
        return 0
    print(f"Model folder: {model_dir}")
    print(
        f"COMMERCIAL_USE_ONLY is {'on' if gate else 'off'}: "
        + ("models marked 'refused' do not load here." if gate else "every model may load.")
    )
    header = ("NAME", "STAGE", "SIZE", "COMMERCIAL", "LOADS", "ON DISK", "LICENCE")
    table = [
        (
            m.name,
            m.stage,
            f"~{m.approx_size_mb} MB",
            m.commercial_use,
            "refused" if is_refused(m, gate) else "yes",
            "yes" if is_available(m, model_dir) else "no",
            m.licence,
        )
        for m in models
    ]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header) - 1)]
    for row in [header, *table]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))
    if args.stage in (None, "tts"):
        missing = ", ".join(
            f"{name} ({code})" for code, name in languages_without_piper_voice().items()
        )
        print(f"No piper voice (narration uses espeak-ng): {missing}.")
    return 0


def run_download(args: argparse.Namespace) -> int:
    """Download the selected models; each failure is one line, and the exit code is 1 if any
    model failed."""
    model_dir = _model_dir(args)
    failures = 0
    for spec in _selected(args):
        gated = " (gated: needs HF_TOKEN)" if spec.gated else ""
        print(f"Downloading {spec.name} (~{spec.approx_size_mb} MB){gated} ...", flush=True)
        try:
            path = download(spec, model_dir, force=args.force, progress=_FileProgress())
        except ModelDownloadError as error:
            failures += 1
            print(f"filmstudio: error: {error}", file=sys.stderr)
            continue
        print(f"  ok: {path} (hashes in {manifest_path(spec, model_dir)})")
    return 1 if failures else 0


class _FileProgress:
    """Prints one line per file when it completes, and a percentage every 10 % of big files."""

    def __init__(self) -> None:
        self._reported: dict[str, int] = {}

    def __call__(self, path: str, done: int, total: int | None) -> None:
        if total is None or total <= 0:
            return
        tenth = done * 10 // total
        if tenth > self._reported.get(path, 0) and total > 50 << 20:
            self._reported[path] = tenth
            print(f"  {path}: {tenth * 10} %", file=sys.stderr, flush=True)
        if done >= total:
            print(f"  {path}: {total / 1e6:.1f} MB", file=sys.stderr, flush=True)


def run_verify(args: argparse.Namespace) -> int:
    """Verify the selected models (by default, those with any file or manifest on disk);
    exit code 1 when one is missing a file or fails a hash check."""
    model_dir = _model_dir(args)
    models = _selected(args)
    if not args.names:
        models = [m for m in models if _has_anything(m, model_dir)]
        if not models:
            print(f"No model weights found under {model_dir}.")
            return 0
    failures = 0
    for spec in models:
        result = verify(spec, model_dir)
        print(f"{spec.name}: {result.status}")
        for check in result.files:
            if check.status != "ok":
                print(f"  {check.path}: {check.status} ({check.detail})")
        failures += 0 if result.ok else 1
    return 1 if failures else 0


def _has_anything(spec: ModelSpec, model_dir: Path) -> bool:
    folder = model_dir / spec.folder
    return manifest_path(spec, model_dir).is_file() or any(
        (folder / item.path).exists() for item in spec.files
    )


def _commercial_only() -> bool:
    """COMMERCIAL_USE_ONLY as the studio's settings read it (on in production by default)."""
    from pydantic import ValidationError

    from app.config import Settings

    try:
        return Settings().commercial_only
    except ValidationError as error:
        raise CommandError(f"The settings are not valid: {error.errors()[0]['msg']}.") from error
