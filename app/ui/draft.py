"""The New film draft kept in the browser (localStorage through Gradio's BrowserState), one
per signed-in user, so a reload or a new sign-in gives the work back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from gradio.utils import get_upload_folder

from app.ui.image_uploads import StoredImage

DRAFT_STORAGE_KEY = "filmstudio-new-film-draft"
"""The localStorage key holding every draft of this browser."""

TYPED_KEY_PREFIX = "filmstudio-typed:"
"""localStorage keys (one per user id) of the title and script as last typed, written by
studio.js at every keystroke so typing after a session expired is kept too."""

READ_TYPED_JS = f"""() => {{
  const typed = {{}};
  for (let i = 0; i < localStorage.length; i++) {{
    const key = localStorage.key(i);
    if (key.startsWith('{TYPED_KEY_PREFIX}')) {{
      typed[key.slice({len(TYPED_KEY_PREFIX)})] = localStorage.getItem(key);
    }}
  }}
  return JSON.stringify(typed);
}}"""
CLEAR_TYPED_JS = f"""() => {{
  const account = document.querySelector('[data-user]');
  const queued = document.querySelector('#create-notice .notice-success');
  if (queued && account) {{ localStorage.removeItem('{TYPED_KEY_PREFIX}' + account.dataset.user); }}
}}"""
"""Run after Generate: forgets the typed text once the film was queued (a success notice)."""

MAX_DRAFT_USERS = 3
"""Drafts kept per browser (the most recently saved users'); older ones are dropped."""


def draft_secret(app_secret: str) -> str:
    """The key BrowserState encrypts drafts with, derived from the app's secret."""
    return hashlib.sha256(f"studio-draft:{app_secret}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Draft:
    """What the New film form holds."""

    title: str = ""
    script: str = ""
    images: list[StoredImage] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    """voice, duration, music, language, aspect, resolution, ai_label, captions."""

    @property
    def empty(self) -> bool:
        """Nothing worth restoring."""
        return not (self.title.strip() or self.script.strip() or self.images)


IMAGE_FIELDS = {item.name for item in fields(StoredImage)}


def _image(raw: object) -> StoredImage | None:
    if not isinstance(raw, dict) or set(raw) != IMAGE_FIELDS:
        return None
    try:
        return StoredImage(**raw)
    except TypeError:
        return None


def save_draft(store: object, user_id: str, draft: Draft) -> dict[str, Any]:
    """The browser's drafts with this user's replaced (and the oldest beyond
    MAX_DRAFT_USERS dropped); an empty draft removes the user's entry."""
    drafts = dict(store) if isinstance(store, dict) else {}
    drafts.pop(user_id, None)
    if not draft.empty:
        drafts[user_id] = {
            "title": draft.title,
            "script": draft.script,
            "images": [asdict(image) for image in draft.images],
            "settings": dict(draft.settings),
        }
    return dict(list(drafts.items())[-MAX_DRAFT_USERS:])


def load_draft(store: object, user_id: str) -> Draft | None:
    """This user's draft from the browser's drafts, or None."""
    if not isinstance(store, dict):
        return None
    raw = store.get(user_id)
    if not isinstance(raw, dict):
        return None
    images = [image for image in map(_image, raw.get("images") or []) if image is not None]
    settings = raw.get("settings")
    draft = Draft(
        title=str(raw.get("title") or ""),
        script=str(raw.get("script") or ""),
        images=images,
        settings=dict(settings) if isinstance(settings, dict) else {},
    )
    return None if draft.empty else draft


def existing_files(images: list[StoredImage]) -> list[str]:
    """The images' received files still in Gradio's cache (to show them in the picker); a
    draft naming a file anywhere else (it comes from the browser) gets nothing."""
    cache = Path(get_upload_folder()).resolve()
    return [
        image.preview_path
        for image in images
        if Path(image.preview_path).resolve().is_relative_to(cache)
        and Path(image.preview_path).is_file()
    ]


def with_typed_text(draft: Draft | None, typed: str | None, user_id: object) -> Draft | None:
    """The draft with the title and script as last typed in this browser by this user
    (`typed`: every user's typed text, as READ_TYPED_JS gathers it)."""
    try:
        everyone = json.loads(typed or "{}")
        mine = json.loads(everyone.get(str(user_id)) or "{}")
    except (ValueError, AttributeError, TypeError):
        return draft
    if not isinstance(mine, dict):
        return draft
    title, script = str(mine.get("title") or ""), str(mine.get("script") or "")
    if not (title.strip() or script.strip()):
        return draft
    base = draft or Draft()
    merged = Draft(title=title, script=script, images=base.images, settings=base.settings)
    return None if merged.empty else merged
