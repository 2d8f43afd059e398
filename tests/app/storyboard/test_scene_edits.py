"""Storyboard edits: scenes are the script's paragraphs; every edit rewrites the script under
the rules of a new project."""

from __future__ import annotations

import httpx

from app.context import AppContext
from tests.app.storyboard.support import rendered_project
from tests.app.test_projects import _topup, _upload, film
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT

NEW_LINE = "A kite rose over the river, red against the morning, and the children ran after it."


async def _script(client: httpx.AsyncClient, headers: dict[str, str], project_id: str) -> str:
    return str((await client.get(f"/api/projects/{project_id}", headers=headers)).json()["script"])


async def test_scenes_are_paragraphs_and_an_edit_changes_only_that_scene(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    project_id = await rendered_project(client, context, account)
    board = await client.get(f"/api/projects/{project_id}/scenes", headers=account.headers)
    assert board.status_code == 200, board.text
    body = board.json()
    assert [scene["index"] for scene in body["scenes"]] == [0, 1, 2, 3]
    assert body["scenes"][1]["text"].startswith("Asha carried")
    assert body["full_render"] is False and not any(s["changed"] for s in body["scenes"])
    assert body["rendered_job_id"] is not None

    edited = await client.patch(
        f"/api/projects/{project_id}/scenes/1", json={"text": NEW_LINE}, headers=account.headers
    )
    assert edited.status_code == 200, edited.text
    scenes = edited.json()["scenes"]
    assert [s["changed"] for s in scenes] == [False, True, False, False]
    assert scenes[1]["text"] == NEW_LINE
    paragraphs = (await _script(client, account.headers, project_id)).split("\n\n")
    assert paragraphs[1] == NEW_LINE and len(paragraphs) == 4
    assert paragraphs[0] == ONE_MINUTE_SCRIPT.split("\n\n")[0]


async def test_pinning_an_image_voice_and_speaker_write_direction_lines(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    (river,) = await _upload(client, account, "river.png")
    project_id = await rendered_project(client, context, account)
    edited = await client.patch(
        f"/api/projects/{project_id}/scenes/2",
        json={"image": river, "voice": "female", "speaker": "ASHA"},
        headers=account.headers,
    )
    assert edited.status_code == 200, edited.text
    scene = edited.json()["scenes"][2]
    assert scene["image"] == river and scene["images"] == [river]
    assert scene["voice"] == "female" and scene["speaker"] == "ASHA"
    paragraph = (await _script(client, account.headers, project_id)).split("\n\n")[2]
    assert paragraph.startswith("[image: river]\n[voice: female]\nASHA: When the flame caught")
    project = (await client.get(f"/api/projects/{project_id}", headers=account.headers)).json()
    assert project["images"] == [river]

    cleared = await client.patch(
        f"/api/projects/{project_id}/scenes/2",
        json={"image": None, "voice": None, "speaker": ""},
        headers=account.headers,
    )
    scene = cleared.json()["scenes"][2]
    assert scene["image"] is None and scene["voice"] is None and scene["speaker"] is None
    paragraph = (await _script(client, account.headers, project_id)).split("\n\n")[2]
    assert paragraph.startswith("When the flame caught")


async def test_insert_move_and_delete_rewrite_the_paragraphs(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    project_id = await rendered_project(client, context, account)
    url = f"/api/projects/{project_id}/scenes"
    inserted = await client.post(
        url, json={"text": NEW_LINE, "position": 0}, headers=account.headers
    )
    assert inserted.status_code == 201, inserted.text
    scenes = inserted.json()["scenes"]
    assert scenes[0]["text"] == NEW_LINE and scenes[0]["changed"]
    assert not any(s["changed"] for s in scenes[1:])

    moved = await client.post(f"{url}/0/move", json={"to": 4}, headers=account.headers)
    assert moved.status_code == 200, moved.text
    assert moved.json()["scenes"][4]["text"] == NEW_LINE

    deleted = await client.delete(f"{url}/4", headers=account.headers)
    assert deleted.status_code == 200, deleted.text
    assert await _script(client, account.headers, project_id) == ONE_MINUTE_SCRIPT
    assert not any(s["changed"] for s in deleted.json()["scenes"])


async def test_bad_edits_are_422_with_plain_messages_and_change_nothing(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    other = await register(client)
    (theirs,) = await _upload(client, other, "stranger.png")
    project_id = await rendered_project(client, context, account)
    url = f"/api/projects/{project_id}/scenes"
    cases = [
        ("PATCH", f"{url}/1", {"text": "Bad \x00 text."}, "control character"),
        ("PATCH", f"{url}/1", {"text": "word " * 2000}, "fastest pace"),
        ("PATCH", f"{url}/1", {"image": theirs}, "Unknown image reference"),
        ("PATCH", f"{url}/1", {"image": "river.png"}, "not an image reference"),
        ("PATCH", f"{url}/1", {"text": "[image: river]\nHello there."}, "direction"),
        ("PATCH", f"{url}/1", {"speaker": "R2-D2!"}, "name"),
        ("PATCH", f"{url}/1", {"voice": "robot"}, "voice"),
        ("POST", url, {"text": "One more scene.", "position": 9}, "past the end"),
        ("POST", f"{url}/1/move", {"to": 4}, "numbered 0 to 3"),
        ("POST", url, {"text": "   "}, "text"),
    ]
    for method, path, body, words in cases:
        response = await client.request(method, path, json=body, headers=account.headers)
        assert response.status_code == 422, (body, response.text)
        assert words in response.text, (body, response.text)
        assert response.json()["code"], response.text
    assert await _script(client, account.headers, project_id) == ONE_MINUTE_SCRIPT

    missing = await client.patch(f"{url}/7", json={"text": "Hi."}, headers=account.headers)
    assert missing.status_code == 404 and "numbered 0 to 3" in missing.json()["detail"]


async def test_deleting_the_only_scene_is_422(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    script = " ".join(ONE_MINUTE_SCRIPT.split("\n\n"))
    project_id = await rendered_project(client, context, account, script=script)
    response = await client.delete(f"/api/projects/{project_id}/scenes/0", headers=account.headers)
    assert response.status_code == 422 and "only scene" in response.json()["detail"]


async def test_another_users_project_is_404_and_a_busy_one_is_409(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    owner = await register(client)
    intruder = await register(client)
    created = await client.post("/api/projects/create", json=film(), headers=owner.headers)
    project_id = created.json()["id"]
    url = f"/api/projects/{project_id}"
    requests = [
        ("GET", f"{url}/scenes", None),
        ("PATCH", f"{url}/scenes/0", {"text": NEW_LINE}),
        ("POST", f"{url}/scenes", {"text": NEW_LINE}),
        ("DELETE", f"{url}/scenes/0", None),
        ("POST", f"{url}/scenes/0/move", {"to": 1}),
        ("GET", f"{url}/render-estimate", None),
        ("POST", f"{url}/render", None),
    ]
    for method, path, body in requests:
        response = await client.request(method, path, json=body, headers=intruder.headers)
        assert response.status_code == 404, (method, path, response.text)
    await _topup(client, owner, "Standard")
    for method, path, body in requests:
        if method == "GET":
            continue
        response = await client.request(method, path, json=body, headers=owner.headers)
        assert response.status_code == 409, (method, path, response.text)
        assert response.json()["code"] == "render_in_progress"
        assert "wait for it to finish" in response.json()["detail"]
