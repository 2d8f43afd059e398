"""What rendering an existing film again costs the signed-in creator, and what they have."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.credits.service import film_cost, user_plan
from app.errors import NotFound
from app.ui.runtime import SignedIn
from db.repositories import projects as project_repo

FILM_GONE = "This film no longer exists; choose another one from the list."


@dataclass(frozen=True)
class Price:
    """A new render's cost in credits and the creator's balance."""

    cost: int
    balance: int


async def regenerate_price(signed: SignedIn, project_id: uuid.UUID) -> Price:
    """The cost of rendering the creator's film again on their plan in force."""
    project = await project_repo.get_owned(signed.session, project_id, signed.user.id)
    if project is None:
        raise NotFound(FILM_GONE)
    plan = await user_plan(signed.session, signed.user)
    return Price(cost=film_cost(plan, project.duration), balance=signed.user.credits)
