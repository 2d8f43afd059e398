"""The live estimate beside the script: narration length, whether it fits, and the cost."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Annotated

from anyio import to_thread
from pydantic import TypeAdapter

from app.credits.service import check_plan_allows, film_cost, user_plan
from app.errors import AppError
from app.projects.rules import check_script_fits
from app.projects.schemas import FilmSettings
from app.ui.formatting import minutes_label, seconds_as_minutes
from app.ui.runtime import SignedIn
from pipeline.errors import InputError
from pipeline.timing import estimate_narration_s


@dataclass(frozen=True)
class Estimate:
    """What a film of these settings would take and cost, and the first rule it breaks."""

    narration_s: float | None
    minutes: int
    cost: int
    balance: int
    problem: str | None


FILM_LENGTH = TypeAdapter(Annotated[int, FilmSettings.model_fields["duration"]])
"""The project schema's own rule for a film's length, to read the slider's raw value."""


def film_minutes(value: object) -> int:
    """The slider's value as whole minutes; ValidationError as the project schema words it."""
    return FILM_LENGTH.validate_python(value)


async def estimate_film(
    signed: SignedIn, script: str, language: str, voice: str, minutes: int
) -> Estimate:
    """Estimate the narration and check the same rules project creation checks."""
    plan = await user_plan(signed.session, signed.user)
    narration_s = None
    problem = None
    try:
        check_plan_allows(plan, minutes)
        if script.strip():
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
    if estimate.problem:
        body += f'<p class="problem" role="status">{escape(estimate.problem)}</p>'
    elif estimate.narration_s is None:
        body += '<p class="fine">Write the script to see how long its narration runs.</p>'
    else:
        body += '<p class="fine">The script fits this length.</p>'
    return f'<div class="estimate" aria-label="Estimate" aria-live="polite">{body}</div>'
