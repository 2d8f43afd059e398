"""GET /api/projects/{id}/provenance on films a real worker rendered and signed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
from sqlalchemy import select

from app.config import Settings
from app.context import AppContext
from app.provenance.manifest import COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
from app.provenance.reading import UNTRUSTED_CODE
from db.models import Project
from pipeline.media.probe import probe
from tests.app.test_projects import _upload, film
from tests.support.accounts import register
from tests.support.jobs import download, running_worker, wait_for_project
from tests.support.media import image_bytes


async def test_provenance_is_read_back_from_the_stored_film(
    client: httpx.AsyncClient, context: AppContext, settings: Settings, tmp_path: Path
) -> None:
    account = await register(client)
    refs = await _upload(client, account, "Asha.png", "river.png")
    created = await client.post(
        "/api/projects/create",
        json=film(images=refs, resolution="360p", music="ambient", ai_label=True),
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]

    early = await client.get(f"/api/projects/{project_id}/provenance", headers=account.headers)
    assert early.status_code == 409 and early.json()["code"] == "project_not_complete"

    async with running_worker(settings, context.database_url):
        project, _ = await wait_for_project(client, account.headers, project_id)
    assert project["status"] == "complete", project
    assert probe(await download(client, project["video_url"], tmp_path / "f.mp4")).faststart

    answer = await client.get(f"/api/projects/{project_id}/provenance", headers=account.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["present"] and body["valid"] and not body["trusted"]
    assert body["validation_state"] == "Valid"
    assert [item["code"] for item in body["failures"]] == [UNTRUSTED_CODE]
    assert body["digital_source_type"] == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
    uploaded = [hashlib.sha256(image_bytes(seed=i)).hexdigest() for i in range(2)]
    assert body["ingredient_hashes"] == uploaded
    assert body["manifest"]["signature_info"]["common_name"] == "AI Film Studio development signer"
    action = body["manifest"]["assertions"][-1]["data"]["actions"][0]
    assert action["parameters"]["visible_ai_label"] is True
    assert project["ai_label"] is True

    other = await register(client)
    hidden = await client.get(f"/api/projects/{project_id}/provenance", headers=other.headers)
    assert hidden.status_code == 404

    # The same project with its stored film swapped for an unsigned copy of the same MP4.
    async with context.sessions() as session:
        key = await session.scalar(select(Project.video_key).where(Project.id == project_id))
    assert key is not None
    unsigned = _strip_manifest(tmp_path / "f.mp4", tmp_path / "unsigned.mp4")
    context.storage.put_file(key, unsigned, "video/mp4")
    bare = await client.get(f"/api/projects/{project_id}/provenance", headers=account.headers)
    assert bare.status_code == 200
    assert bare.json()["present"] is False and bare.json()["validation_state"] is None
    assert bare.json()["valid"] is False and bare.json()["manifest"] is None


def _strip_manifest(source: Path, destination: Path) -> Path:
    """A remux without the C2PA uuid box (ffmpeg copies the streams, drops unknown boxes)."""
    import subprocess

    from pipeline.media.encode import ffmpeg_exe

    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-i", str(source), "-c", "copy",
         "-movflags", "+faststart", str(destination)],
        check=True,
    )  # fmt: skip
    return destination
