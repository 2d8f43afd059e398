"""Lip-sync test inputs: a film that shows a face, a narration to sync it to, decoded frames."""

from __future__ import annotations

import io
from pathlib import Path

import av
import httpx
import numpy as np
from PIL import Image

from pipeline.testing.faces import draw_face
from tests.app.test_projects import film
from tests.support.accounts import Account

FACE_SIZE = (640, 360)


def face_png() -> bytes:
    """A PNG of a drawn face, big enough for the face detectors."""
    buffer = io.BytesIO()
    Image.fromarray(draw_face(*FACE_SIZE, cx=320, cy=170, size=90)).save(buffer, "PNG")
    return buffer.getvalue()


async def film_and_narration(client: httpx.AsyncClient, account: Account) -> tuple[str, str, str]:
    """A project whose film shows a face, and a narration job: (project id, film job, audio job)."""
    uploaded = await client.post(
        "/api/uploads/images",
        files=[("files", ("Hero.png", face_png(), "image/png"))],
        data={"consent": "true"},
        headers=account.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    ref = uploaded.json()["images"][0]["ref"]
    created = await client.post(
        "/api/projects/create",
        json=film(images=[ref], resolution="360p", music="none"),
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    audio = await client.post(
        "/api/ai/audio-generate",
        json={"project_id": project_id, "text": "Hello there. I have come home at last."},
        headers=account.headers,
    )
    assert audio.status_code == 202, audio.text
    return project_id, created.json()["job_id"], audio.json()["job_id"]


def video_frame(path: Path, index: int) -> np.ndarray:
    """Decoded frame number index of a video, as RGB."""
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number == index:
                return np.asarray(frame.to_ndarray(format="rgb24"))
    raise AssertionError(f"{path} has no frame {index}")
