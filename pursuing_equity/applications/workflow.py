"""The application workflow, declared once: states, transitions, who may take each, what each
audience sees.

The states and their named sets are in :mod:`pursuing_equity.applications.states`. Each transition
names its sources (one of those sets), its target, the permission rule, the data it requires and
the *write* it performs beyond the state (one of the small functions below, or none). Views,
services, templates and the review app read this declaration; nothing else decides whether a
transition is possible or what it writes.
:func:`pursuing_equity.applications.transitions.application_transition` applies a transition: it
checks the declaration (source state, permission rule, required data, registered guards), writes
the state and the transition's ``write``, runs the registered effects and audits it.

Apps plug in without editing this file, from their app config's ``ready()``:
- ``register_guard(transition, fn)``: ``fn(application, **data)`` raises ``ValidationError`` to
  refuse (applications' own deadline and completeness check on ``submit``; the review app's
  capacity check on ``accept``);
- ``register_effect(transition, fn)``: ``fn(*, actor, application, **data)`` runs inside the same
  transaction after the state was written (e.g. creating the team on ``accept``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Max

from pursuing_equity.applications import program, rules
from pursuing_equity.applications.models import Application
from pursuing_equity.applications.states import OPEN_STATES, State
from pursuing_equity.programs.models import Cohort


class Audience(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    STAFF = "staff", "Program staff"
    REVIEWER = "reviewer", "Reviewer"


# What each audience reads for each state. Applicants see only Received / Under review / Decision:
# never the waitlist, reviewers or scores.
LABELS: dict[str, dict[str, str]] = {
    State.DRAFT: {"applicant": "Draft", "staff": "Draft", "reviewer": "Draft"},
    State.SUBMITTED: {"applicant": "Received", "staff": "Received", "reviewer": "Received"},
    State.UNDER_REVIEW: {
        "applicant": "Under review",
        "staff": "Under review",
        "reviewer": "Under review",
    },
    State.WAITLISTED: {
        "applicant": "Under review",
        "staff": "Waitlisted",
        "reviewer": "Under review",
    },
    # Not selected for the cohort applied for, offered its fallback (the seed: "feedback and an
    # offer to join the Learning Network"); the team accepts or declines the offer.
    State.OFFERED: {
        "applicant": "Decision",
        "staff": "Offer made, awaiting the team",
        "reviewer": "Decided",
    },
    State.ACCEPTED: {"applicant": "Decision", "staff": "Accepted", "reviewer": "Decided"},
    State.DECLINED: {"applicant": "Decision", "staff": "Declined", "reviewer": "Decided"},
    State.WITHDRAWN: {"applicant": "Withdrawn", "staff": "Withdrawn", "reviewer": "Withdrawn"},
}

# The applicant's status page shows these steps in order (the current one is marked).
APPLICANT_STEPS = ("Received", "Under review", "Decision")

# --- what a transition writes beyond the state ---------------------------------------------
# Each is ``write(application, data, now)``: it sets fields of the locked application, which the
# service then validates and saves with the new state. ``data`` holds the stripped values given.

Write = Callable[[Application, dict[str, Any], datetime.datetime], None]


def _submitted(application: Application, data: dict[str, Any], now: datetime.datetime) -> None:
    application.submitted_at = now


def _decided(application: Application, data: dict[str, Any], now: datetime.datetime) -> None:
    application.decided_at = now


def _declined(application: Application, data: dict[str, Any], now: datetime.datetime) -> None:
    application.decline_reason = data["reason"]
    _decided(application, data, now)


def _offer_declined(application: Application, data: dict[str, Any], now: datetime.datetime) -> None:
    application.decline_reason = (
        f"The team declined the offer to join the {application.current_cohort.name}."
    )
    _decided(application, data, now)


def _moved_to_fallback(
    application: Application, data: dict[str, Any], now: datetime.datetime
) -> None:
    """Not selected for the cohort applied for: the application moves to its fallback cohort
    (the program file's ``fallback_cohort``) with the feedback, and the offer is the decision."""
    key = program.fallback_cohort_key(application.current_cohort)
    application.current_cohort = Cohort.objects.get(cycle=application.cycle_id, key=key)
    application.not_selected_feedback = data["feedback"]
    _decided(application, data, now)


def _waitlisted(application: Application, data: dict[str, Any], now: datetime.datetime) -> None:
    """The rank given, else the one it has (a waitlisted application re-ranked), else last."""
    application.waitlist_rank = (
        data.get("rank")
        or application.waitlist_rank
        or (
            Application.objects.filter(
                current_cohort=application.current_cohort, state=State.WAITLISTED
            ).aggregate(r=Max("waitlist_rank"))["r"]
            or 0
        )
        + 1
    )


# --- the transitions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """A move between states.

    ``target`` None keeps the state. ``required`` are the data keys that must be given, non-blank
    (``feedback``, ``reason``). ``rule(user, application)`` says who may take it. ``write`` sets
    the fields the transition records beyond the state (None: only the state changes). Leaving
    the waitlist clears the rank (the database allows a rank only on the waitlist).
    """

    name: str
    label: str
    sources: frozenset[str]
    target: str | None
    rule: Callable[..., bool]
    audience: str
    required: tuple[str, ...] = ()
    description: str = ""
    write: Write | None = None
    guards: list[Callable[..., None]] = field(default_factory=list, compare=False)
    effects: list[Callable[..., None]] = field(default_factory=list, compare=False)


def _t(*, sources: Iterable[str], **kwargs) -> Transition:
    return Transition(sources=frozenset(sources), **kwargs)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            name="submit",
            label="Submit the application",
            sources={State.DRAFT},
            target=State.SUBMITTED,
            rule=rules.can_submit_application,
            audience=Audience.APPLICANT,
            write=_submitted,
            description="Complete and before the deadline (or the staff extension).",
        ),
        _t(
            name="start_review",
            label="Start review",
            sources={State.SUBMITTED},
            target=State.UNDER_REVIEW,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
        ),
        _t(
            name="not_selected_for_action_community",
            label="Not selected for the Action Community, with feedback and the Learning Network offer",
            sources=OPEN_STATES,
            target=State.OFFERED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
            required=("feedback",),
            write=_moved_to_fallback,
            description=(
                "The seed: a team not selected is contacted by the decision date with feedback "
                "and an offer to join the fallback cohort, so no second review and no new clock."
            ),
        ),
        _t(
            name="offer_accept",
            label="Accept the offer",
            sources={State.OFFERED},
            target=State.ACCEPTED,
            rule=rules.can_respond_to_offer,
            audience=Audience.APPLICANT,
            write=_decided,
        ),
        _t(
            name="offer_decline",
            label="Decline the offer",
            sources={State.OFFERED},
            target=State.DECLINED,
            rule=rules.can_respond_to_offer,
            audience=Audience.APPLICANT,
            write=_offer_declined,
        ),
        _t(
            name="accept",
            label="Accept",
            sources=OPEN_STATES,
            target=State.ACCEPTED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
            write=_decided,
            description="Accept to the cohort where the application is considered now.",
        ),
        _t(
            name="waitlist",
            label="Waitlist",
            sources=OPEN_STATES,
            target=State.WAITLISTED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
            write=_waitlisted,
        ),
        _t(
            name="decline",
            label="Decline",
            sources=OPEN_STATES,
            target=State.DECLINED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
            required=("reason",),
            write=_declined,
        ),
        _t(
            name="withdraw",
            label="Withdraw the application",
            sources={State.DRAFT, *OPEN_STATES},
            target=State.WITHDRAWN,
            rule=rules.can_withdraw_application,
            audience=Audience.APPLICANT,
        ),
    ]
}


def transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise ValueError(f"No such transition: {name!r}") from None


def register_guard(name: str, fn: Callable[..., None]) -> None:
    """Add a check run before ``name`` is taken (raise ValidationError to refuse). Idempotent."""
    guards = transition(name).guards
    if fn not in guards:
        guards.append(fn)


def register_effect(name: str, fn: Callable[..., None]) -> None:
    """Add a write run after ``name`` was taken, in the same transaction. Idempotent."""
    effects = transition(name).effects
    if fn not in effects:
        effects.append(fn)


def label_for(state: str, audience: str) -> str:
    return LABELS[state][audience]


def available(user, application) -> list[Transition]:
    """The transitions ``user`` may take on ``application`` now (state and permission)."""
    return [
        t
        for t in TRANSITIONS.values()
        if application.state in t.sources and t.rule(user, application)
    ]
