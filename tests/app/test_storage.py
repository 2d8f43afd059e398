"""Storage backends: the local folder and S3 (against a real local S3 server)."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from app.config import Settings
from app.download_names import content_disposition
from app.main import create_app
from app.storage import (
    MULTIPART_THRESHOLD_BYTES,
    LocalStorage,
    ObjectMissing,
    S3Storage,
    StorageError,
    open_storage,
)
from pipeline.media.probe import probe
from tests.app.test_projects import _upload, film
from tests.support.accounts import register
from tests.support.jobs import running_worker, wait_for_project
from tests.support.s3_server import apply_s3_environment, s3_server

BUCKET = "films"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    apply_s3_environment()
    with s3_server() as endpoint:
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint


def test_s3_put_get_link_delete(s3_endpoint: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{BUCKET}/studio", "secret" * 8, "http://x", s3_endpoint)
    assert isinstance(storage, S3Storage)
    storage.put_bytes(
        "projects/p1/jobs/j1/film.srt",
        b"1\n00:00:00,000 --> 00:00:01,000\nHi\n",
        "application/x-subrip",
    )
    assert storage.exists("projects/p1/jobs/j1/film.srt")
    assert not storage.exists("projects/p1/jobs/j1/missing.srt")
    assert (
        storage.location("projects/p1/jobs/j1/film.srt")
        == f"s3://{BUCKET}/studio/projects/p1/jobs/j1/film.srt"
    )

    link = storage.url("projects/p1/jobs/j1/film.srt", lifetime_s=60, filename="Café film.srt")
    assert "X-Amz-Signature" in link and "X-Amz-Expires=60" in link
    with urllib.request.urlopen(link) as response:
        assert response.read().startswith(b"1\n00:00:00,000")
        assert response.headers["Content-Disposition"] == content_disposition("Café film.srt")

    copy = tmp_path / "copy.srt"
    storage.download("projects/p1/jobs/j1/film.srt", copy)
    assert copy.read_bytes().endswith(b"Hi\n")
    with pytest.raises(ObjectMissing):
        storage.download("projects/p1/jobs/j1/gone.srt", tmp_path / "gone")

    storage.put_bytes("projects/p1/jobs/j2/film.mp4", b"x", "video/mp4")
    storage.put_bytes("projects/p2/jobs/j3/film.mp4", b"y", "video/mp4")
    assert storage.delete_prefix("projects/p1/") == 2
    assert not storage.exists("projects/p1/jobs/j2/film.mp4")
    assert storage.exists("projects/p2/jobs/j3/film.mp4")


def test_s3_large_files_go_up_in_parts(s3_endpoint: str, tmp_path: Path) -> None:
    storage = open_storage(f"s3://{BUCKET}/big", "secret" * 8, "http://x", s3_endpoint)
    big = tmp_path / "film.mp4"
    big.write_bytes(b"\0" * (MULTIPART_THRESHOLD_BYTES + 1024))
    storage.put_file("projects/p/jobs/j/film.mp4", big, "video/mp4")
    head = boto3.client("s3", endpoint_url=s3_endpoint).head_object(
        Bucket=BUCKET, Key="big/projects/p/jobs/j/film.mp4"
    )
    assert head["ContentLength"] == big.stat().st_size
    assert head["ETag"].strip('"').endswith("-2")  # a multipart upload's ETag names its parts
    assert head["ContentType"] == "video/mp4"


def test_local_links_are_signed_and_expire(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store", "secret" * 8, "http://localhost:8000")
    storage.put_bytes("projects/p/film.srt", b"subtitles", "application/x-subrip")
    link = storage.url("projects/p/film.srt", lifetime_s=60)
    assert link.startswith("http://localhost:8000/api/files/projects/p/film.srt?expires=")
    expires = int(link.split("expires=")[1].split("&")[0])
    signature = link.split("signature=")[1]
    assert storage.verify_link("projects/p/film.srt", expires, signature)
    assert not storage.verify_link("projects/p/other.srt", expires, signature)
    assert not storage.verify_link("projects/p/film.srt", int(time.time()) - 1, signature)
    with pytest.raises(StorageError):
        storage.path("../outside.txt")
    with pytest.raises(StorageError):
        storage.put_bytes("/etc/passwd", b"", "text/plain")


def test_unknown_storage_url_is_a_clear_error() -> None:
    with pytest.raises(StorageError, match="file:// or s3://"):
        open_storage("ftp://example.com/films", "secret" * 8, "http://x")


async def test_a_film_stored_on_s3_downloads_from_its_presigned_link(
    s3_endpoint: str, settings: Settings, tmp_path: Path
) -> None:
    s3_settings = settings.model_copy(
        update={"storage_url": f"s3://{BUCKET}/e2e", "s3_endpoint_url": s3_endpoint}
    )
    application = create_app(s3_settings)
    async with application.router.lifespan_context(application):
        context = application.state.context
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            account = await register(client)
            refs = await _upload(client, account, "Asha.png")
            created = await client.post(
                "/api/projects/create",
                json=film(images=refs, resolution="360p"),
                headers=account.headers,
            )
            project_id = created.json()["id"]
            async with running_worker(s3_settings, context.database_url):
                project, _ = await wait_for_project(client, account.headers, project_id)
            assert project["status"] == "complete", project
            assert project["video_url"].startswith(f"{s3_endpoint}/{BUCKET}/e2e/projects/")

            path = tmp_path / "film.mp4"
            with urllib.request.urlopen(project["video_url"]) as response:
                path.write_bytes(response.read())
            facts = probe(path)
            assert facts.video is not None
            assert abs(facts.duration_s - 60) < 1.2

            listed = await client.get("/api/projects", headers=account.headers)
            (row,) = listed.json()["projects"]
            assert row["video_url"].startswith(f"{s3_endpoint}/{BUCKET}/e2e/projects/")
            assert "X-Amz-Signature" in row["video_url"]
            with urllib.request.urlopen(row["video_url"]) as response:
                assert response.read() == path.read_bytes()

            deleted = await client.delete(f"/api/projects/{project_id}", headers=account.headers)
            assert deleted.status_code == 204
    listing = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(
        Bucket=BUCKET, Prefix=f"e2e/projects/{project_id}/"
    )
    assert listing.get("KeyCount", 0) == 0
