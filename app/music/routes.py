"""Music catalogue routes."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from app.music.catalogue import catalogue

router = APIRouter(prefix="/api/music", tags=["music"])


class MusicChoiceResponse(BaseModel):
    """One built-in music style; its `id` goes in a project's `music`."""

    id: str
    name: str
    description: str


@router.get("/catalogue", response_model=list[MusicChoiceResponse])
async def music_catalogue() -> list[MusicChoiceResponse]:
    """The built-in music styles (or upload your own track and use its ref)."""
    return [MusicChoiceResponse(**choice.__dict__) for choice in catalogue()]
