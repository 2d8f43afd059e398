"""The live estimate beside the script: narration length, whether it fits, the cost against
the balance, and which of the script's characters have an image."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Annotated

from anyio import to_thread
from pydantic import TypeAdapter, ValidationError

from app.credits.service import check_plan_allows, film_cost, user_plan
from app.errors import AppError
from app.projects.rules import check_script_fits
from app.projects.schemas import FilmSettings
from app.ui.formatting import minutes_label, seconds_as_minutes
from app.ui.runtime import SignedIn
from pipeline.errors import InputError
from pipeline.script.scenes import parse_script
from pipeline.timing import estimate_narration_s

TOP_UP_TAB = "Credits"
"""The tab the estimate's top-up button opens (studio.js clicks it)."""


@dataclass(frozen=True)
class Character:
    """A speaker the script names and whether an uploaded image carries their name."""

    name: str
    has_image: bool


@dataclass(frozen=True)
class Estimate:
    """What a film of these settings would take and cost, and the first rule it breaks."""

    narration_s: float | None
    minutes: int
    cost: int
    balance: int
    problem: str | None
    characters: tuple[Character, ...] = ()

    @property
    def short_of_credits(self) -> bool:
        """The balance does not cover the film."""
        return self.cost > self.balance

    @property
    def blocker(self) -> str | None:
        """Why Generate cannot work now, in one sentence (None when it can)."""
        if self.short_of_credits:
            return credits_shortfall(self.cost, self.balance)
        return None


FILM_LENGTH = TypeAdapter(Annotated[int, FilmSettings.model_fields["duration"]])
"""The project schema's own rule for a film's length, to read the slider's raw value."""


def credits_shortfall(cost: int, balance: int) -> str:
    """'Needs 3 credits, you have 0.'"""
    return f"Needs {cost} credit{'s' if cost != 1 else ''}, you have {balance}."


def film_minutes(value: object) -> int:
    """The slider's value as whole minutes; ValidationError as the project schema words it."""
    return FILM_LENGTH.validate_python(value)


def slider_minutes(value: object) -> int:
    """The slider's value as whole minutes, rounding what the schema would refuse as a
    fraction (the plan's limit is checked separately, in its own words)."""
    try:
        return film_minutes(value)
    except ValidationError:
        if isinstance(value, int | float) and math.isfinite(value) and value >= 1:
            return round(value)
        raise


def script_characters(script: str, language: str, image_names: list[str]) -> tuple[Character, ...]:
    """The speakers the script names, in order of appearance, each with whether an image
    file is named after them (the renderer's own matching)."""
    try:
        parsed = parse_script(script, [Path(name) for name in image_names], language)
    except InputError:
        return ()
    matched = {name for name, _ in parsed.characters}
    names: list[str] = []
    for sentence in parsed.sentences:
        if sentence.speaker is not None and sentence.speaker not in names:
            names.append(sentence.speaker)
    return tuple(Character(name, name in matched) for name in names)


async def estimate_film(
    signed: SignedIn,
    script: str,
    language: str,
    voice: str,
    minutes: int,
    image_names: list[str] | None = None,
) -> Estimate:
    """Estimate the narration and check the same rules project creation checks."""
    plan = await user_plan(signed.session, signed.user)
    narration_s = None
    problem = None
    characters: tuple[Character, ...] = ()
    try:
        check_plan_allows(plan, minutes)
        if script.strip():
            characters = await to_thread.run_sync(
                script_characters, script, language, list(image_names or [])
            )
            narration_s = await to_thread.run_sync(estimate_narration_s, script, language, voice)
            await to_thread.run_sync(check_script_fits, script, minutes, language, voice)
    except AppError as error:
        problem = error.message
    except InputError as error:
        problem = str(error)
    return Estimate(
        narration_s=narration_s,
        minutes=minutes,
        cost=film_cost(plan, minutes),
        balance=signed.user.credits,
        problem=problem,
        characters=characters,
    )


def characters_html(characters: tuple[Character, ...]) -> str:
    """The script's characters, a tick for those with an image and a cross for the others."""
    if not characters:
        return ""
    items = "".join(
        f'<li class="{"has-image" if c.has_image else "no-image"}">'
        f'<span aria-hidden="true">{"✓" if c.has_image else "✗"}</span> {escape(c.name)}'
        f'<span class="visually-hidden">{": has an image" if c.has_image else ": no image"}'
        "</span></li>"
        for c in characters
    )
    missing = [c.name for c in characters if not c.has_image]
    hint = (
        f'<p class="hint">Upload {escape(missing[0].capitalize())}.png (or .jpg) to show '
        f"{escape(missing[0])} while speaking; without it a title card is shown.</p>"
        if missing
        else ""
    )
    return (
        '<div class="characters"><span class="label">Characters</span>'
        f'<ul aria-label="Characters and their images">{items}</ul>{hint}</div>'
    )


def estimate_html(estimate: Estimate) -> str:
    """The estimate as a small summary panel."""
    narration = (
        f"≈ {seconds_as_minutes(estimate.narration_s)}" if estimate.narration_s is not None else "—"
    )
    cells = [
        ("Narration", narration),
        ("Film length", minutes_label(estimate.minutes)),
        ("Cost", f"{estimate.cost} credits"),
        ("Your balance", f"{estimate.balance} credits"),
    ]
    body = "".join(
        f'<div><span class="label">{label}</span><span class="value">{escape(value)}</span></div>'
        for label, value in cells
    )
    if estimate.short_of_credits:
        body += (
            f'<p class="problem credits-short" role="status">'
            f"{escape(credits_shortfall(estimate.cost, estimate.balance))} "
            f'<button type="button" class="topup-button" data-open-tab="{TOP_UP_TAB}">'
            "Top up credits</button></p>"
        )
    if estimate.problem:
        body += f'<p class="problem" role="status">{escape(estimate.problem)}</p>'
    elif estimate.narration_s is None:
        body += '<p class="fine">Write the script to see how long its narration runs.</p>'
    else:
        body += '<p class="fine">The script fits this length.</p>'
    body += characters_html(estimate.characters)
    return f'<div class="estimate" aria-label="Estimate" aria-live="polite">{body}</div>'


def generate_bar_html(estimate: Estimate | None) -> str:
    """The fixed bar's summary: '1 min · 3 credits · balance 21', and why Generate is off."""
    if estimate is None:
        return '<div class="bar-summary"></div>'
    summary = (
        f"{estimate.minutes} min · {estimate.cost} credit{'s' if estimate.cost != 1 else ''}"
        f" · balance {estimate.balance}"
    )
    reason = ""
    if estimate.blocker:
        reason = (
            f'<span class="bar-reason" id="generate-reason">{escape(estimate.blocker)} '
            "Top up on the Credits tab to generate.</span>"
        )
    return f'<div class="bar-summary"><span class="bar-facts">{summary}</span>{reason}</div>'
