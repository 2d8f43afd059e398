"""Speech from a loaded Parler-TTS: description + transcript -> codebook frames -> waveform.

What parler-tts' generate does, written here step by step:
  * the description goes through the T5 encoder (then enc_to_dec_proj when present); the
    transcript's token embeddings go in front of the first decoder frame (or, with
    prompt_cross_attention, after the description with positions added);
  * frames are drawn one position at a time in the codebook delay pattern: codebook k is the
    start token (bos) up to position k and only then its own, so row k lags row k - 1 by one
    position; near generation_config.max_length the rows are closed with pad the same way;
  * the end-of-speech token (eos) is allowed in codebook k only once every lower codebook has
    drawn it, and not before min_new_tokens; a row that drew it continues with pad; drawing
    stops when every row has drawn it;
  * the rows are shifted back (row k from position k + 1), frames holding any special token
    are dropped, and DAC turns the rest into audio.
Sampling follows generation_config (do_sample, temperature, top_k, top_p) with a seeded
generator, so one seed gives one result; on_step is called after every position and may
raise (e.g. RenderCancelled) to stop between positions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from pipeline.errors import InputError
from pipeline.speech import parler_decoder
from pipeline.speech.parler_config import GenerationSettings
from pipeline.speech.parler_model import ParlerModel
from pipeline.types import AudioArray

if TYPE_CHECKING:
    import torch

StepCallback = Callable[[float], None]
"""Called with the fraction of a sentence's positions drawn; may raise to stop."""


def ignore_step(fraction: float) -> None:
    """A step callback that ignores every report."""


def _encode(model: ParlerModel, tokenizer: object, text: str) -> torch.Tensor:
    import torch

    ids = list(tokenizer(text).input_ids)  # type: ignore[operator]
    if not ids:
        raise InputError(f"Nothing to say in {text[:60]!r}.")
    return torch.tensor([ids], dtype=torch.long, device=model.device)


def _filter(scores: torch.Tensor, generation: GenerationSettings) -> torch.Tensor:
    """Temperature, then top-k, then top-p, as transformers' sampling warpers apply them."""
    import torch

    scores = scores / max(generation.temperature, 1e-5)
    if 0 < generation.top_k < scores.shape[-1]:
        kth = torch.topk(scores, generation.top_k, dim=-1).values[..., -1:]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if generation.top_p < 1.0:
        ordered, order = torch.sort(scores, descending=True, dim=-1)
        probs = ordered.softmax(dim=-1)
        drop = probs.cumsum(dim=-1) - probs > generation.top_p
        drop[..., 0] = False
        scores = scores.masked_fill(drop.scatter(-1, order, drop), float("-inf"))
    return scores


def _choose(
    scores: torch.Tensor, generation: GenerationSettings, rng: torch.Generator
) -> torch.Tensor:
    import torch

    if not generation.do_sample:
        return scores.argmax(dim=-1)
    probs = _filter(scores, generation).softmax(dim=-1)
    return torch.multinomial(probs, 1, generator=rng).squeeze(-1)


def delay_column(
    drawn: torch.Tensor, position: int, generation: GenerationSettings, max_length: int
) -> torch.Tensor:
    """The decoder input at position from the tokens drawn there ([codebooks] ids): parler-tts'
    delay pattern puts bos in codebook k up to position k and pad from position
    max_length - codebooks + 1 + k on, and keeps the drawn token in between."""
    import torch

    books = drawn.shape[0]
    rows = torch.arange(books, device=drawn.device)
    column = torch.where(rows >= position, generation.bos_token_id, drawn)
    closing = rows + max_length - books + 1 <= position
    return torch.where(closing, generation.pad_token_id, column)


def undelay(table: torch.Tensor, codebook_size: int) -> torch.Tensor:
    """Codebook frames [codebooks, frames] from the delayed table [codebooks, positions]: row k
    from position k + 1 (positions - codebooks frames), then frames holding any special
    token (a code at or above codebook_size) dropped."""
    import torch

    books = table.shape[0]
    frames = table.shape[1] - books
    if frames <= 0:
        return table[:, :0]
    codes = torch.stack([table[k, k + 1 : k + 1 + frames] for k in range(books)])
    return codes[:, (codes < codebook_size).all(dim=0)]


