"""The application workflow, declared once: states, transitions, who may take each, what each
audience sees.

Views, services, templates and the review app read this declaration; nothing else decides whether
a transition is possible. :func:`pursuing_equity.applications.services.application_transition`
applies a transition: it checks the declaration (source state, permission rule, required data,
guards registered by other apps), writes the change and audits it.

Other apps plug in without editing this file:
- ``register_guard(transition, fn)``: ``fn(application, **data)`` raises ``ValidationError`` to
  refuse (the review app's capacity check on ``accept``);
- ``register_effect(transition, fn)``: ``fn(*, actor, application, **data)`` runs inside the same
  transaction after the state was written (e.g. creating the team on ``accept``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from pursuing_equity.applications import rules


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    WAITLISTED = "waitlisted", "Waitlisted"
    OFFERED = "offered", "Offered the fallback cohort"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


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

OPEN_STATES = frozenset({State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED})
DECIDED_STATES = frozenset({State.ACCEPTED, State.DECLINED})
# States in which the applicant reads a decision letter (the offer is a decision for the cohort
# applied for).
LETTER_STATES = frozenset({State.OFFERED, State.ACCEPTED, State.DECLINED})


@dataclass(frozen=True)
class Transition:
    """A move between states.

    ``target`` None keeps the state. ``required`` are the data keys that must be given, non-blank
    (``feedback``, ``reason``). ``rule(user, application)`` says who may take it.
    """

    name: str
    label: str
    sources: frozenset[str]
    target: str | None
    rule: Callable[..., bool]
    audience: str
    required: tuple[str, ...] = ()
    description: str = ""
    guards: list[Callable[..., None]] = field(default_factory=list, compare=False)
    effects: list[Callable[..., None]] = field(default_factory=list, compare=False)


def _t(**kwargs) -> Transition:
    kwargs["sources"] = frozenset(kwargs["sources"])
    return Transition(**kwargs)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            name="submit",
            label="Submit the application",
            sources=[State.DRAFT],
            target=State.SUBMITTED,
            rule=rules.can_submit_application,
            audience=Audience.APPLICANT,
            description="Complete and before the deadline (or the staff extension).",
        ),
        _t(
            name="start_review",
            label="Start review",
            sources=[State.SUBMITTED],
            target=State.UNDER_REVIEW,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
        ),
        _t(
            name="not_selected_for_action_community",
            label="Not selected for the Action Community, with feedback and the Learning Network offer",
            sources=[State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED],
            target=State.OFFERED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
            required=("feedback",),
            description=(
                "The seed: a team not selected is contacted by the decision date with feedback "
                "and an offer to join the fallback cohort, so no second review and no new clock."
            ),
        ),
        _t(
            name="offer_accept",
            label="Accept the offer",
            sources=[State.OFFERED],
            target=State.ACCEPTED,
            rule=rules.can_respond_to_offer,
            audience=Audience.APPLICANT,
        ),
        _t(
            name="offer_decline",
            label="Decline the offer",
            sources=[State.OFFERED],
            target=State.DECLINED,
            rule=rules.can_respond_to_offer,
            audience=Audience.APPLICANT,
        ),
        _t(
            name="accept",
            label="Accept",
            sources=[State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED],
            target=State.ACCEPTED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
            description="Accept to the cohort where the application is considered now.",
        ),
        _t(
            name="waitlist",
            label="Waitlist",
            sources=[State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED],
            target=State.WAITLISTED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
        ),
        _t(
            name="decline",
            label="Decline",
            sources=[State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED],
            target=State.DECLINED,
            rule=rules.can_decide_application,
            audience=Audience.STAFF,
            required=("reason",),
        ),
        _t(
            name="withdraw",
            label="Withdraw the application",
            sources=[State.DRAFT, State.SUBMITTED, State.UNDER_REVIEW, State.WAITLISTED],
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
