"""Narration is charged on the text as spoken, and never runs past what was paid."""

from __future__ import annotations

import httpx

from app.worker.paid_length import PaidLengthBackends
from pipeline.backends import BackendChoice
from pipeline.speech.tts import speak
from pipeline.timing import estimate_narration_s
from pipeline.types import Sentence
from tests.app.test_projects import _topup, film
from tests.support.accounts import register

SYMBOL_WORDS = "a %&$@+=#*"


def test_symbols_and_emoji_are_estimated_at_least_as_long_as_spoken() -> None:
    for text in (f"{SYMBOL_WORDS} " * 6, "😀 🎬 🎉 hello", "5% & 10% @ #1 * 2"):
        clip = speak(text, "neutral", "en", 160)
        spoken_s = len(clip.audio) / clip.sample_rate
        assert estimate_narration_s(text, "en") >= spoken_s, text


async def test_a_symbol_text_longer_than_the_plan_is_refused_before_any_debit(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    before = (await client.get("/api/credits/balance", headers=account.headers)).json()["balance"]
    text = " ".join([SYMBOL_WORDS] * 310)  # about 3,100 characters, ~15 minutes spoken
    response = await client.post(
        "/api/ai/audio-generate",
        json={"project_id": project_id, "text": text},
        headers=account.headers,
    )
    assert response.status_code == 422, response.text
    after = (await client.get("/api/credits/balance", headers=account.headers)).json()["balance"]
    assert after == before


def test_narration_stops_at_the_paid_length() -> None:
    sentences = [
        Sentence(index=i, scene_index=0, text=f"This is sentence number {i} of a long text.")
        for i in range(12)
    ]
    backends = PaidLengthBackends(BackendChoice(), paid_s=4.0)
    spoken = backends.speak(sentences, "neutral", "en", 160)
    total_s = sum(len(clip.audio) / clip.sample_rate for clip in spoken) + 0.4 * (len(spoken) - 1)
    assert total_s <= 4.0 + 1e-6
    assert len(spoken) < len(sentences)
    assert any("paid" in warning for warning in backends.warnings)
