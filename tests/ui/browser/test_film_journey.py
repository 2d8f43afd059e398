"""The creator's whole journey in Chromium: a one-minute film with two images, its progress,
the finished video playing at the right length, the subtitles downloaded; privacy between users."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.support.media import ONE_MINUTE_SCRIPT, image_bytes, tone_file
from tests.ui.browser.conftest import VIEWPORT
from tests.ui.browser.studio_page import Studio

pytestmark = pytest.mark.browser

FILM_S = 60.0
LENGTH_TOLERANCE = 0.02
"""DESIGN.md: a film's length is the requested minutes within 2 %."""

PLAYED_S = 0.5
TITLE = "The lamp at the ghat"

VIDEO_STATE_JS = """async (playedS) => {
  const video = document.querySelector('video.film-player');
  if (video.readyState < 1) {
    await new Promise(done => video.addEventListener('loadedmetadata', done, {once: true}));
  }
  video.muted = true;
  await video.play();
  const started = performance.now();
  while (video.currentTime < playedS && performance.now() - started < 10000) {
    await new Promise(done => setTimeout(done, 100));
  }
  video.pause();
  return {duration: video.duration, currentTime: video.currentTime, width: video.videoWidth,
          height: video.videoHeight, tracks: video.textTracks.length};
}"""


def _characters(folder: Path) -> list[Path]:
    paths = []
    for seed, name in enumerate(("Asha.png", "River.png")):
        path = folder / name
        path.write_bytes(image_bytes(seed=seed))
        paths.append(path)
    return paths


def test_a_one_minute_film_from_script_to_subtitles(
    studio: Studio, browser: Browser, tmp_path: Path, studio_url: str
) -> None:
    page = studio.page
    studio.sign_up("Asha Rao")
    studio.shot(page, "studio")

    studio.fill_film(TITLE, ONE_MINUTE_SCRIPT, _characters(tmp_path))
    expect(page.get_by_label("Image previews").get_by_role("img")).to_have_count(2)
    expect(studio.estimate()).to_contain_text("The script fits this length.")
    expect(studio.estimate()).to_contain_text("3 credits")
    studio.shot(page, "film-filled")

    studio.generate()
    expect(page.get_by_role("tab", name="My films", selected=True)).to_be_visible()
    seen = studio.follow_progress()
    assert seen[-1] == 100.0
    assert seen == sorted(seen), f"progress went backwards: {seen}"
    assert len([value for value in seen if 0 < value < 100]) >= 2, seen

    video = page.locator("video.film-player")
    expect(video).to_be_visible()
    state = page.evaluate(VIDEO_STATE_JS, PLAYED_S)
    studio.shot(page, "film-ready")
    assert abs(state["duration"] - FILM_S) <= FILM_S * LENGTH_TOLERANCE, state
    assert state["currentTime"] >= PLAYED_S, state
    assert (state["width"], state["height"]) == (640, 360), state
    assert state["tracks"] == 1, state
    poster = video.get_attribute("poster")
    assert poster and "thumb-scene-0000.jpg" in poster, poster  # the storyboard's frame
    frame = page.request.get(poster)
    assert frame.ok and frame.body()[:3] == b"\xff\xd8\xff", frame.status

    with page.expect_download() as srt_download:
        page.get_by_role("link", name="SRT subtitles").click()
    assert srt_download.value.suggested_filename == f"{TITLE}.srt"
    srt = Path(srt_download.value.path()).read_text()
    assert srt.startswith("1\n00:00:"), srt[:80]
    assert " --> " in srt and "river" in srt.lower()
    with page.expect_download() as vtt_download:
        page.get_by_role("link", name="VTT subtitles").click()
    vtt = Path(vtt_download.value.path()).read_text()
    assert vtt.startswith("WEBVTT"), vtt[:80]
    with page.expect_download() as mp4_download:
        page.get_by_role("link", name="MP4 video").click()
    assert mp4_download.value.suggested_filename == f"{TITLE}.mp4"
    assert Path(mp4_download.value.path()).read_bytes()[4:8] == b"ftyp"

    studio.expect_credits(0)
    assert studio.film_rows() == [TITLE]
    expect(page.get_by_label("Your films")).to_contain_text("Ready")
    with studio.api() as api:
        films = api.get("/api/projects").json()["projects"]
    assert [(film["title"], film["status"]) for film in films] == [(TITLE, "complete")]

    other_context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        other = Studio(other_context.new_page(), studio_url, studio.shot)
        other.sign_up("Ravi Kumar")
        other.tab("My films")
        expect(other.page.get_by_text("No films yet")).to_be_visible()
        assert other.film_rows() == []
        other.shot(other.page, "second-user-sees-no-films")
        with other.api() as api:
            assert api.get(f"/api/projects/{films[0]['id']}").status_code == 404
    finally:
        other_context.close()

    expect(page.get_by_role("button", name="Regenerate")).to_be_disabled()
    with studio.api() as api:
        refusal = api.post(f"/api/projects/{films[0]['id']}/regenerate")
    assert refusal.status_code == 402
    assert (refusal.json()["cost"], refusal.json()["balance"]) == (3, 0)
    expect(page.locator("#regenerate-reason")).to_contain_text("Needs 3 credits, you have 0.")
    studio.shot(page, "regenerate-needs-credits")

    page.get_by_role("button", name="Delete film").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_text("The film was deleted.")).to_be_visible()
    assert studio.film_rows() == []
    with studio.api() as api:
        assert api.get(f"/api/projects/{films[0]['id']}").status_code == 404
    studio.shot(page, "deleted")


def test_music_styles_have_a_preview_to_listen_to(studio: Studio) -> None:
    page = studio.page
    studio.sign_up("Lata")
    expect(page.get_by_text("Music preview")).to_be_visible()
    expect(page.get_by_text("0:12")).to_be_visible()
    page.get_by_label("Music").click()
    page.get_by_role("option", name="Devotional").click()
    expect(page.get_by_text("A tanpura-like drone with a slow melodic line.")).to_be_visible()
    expect(page.get_by_text("0:12")).to_be_visible()
    studio.shot(page, "devotional-preview")
    page.get_by_label("Music").click()
    page.get_by_role("option", name="No music").click()
    expect(page.get_by_text("Narration only.")).to_be_visible()
    expect(page.get_by_text("0:12")).to_have_count(0)


def test_a_creators_own_track_becomes_the_films_music(studio: Studio, tmp_path: Path) -> None:
    page = studio.page
    studio.sign_up("Ravi")
    studio.tab("New film")
    bad = tmp_path / "notes.mp3"
    bad.write_bytes(b"not audio at all" * 50)
    studio.attach_track(bad)
    expect(page.get_by_text("is not a readable audio file")).to_be_visible()
    studio.shot(page, "bad-track")

    page.reload()
    studio.wait_for_studio()
    studio.fill_film("Scored by me", ONE_MINUTE_SCRIPT)
    studio.attach_track(tone_file(tmp_path / "Theme.mp3", seconds=4))
    expect(page.get_by_text("Theme.mp3 (4 s) is ready.")).to_be_visible()
    expect(page.get_by_text("Your track, looped or trimmed")).to_be_visible()
    studio.shot(page, "own-track")
    studio.generate()
    expect(page.get_by_role("tab", name="My films", selected=True)).to_be_visible()
    with studio.api() as api:
        films = api.get("/api/projects").json()["projects"]
        project = api.get(f"/api/projects/{films[0]['id']}").json()
        uploads = api.get("/api/credits/balance").json()
    assert project["music"].endswith("/Theme.mp3")
    assert uploads["balance"] == 0
