"""A restored draft shows only files in Gradio's upload folder (the draft comes from the
browser, so it may name any path)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from gradio.utils import get_upload_folder

from app.ui.draft import existing_files
from app.ui.image_uploads import StoredImage


def _image(path: str) -> StoredImage:
    return StoredImage("ref", str(uuid.uuid4()), Path(path).name, path, "", None, None)


def test_only_files_in_gradios_upload_folder_are_shown(tmp_path: Path) -> None:
    folder = Path(get_upload_folder()) / f"draft-test-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    kept = folder / "maya.png"
    kept.write_bytes(b"png")
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(b"png")
    try:
        images = [
            _image(str(kept)),
            _image(str(outside)),
            _image("/etc/passwd"),
            _image(f"{folder}/../../../etc/passwd"),
            _image("upload/expired/maya.png"),
        ]
        assert existing_files(images) == [str(kept)]
    finally:
        kept.unlink()
        folder.rmdir()


@pytest.mark.parametrize("path", ["", "relative.png"])
def test_odd_paths_are_not_shown(path: str) -> None:
    assert existing_files([_image(path)]) == []
