"""The render process stays lean: importing the film pipeline loads no heavy numeric library
it does not use (scipy.signal alone costs a render about 80 MB; see benchmarks/render.py)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY_PACKAGES = ("scipy", "pyloudnorm", "torch", "transformers", "diffusers", "onnxruntime")
"""Packages a CPU render never needs (the neural stages import theirs when they run)."""


def test_the_film_pipeline_imports_no_heavy_package() -> None:
    probe = (
        "import json, sys\n"
        "import pipeline.film, pipeline.compose, pipeline.backends, pipeline.film_music\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(completed.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY_PACKAGES), sorted(loaded & set(HEAVY_PACKAGES))
