"""The delay pattern and the end-of-speech order of Parler-TTS generation, on the pattern
parler-tts documents in build_delay_pattern_mask (4 codebooks, max_length 8)."""

from __future__ import annotations

import pytest

from pipeline.speech.parler_config import GenerationSettings
from pipeline.speech.parler_generate import delay_column, first_open_codebook, undelay

torch = pytest.importorskip("torch")

BOS, PAD, EOS = 101, 100, 100
"""As in parler-tts' checkpoints, pad and eos are the same id."""
OPEN = -1
"""A position left to the drawn token."""
BOOKS, MAX_LENGTH, CODEBOOK_SIZE = 4, 8, 100
GENERATION = GenerationSettings(
    decoder_start_token_id=BOS,
    bos_token_id=BOS,
    eos_token_id=EOS,
    pad_token_id=PAD,
    max_length=MAX_LENGTH,
    min_new_tokens=0,
    do_sample=False,
    temperature=1.0,
    top_k=50,
    top_p=1.0,
)
B, P, X = BOS, PAD, OPEN
DOCUMENTED_PATTERN = [
    [B, X, X, X, X, P, P, P],
    [B, B, X, X, X, X, P, P],
    [B, B, B, X, X, X, X, P],
    [B, B, B, B, X, X, X, X],
]


def test_columns_follow_the_documented_delay_pattern() -> None:
    drawn = torch.full((BOOKS,), OPEN)
    columns = [delay_column(drawn, position, GENERATION, MAX_LENGTH) for position in range(8)]
    assert torch.stack(columns, dim=1).tolist() == DOCUMENTED_PATTERN


def test_undelay_takes_row_k_from_position_k_plus_one_and_drops_special_frames() -> None:
    # frame f of codebook k is 10 * k + f, placed where the pattern leaves a position open
    table = torch.tensor(DOCUMENTED_PATTERN)
    for k in range(BOOKS):
        for f in range(MAX_LENGTH - BOOKS):
            table[k, k + 1 + f] = 10 * k + f
    codes = undelay(table, CODEBOOK_SIZE)
    assert codes.tolist() == [[10 * k + f for f in range(4)] for k in range(BOOKS)]
    table[2, 2 + 1 + 1] = EOS  # codebook 2 ended at frame 1: that frame is dropped
    assert undelay(table, CODEBOOK_SIZE).tolist() == [
        [10 * k + f for f in (0, 2, 3)] for k in range(BOOKS)
    ]
    assert undelay(table[:, :BOOKS], CODEBOOK_SIZE).shape == (BOOKS, 0)


def test_eos_opens_one_codebook_per_position_after_the_lower_one_ended() -> None:
    has_eos = torch.zeros(BOOKS, dtype=torch.bool)
    first_open = first_open_codebook(0, has_eos)
    assert first_open == 0
    has_eos[0] = True  # codebook 0 drew eos
    first_open = first_open_codebook(first_open, has_eos)
    assert first_open == 1
    has_eos[1:] = True  # even if every codebook had it, the gate moves one step a call
    assert first_open_codebook(first_open, has_eos) == 2
    assert first_open_codebook(BOOKS - 1, has_eos) == BOOKS - 1
