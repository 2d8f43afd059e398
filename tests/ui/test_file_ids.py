"""Opaque file ids: bound to one user, bounded, expiring; paths swapped both ways in JSON."""

from __future__ import annotations

import pytest

from app.ui.file_ids import ID_PREFIX, FileIds, is_file_id
from app.ui.path_rewrite import FOLDER_PLACEHOLDER, FileRefused, PathHider, UnknownFile

ROOT = "/srv/tmp/gradio"
PHOTO = f"{ROOT}/3f2a/photo one.png"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_id_names_the_file_but_not_where_it_is() -> None:
    ids = FileIds()
    file_id = ids.issue("ann", PHOTO)
    assert file_id.startswith(ID_PREFIX) and file_id.endswith("/photo one.png")
    assert ROOT not in file_id and "3f2a" not in file_id
    assert is_file_id(file_id)
    assert ids.issue("ann", PHOTO) == file_id
    assert ids.resolve("ann", file_id) == PHOTO


def test_an_id_works_only_for_its_owner_and_with_its_own_name() -> None:
    ids = FileIds()
    file_id = ids.issue("ann", PHOTO)
    assert ids.resolve("bob", file_id) is None
    assert ids.resolve("ann", file_id.replace("photo one.png", "passwd")) is None
    assert ids.issue("bob", PHOTO) != file_id


def test_ids_expire_when_unused_and_the_map_stays_bounded() -> None:
    clock = Clock()
    ids = FileIds(max_ids=3, max_per_user=2, lifetime_s=10, clock=clock)
    first = ids.issue("ann", f"{ROOT}/a/1.png")
    clock.now = 6
    assert ids.resolve("ann", first) is not None  # use keeps it alive
    clock.now = 15
    assert ids.resolve("ann", first) is not None
    clock.now = 26
    assert ids.resolve("ann", first) is None
    assert len(ids) == 0
    kept = [ids.issue("ann", f"{ROOT}/a/{n}.png") for n in range(3)]
    assert len(ids) == 2 and ids.resolve("ann", kept[0]) is None
    others = [ids.issue(user, f"{ROOT}/b/1.png") for user in ("bob", "cat")]
    assert len(ids) == 3
    assert [ids.resolve("ann", kept[2]), ids.resolve("cat", others[1])] == [
        f"{ROOT}/a/2.png",
        f"{ROOT}/b/1.png",
    ]


def test_paths_going_out_become_ids_everywhere_they_appear() -> None:
    hider = PathHider([ROOT])
    ids = FileIds()

    def issue(path: str) -> str:
        return ids.issue("ann", path)

    answer = {
        "msg": "process_completed",
        "output": {
            "data": [
                {
                    "path": PHOTO,
                    "url": "https://studio.test/studio/gradio_api/file=/srv/tmp/gradio/3f2a/photo%20one.png",
                    "meta": {"_type": "gradio.FileData"},
                },
                f"File {ROOT}/9c/x.wav is not in {ROOT}.",
                "/srv/tmp/gradiox/elsewhere.png",
            ]
        },
    }
    hidden = hider.hide(answer, issue)
    assert ROOT not in repr(hidden["output"]["data"][:2])
    first, message, unrelated = hidden["output"]["data"]
    assert first["path"] == issue(PHOTO)
    assert first["url"].endswith("/file=" + issue(PHOTO).replace(" ", "%20"))
    assert message == f"File {issue(f'{ROOT}/9c/x.wav')} is not in {FOLDER_PLACEHOLDER}."
    assert unrelated == "/srv/tmp/gradiox/elsewhere.png"


def test_ids_coming_in_become_paths_only_for_their_owner() -> None:
    hider = PathHider([ROOT])
    ids = FileIds()
    file_id = ids.issue("ann", PHOTO)
    body = {
        "data": [[{"path": file_id, "meta": {"_type": "gradio.FileData"}}], None, "upload/x/y"],
        "fn_index": 3,
    }
    revealed = hider.reveal(body, lambda i: ids.resolve("ann", i))
    assert revealed["data"][0][0]["path"] == PHOTO
    assert revealed["data"][2] == "upload/x/y"  # not a file object: untouched
    with pytest.raises(UnknownFile):
        hider.reveal(body, lambda i: ids.resolve("bob", i))


@pytest.mark.parametrize(
    "path", ["/etc/passwd", PHOTO, "../../etc/passwd", "https://example.com/a.png", "", "upload/"]
)
def test_a_path_coming_in_is_refused(path: str) -> None:
    hider = PathHider([ROOT])
    ids = FileIds()
    with pytest.raises(FileRefused) as refusal:
        hider.reveal({"data": [{"path": path}]}, lambda i: ids.resolve("ann", i))
    assert refusal.value.status == 400 and ROOT not in str(refusal.value)


def test_an_id_leading_outside_the_folders_is_refused() -> None:
    hider = PathHider([ROOT])
    ids = FileIds()
    escaped = ids.issue("ann", "/etc/passwd")  # cannot happen: ids come from hidden paths
    with pytest.raises(UnknownFile):
        hider.real_path(escaped, lambda i: ids.resolve("ann", i))


def test_a_bare_path_in_other_values_never_names_a_file() -> None:
    hider = PathHider([ROOT])
    ids = FileIds()
    file_id = ids.issue("ann", PHOTO)
    draft = {"images": [{"preview_path": file_id}, {"preview_path": f"{ROOT}/77/other.png"}]}
    revealed = hider.reveal(draft, lambda i: ids.resolve("ann", i))
    assert revealed["images"][0]["preview_path"] == PHOTO
    assert revealed["images"][1]["preview_path"] == f"{ID_PREFIX}expired/other.png"
    assert ids.resolve("ann", revealed["images"][1]["preview_path"]) is None
    stranger = hider.reveal(draft, lambda i: ids.resolve("bob", i))
    assert stranger["images"][0]["preview_path"] == file_id
