"""Attacks the review found held, kept held: BOLA on every object route, signed-link
tampering, SSRF through lip-sync links, path tricks in uploads."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx

from app.context import AppContext
from app.storage import LocalStorage
from tests.app.test_projects import _topup, film
from tests.support.accounts import register
from tests.support.media import image_bytes


async def test_no_object_route_serves_another_users_objects(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    thief = await register(client)
    await _topup(client, owner, "Standard")
    project = await client.post("/api/projects/create", json=film(), headers=owner.headers)
    assert project.status_code == 201
    project_id, job_id = project.json()["id"], project.json()["job_id"]
    upload = await client.post(
        "/api/uploads/images",
        files=[("files", ("MAYA.png", image_bytes(), "image/png"))],
        headers=owner.headers,
    )
    image_ref = upload.json()["images"][0]["ref"]
    attempts = [
        ("GET", f"/api/projects/{project_id}", None),
        ("POST", f"/api/projects/{project_id}/regenerate", None),
        ("DELETE", f"/api/projects/{project_id}", None),
        ("GET", f"/api/ai/jobs/{job_id}", None),
        ("POST", f"/api/ai/jobs/{job_id}/cancel", None),
        ("POST", "/api/ai/video-generate", {**film(), "project_id": project_id}),
        ("POST", "/api/ai/audio-generate", {"project_id": project_id, "text": "Hello."}),
        ("POST", "/api/ai/music-generate", {"project_id": project_id, "duration": 10}),
        ("POST", "/api/youtube/upload", {"project_id": project_id, "channel_id": "UC1"}),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, json=body, headers=thief.headers)
        assert response.status_code in (404, 503), (method, path, response.text)
    borrowed = await client.post(
        "/api/projects/create", json=film(images=[image_ref]), headers=thief.headers
    )
    assert borrowed.status_code == 422 and borrowed.json()["code"] == "unknown_upload"
    listed = await client.get("/api/projects", headers=thief.headers)
    assert listed.json()["total"] == 0
    still = await client.get(f"/api/projects/{project_id}", headers=owner.headers)
    assert still.status_code == 200


async def test_signed_links_cannot_be_tampered_with(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    key = f"users/{uuid.uuid4()}/uploads/{uuid.uuid4()}/a.txt"
    other = f"users/{uuid.uuid4()}/uploads/{uuid.uuid4()}/b.txt"
    storage.put_bytes(key, b"secret a", "text/plain")
    storage.put_bytes(other, b"secret b", "text/plain")
    link = urlsplit(storage.url(key))
    query = {name: values[0] for name, values in parse_qs(link.query).items()}
    good = await client.get(link.path, params=query)
    assert good.status_code == 200 and good.content == b"secret a"
    other_path = link.path.replace(key, other)
    tampered = [
        (other_path, query),  # another key, same signature
        (link.path, {**query, "expires": str(int(query["expires"]) + 3600)}),  # longer life
        (link.path, {**query, "signature": _altered_last_character(query["signature"])}),
        (link.path, {"expires": "1", "signature": query["signature"]}),  # expired
        ("/api/files/../../etc/passwd", query),
        (link.path, {**query, "signature": "Ü" * 10}),
    ]
    for path, params in tampered:
        response = await client.get(path, params=params)
        assert response.status_code in (403, 404), (path, params, response.status_code)
        assert b"secret" not in response.content


def _altered_last_character(signature: str) -> str:
    """The signature with its last hex digit changed (never the same digit again)."""
    return signature[:-1] + ("1" if signature.endswith("0") else "0")


async def test_lip_sync_never_fetches_a_url_it_did_not_issue(client: httpx.AsyncClient) -> None:
    account = await register(client)
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    for link in (
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:5432/",
        "gopher://127.0.0.1:25/",
        "file:///etc/passwd",
        "s3://someone-elses-bucket/film.mp4",
    ):
        response = await client.post(
            "/api/ai/lip-sync",
            json={"project_id": project_id, "video_url": link, "audio_url": link},
            headers=account.headers,
        )
        assert response.status_code == 422, link
        assert response.json()["code"] == "foreign_link"


async def test_upload_filenames_cannot_escape_or_impersonate(client: httpx.AsyncClient) -> None:
    account = await register(client)
    for name in ("../../etc/passwd.png", "..\\..\\x.png", "/abs/path.png", "a\u0000b.png"):
        response = await client.post(
            "/api/uploads/images",
            files=[("files", (name, image_bytes(), "image/png"))],
            headers=account.headers,
        )
        assert response.status_code in (201, 422), (name, response.text)
        if response.status_code == 201:
            ref = response.json()["images"][0]["ref"]
            assert ".." not in ref and "\\" not in ref and "\u0000" not in ref
            assert ref.count("/") == 1
    fake = await client.post(
        "/api/uploads/images",
        files=[("files", ("script.png", b"<?php system($_GET[1]); ?>", "image/png"))],
        headers=account.headers,
    )
    assert fake.status_code == 422


async def test_lip_sync_refuses_a_still_image_as_the_video(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    upload = await client.post(
        "/api/uploads/images",
        files=[("files", ("face.png", image_bytes(), "image/png"))],
        headers=account.headers,
    )
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    ref = upload.json()["images"][0]["ref"]
    still = storage.url(f"users/{account.id}/uploads/{ref}")
    before = (await client.get("/api/credits/balance", headers=account.headers)).json()
    response = await client.post(
        "/api/ai/lip-sync",
        json={"project_id": project_id, "video_url": still, "audio_url": still},
        headers=account.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "not_a_video"
    after = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert after["balance"] == before["balance"]