def first_open_codebook(first_open: int, has_eos: torch.Tensor) -> int:
    """ParlerTTSLogitsProcessor's rule, one call per position: the lowest codebook that may
    draw eos moves up by one once it has drawn eos; higher codebooks may not draw it."""
    if bool(has_eos[first_open]) and first_open < has_eos.shape[0] - 1:
        return first_open + 1
    return first_open


def generate_codes(
    model: ParlerModel,
    description: str,
    text: str,
    seed: int,
    max_frames: int,
    on_step: StepCallback = ignore_step,
) -> torch.Tensor:
    """Codebook frames [codebooks, frames] (all below codebook_size) for text spoken as the
    description says; at most max_frames frames (and generation_config.max_length)."""
    import torch

    settings = model.settings
    gen = settings.generation
    weights = model.decoder
    books = settings.decoder.num_codebooks
    with model.lock, torch.inference_mode():
        description_ids = _encode(model, model.description_tokenizer, description)
        encoded = model.text_encoder(input_ids=description_ids).last_hidden_state
        if model.enc_to_dec is not None:
            encoded = encoded @ model.enc_to_dec[0].T + model.enc_to_dec[1]
        prompt = model.embed_prompts[_encode(model, model.prompt_tokenizer, text)]
        if model.prompt_positions is not None:
            places = model.prompt_positions[: prompt.shape[1]].to(prompt.dtype)
            encoded = torch.cat([encoded, prompt + places[None]], dim=1)
            prefix = prompt[:, :0]
        else:
            prefix = prompt
        length = min(gen.max_length, max_frames + books + 1)
        cache = parler_decoder.new_cache(weights, encoded, prefix.shape[1] + length)
        start = torch.full((books,), gen.decoder_start_token_id, device=model.device)
        column = delay_column(start, 0, gen, gen.max_length)
        columns = [column]
        first = parler_decoder.embed_frame(weights, column)
        hidden = parler_decoder.forward(weights, torch.cat([prefix, first], dim=1), cache)
        rng = torch.Generator(device=model.device).manual_seed(seed)
        rows = torch.arange(books, device=model.device)
        has_eos = torch.zeros(books, dtype=torch.bool, device=model.device)
        finished = torch.zeros(books, dtype=torch.bool, device=model.device)
        first_open = 0
        for position in range(1, length):
            scores = parler_decoder.logits(weights, hidden)
            first_open = first_open_codebook(first_open, has_eos)
            scores[rows > first_open, gen.eos_token_id] = float("-inf")
            if position - 1 < gen.min_new_tokens:
                scores[:, gen.eos_token_id] = float("-inf")
            drawn = _choose(scores, gen, rng)
            # A codebook that has ended continues with pad; the eos rules look at the drawn
            # tokens (parler-tts' raw sequence), the decoder at the delayed column.
            drawn = torch.where(finished, torch.full_like(drawn, gen.pad_token_id), drawn)
            finished |= drawn == gen.eos_token_id
            has_eos |= drawn == gen.eos_token_id
            column = delay_column(drawn, position, gen, gen.max_length)
            columns.append(column)
            on_step(position / (length - 1))
            if bool(finished.all()) or position == length - 1:
                break
            hidden = parler_decoder.forward(
                weights, parler_decoder.embed_frame(weights, column), cache
            )
        return undelay(torch.stack(columns, dim=1), settings.codec.codebook_size)


def decode(model: ParlerModel, codes: torch.Tensor) -> AudioArray:
    """Mono float32 audio at the codec's rate for codebook frames [codebooks, frames]."""
    import torch

    if codes.shape[1] == 0:
        return np.zeros(0, dtype=np.float32)
    with model.lock, torch.inference_mode():
        audio = model.codec.decode(audio_codes=codes[None].to(model.device)).audio_values
    samples: AudioArray = audio.reshape(-1).float().cpu().numpy().astype(np.float32)
    return np.nan_to_num(samples, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)
