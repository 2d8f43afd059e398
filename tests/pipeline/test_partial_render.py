"""Partial renders through a stage cache: scene segments reused, joined cleanly, rebuilt when
damaged, safe with two renders at once, and scenes kept in place after an edit."""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import threading
from pathlib import Path
from typing import Any

import av
import pytest

from pipeline.cache.store import LocalCacheStore
from pipeline.film import FilmResult, render_film
from pipeline.film_request import FilmRequest
from pipeline.media.encode import ffmpeg_exe
from pipeline.media.probe import measure_loudness, probe
from pipeline.music.choice import MusicChoice
from pipeline.storyboard import previous_layout
from tests.pipeline.render_media import write_picture

SMALL = (320, 180)
FPS = 30
SCENES = [
    "The lighthouse stood alone on the cliff above the grey sea.",
    "A boat came in from the north, its lamp swinging in the wind.",
    "The keeper climbed the stairs and lit the great lamp again.",
]
EDITED = 1


def _script(scenes: list[str]) -> str:
    return "\n\n".join(scenes)


def _report(result: FilmResult) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(result.report.read_text(encoding="utf-8"))
    return loaded


def frame_md5s(path: Path) -> list[str]:
    """Per-frame MD5 of a film's decoded video."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path)]
    command += ["-map", "0:v:0", "-f", "framemd5", "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if not line.startswith("#")]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FilmRequest]:
    folder = tmp_path_factory.mktemp("partial")
    images = tuple(write_picture(folder / f"p{n}.png", seed=n) for n in range(3))
    request = FilmRequest(
        script=_script(SCENES),
        images=images,
        duration_s=15.0,
        size=SMALL,
        music=MusicChoice(style="ambient"),
        burn_subtitles=True,
        seed=5,
    )
    return folder, request


@pytest.fixture(scope="module")
def first(inputs: tuple[Path, FilmRequest]) -> tuple[FilmResult, LocalCacheStore]:
    folder, request = inputs
    cache = LocalCacheStore(folder / "cache")
    return render_film(request, folder / "first", cache=cache), cache


def _edited(request: FilmRequest, record: dict[str, Any], text: str) -> FilmRequest:
    scenes = list(SCENES)
    scenes[EDITED] = text
    return dataclasses.replace(request, script=_script(scenes), previous=previous_layout(record))


def test_first_render_makes_every_segment_and_meets_the_contract(
    first: tuple[FilmResult, LocalCacheStore],
) -> None:
    result, _cache = first
    record = _report(result)
    assert record["partial"]["full"] is True
    assert record["cache"]["video"] == {"reused": 0, "made": 3}
    assert record["cache"]["speech"] == {"reused": 0, "made": 3}
    scenes = record["scenes"]
    assert [s["index"] for s in scenes] == [0, 1, 2]
    assert scenes[0]["first_frame"] == 0
    assert sum(s["frames"] for s in scenes) == round(15.0 * FPS)
    facts = probe(result.video)
    assert facts.duration_s == pytest.approx(15.0, rel=0.02)
    assert facts.faststart is True
    boxes = list(facts.top_level_boxes)
    assert boxes.index("moov") < boxes.index("mdat")
    assert facts.video is not None
    assert facts.audio is not None
    assert facts.video.constant_frame_rate
    assert facts.video.frames == round(15.0 * FPS)
    assert "open_gop=0" in (facts.video.encoder_settings or "")
    assert (facts.audio.codec, facts.audio.sample_rate, facts.audio.channels) == ("aac", 48_000, 2)


def test_joins_have_no_missing_or_doubled_frame_and_start_on_a_keyframe(
    first: tuple[FilmResult, LocalCacheStore],
) -> None:
    result, _cache = first
    starts = {s["first_frame"] for s in _report(result)["scenes"]}
    with av.open(str(result.video)) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base
        packets = [(p.pts, p.is_keyframe) for p in container.demux(stream) if p.pts is not None]
    with av.open(str(result.video)) as container:
        decoded = [frame.pts for frame in container.decode(video=0)]
    assert time_base is not None
    step = round(1 / (FPS * time_base))
    assert len(decoded) == round(15.0 * FPS)
    assert all(b - a == step for a, b in itertools.pairwise(decoded))
    ordered = sorted(packets)
    keyframes = {round(pts / step) for pts, key in ordered if key}
    assert starts <= keyframes


def test_an_edit_redraws_only_its_scene_and_leaves_other_frames_bit_identical(
    inputs: tuple[Path, FilmRequest], first: tuple[FilmResult, LocalCacheStore]
) -> None:
    folder, request = inputs
    result, cache = first
    record = _report(result)
    text = SCENES[EDITED].replace("north", "south")
    edited = render_film(_edited(request, record, text), folder / "edit", cache=cache)
    after = _report(edited)
    assert after["partial"] == {"full": False, "reason": None}
    reused = [s["reused"] for s in after["scenes"]]
    assert [r["speech"] for r in reused] == [True, False, True]
    assert [r["video"] for r in reused] == [True, False, True]
    assert after["cache"]["video"] == {"reused": 2, "made": 1}
    assert [(s["first_frame"], s["frames"]) for s in after["scenes"]] == [
        (s["first_frame"], s["frames"]) for s in record["scenes"]
    ]
    fingerprints = [(a["fingerprint"] == b["fingerprint"]) for a, b in zip(
        record["scenes"], after["scenes"], strict=True)]  # fmt: skip
    assert fingerprints == [True, False, True]
    before_frames, after_frames = frame_md5s(result.video), frame_md5s(edited.video)
    assert len(before_frames) == len(after_frames)
    scene = after["scenes"][EDITED]
    inside = range(scene["first_frame"], scene["first_frame"] + scene["frames"])
    differing = [
        n for n, (a, b) in enumerate(zip(before_frames, after_frames, strict=True)) if a != b
    ]
    assert differing, "the edited scene's subtitles must show the new text"
    assert all(n in inside for n in differing)
    assert probe(edited.video).faststart is True
    # The edit's sound went straight from the mix's last pass into the AAC encoder.
    assert after["stage_seconds"]["audio"] == 0.0 < record["stage_seconds"]["audio"]
    loudness = measure_loudness(edited.video)
    assert loudness.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert loudness.true_peak_dbtp <= -1.0


def test_nothing_changed_reuses_everything(
    inputs: tuple[Path, FilmRequest], first: tuple[FilmResult, LocalCacheStore]
) -> None:
    folder, request = inputs
    result, cache = first
    again = render_film(request, folder / "again", cache=cache)
    record = _report(again)
    assert record["cache"]["video"] == {"reused": 3, "made": 0}
    assert record["cache"]["sound"] == {"reused": 1, "made": 0}
    assert all(s["reused"] == {"speech": True, "video": True} for s in record["scenes"])
    assert again.video.read_bytes() == result.video.read_bytes()


def test_a_damaged_entry_is_detected_and_rebuilt(
    inputs: tuple[Path, FilmRequest], tmp_path: Path
) -> None:
    _folder, request = inputs
    cache = LocalCacheStore(tmp_path / "cache")
    good = render_film(request, tmp_path / "good", cache=cache)
    entries = sorted(
        (entry for entry in cache.entries() if entry.key.startswith("video/")),
        key=lambda entry: entry.size,
    )
    truncated, tampered = entries[0].key, entries[1].key
    data = cache.root / truncated
    data.write_bytes(data.read_bytes()[: entries[0].size // 2])
    altered = bytearray((cache.root / tampered).read_bytes())
    altered[len(altered) // 2] ^= 0xFF
    (cache.root / tampered).write_bytes(bytes(altered))
    rebuilt = render_film(request, tmp_path / "rebuilt", cache=cache)
    assert _report(rebuilt)["cache"]["video"] == {"reused": 1, "made": 2}
    assert frame_md5s(rebuilt.video) == frame_md5s(good.video)


def test_two_renders_of_one_project_share_a_cache_safely(
    inputs: tuple[Path, FilmRequest], tmp_path: Path
) -> None:
    _folder, request = inputs
    cache = LocalCacheStore(tmp_path / "cache")
    results: dict[int, FilmResult] = {}
    errors: list[BaseException] = []

    def render(number: int) -> None:
        try:
            results[number] = render_film(request, tmp_path / f"out{number}", cache=cache)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=render, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert frame_md5s(results[0].video) == frame_md5s(results[1].video)
    third = render_film(request, tmp_path / "third", cache=cache)
    assert _report(third)["cache"]["video"] == {"reused": 3, "made": 0}
    assert frame_md5s(third.video) == frame_md5s(results[0].video)


def test_a_slightly_longer_scene_keeps_every_scene_in_place(
    inputs: tuple[Path, FilmRequest], first: tuple[FilmResult, LocalCacheStore]
) -> None:
    folder, request = inputs
    result, cache = first
    record = _report(result)
    longer = SCENES[EDITED].replace("wind.", "cold wind.")
    absorbed = _report(
        render_film(_edited(request, record, longer), folder / "longer", cache=cache)
    )
    assert absorbed["partial"]["reason"] is None
    assert [s["first_frame"] for s in absorbed["scenes"]] == [
        s["first_frame"] for s in record["scenes"]
    ]
    assert absorbed["scenes"][0]["speech"] == record["scenes"][0]["speech"]
    assert absorbed["scenes"][2]["speech"] == record["scenes"][2]["speech"]
