"""Reads of applications, shaped for the pages that show them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.applications import program
from pursuing_equity.applications.models import (
    Application,
    ApplicationDocument,
    Lens,
    TeamVideo,
)
from pursuing_equity.applications.states import LETTER_STATES, OPEN_STATES, State
from pursuing_equity.programs.models import Cohort, Cycle


def deadline_of(application: Application) -> datetime.date:
    """The application's deadline: a staff extension, else its chosen cohort's deadline."""
    return application.deadline_override or application.cohort_choice.application_deadline


def deadline_passed(application: Application, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return not program.is_open(deadline_of(application), application.cycle.time_zone, now)


def open_cohorts(cycle: Cycle, now: datetime.datetime | None = None) -> list[Cohort]:
    """The cycle's cohorts still taking applications (deadline at end of day, program time)."""
    now = now or timezone.now()
    return [
        c
        for c in cycle.cohorts.order_by("position")
        if program.is_open(c.application_deadline, cycle.time_zone, now)
    ]


def open_calls(now: datetime.datetime | None = None) -> list[tuple[Cycle, list[Cohort]]]:
    """Every cycle with at least one cohort taking applications, with those cohorts."""
    now = now or timezone.now()
    calls = []
    # The calls show the cycle's name and dates, never its program document (a large JSON that
    # would be decoded once per cohort).
    cohorts = (
        Cohort.objects.select_related("cycle")
        .defer("cycle__document")
        .order_by("cycle__starts_on", "position")
    )
    by_cycle: dict[int, tuple[Cycle, list[Cohort]]] = {}
    for cohort in cohorts:
        if program.is_open(cohort.application_deadline, cohort.cycle.time_zone, now):
            by_cycle.setdefault(cohort.cycle_id, (cohort.cycle, []))[1].append(cohort)
    calls = list(by_cycle.values())
    return calls


def _documents_and_videos() -> tuple[Prefetch, Prefetch]:
    """Every version of the documents (with who uploaded each) and videos, newest first."""
    return (
        Prefetch(
            "documents",
            queryset=ApplicationDocument.objects.select_related("uploaded_by").order_by(
                "kind", "-version"
            ),
        ),
        Prefetch("videos", queryset=TeamVideo.objects.order_by("-version")),
    )


def for_applicant(user) -> QuerySet[Application]:
    """The applications a person started or confirmed membership of (the "My applications" list)."""
    from django.db.models import Q

    return (
        Application.objects.filter(
            Q(created_by=user)
            | Q(roster__email__iexact=user.email, roster__confirmed_at__isnull=False)
        )
        .distinct()
        .select_related("cycle", "organization", "cohort_choice__cycle", "current_cohort__cycle")
        .prefetch_related(
            "roster",
            *_documents_and_videos(),
            "decision_letters",
        )
        .order_by("-created_at")
    )


def with_everything(pk: int) -> Application:
    """One application with what its pages show (fixed number of queries)."""
    return (
        Application.objects.select_related(
            "cycle", "organization", "cohort_choice__cycle", "current_cohort__cycle", "created_by"
        )
        .prefetch_related(
            "roster",
            *_documents_and_videos(),
            "extensions",
            "decision_letters",
        )
        .get(pk=pk)
    )


def current_documents(application: Application) -> dict[str, ApplicationDocument]:
    """The latest version of each kind of document."""
    latest: dict[str, ApplicationDocument] = {}
    for document in application.documents.all():
        if document.kind not in latest or document.version > latest[document.kind].version:
            latest[document.kind] = document
    return latest


@dataclass(frozen=True)
class LetterSlot:
    """One required letter and its current version (None until uploaded)."""

    material: program.Material
    document: ApplicationDocument | None


def letter_slots(application: Application) -> list[LetterSlot]:
    """Every letter the applied-for cohort requires, in the program file's order, each with its
    latest upload (prefetched application: no queries)."""
    current = current_documents(application)
    return [
        LetterSlot(material, current.get(material.key))
        for material in program.required_letters(application.cohort_choice)
    ]


def current_video(application: Application) -> TeamVideo | None:
    videos = list(application.videos.all())
    return max(videos, key=lambda v: v.version) if videos else None


@dataclass
class Step:
    key: str
    label: str
    url_name: str
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems


STEP_LABELS = [
    ("organization", "Organization", "application_organization"),
    ("team", "Team", "application_team"),
    ("readiness", "Readiness", "application_readiness"),
    ("hopes", "Hopes", "application_hopes"),
    ("documents", "Documents", "application_documents"),
    ("video", "Team video", "application_video"),
]


def roster_problems(members: list[dict], rules: program.TeamRules, cohort_name: str) -> list[str]:
    """What is wrong with a roster (``members``: dicts with email and lenses). Shared by the form,
    the service and the submission check so the message is the same everywhere."""
    problems = []
    count = len(members)
    if not rules.min_size <= count <= rules.max_size:
        problems.append(
            f"A team has {rules.min_size} to {rules.max_size} people; this roster has {count}."
        )
    seen: set[str] = set()
    for member in members:
        email = member["email"].strip().lower()
        if email in seen:
            problems.append(f"{email} is on the roster twice; each person appears once.")
        seen.add(email)
    if rules.executive_required and not any(
        Lens.EXECUTIVE in member.get("lenses", []) for member in members
    ):
        problems.append(
            f"The {cohort_name} requires an executive leader on the team: "
            "mark at least one person with the executive leadership lens."
        )
    return problems


def application_steps(application: Application) -> list[Step]:
    """Every step of the form with what is still missing (prefetched application: no queries)."""
    cohort = application.cohort_choice
    steps = {key: Step(key, label, url) for key, label, url in STEP_LABELS}
    if application.organization_id is None:
        steps["organization"].problems.append("Fill in your organization's profile.")
    roster = [{"email": m.email, "lenses": m.lenses} for m in application.roster.all()]
    if not roster:
        steps["team"].problems.append("Name the people on your team.")
    else:
        steps["team"].problems += roster_problems(roster, program.team_rules(cohort), cohort.name)
    for name in (
        "equity_work_so_far",
        "qi_results",
        "real_data",
        "sogi_data",
        "community_partnerships",
    ):
        if not getattr(application, name):
            label = Application._meta.get_field(name).verbose_name
            steps["readiness"].problems.append(f"Answer “{label}”.")
    if not application.hopes.strip():
        steps["hopes"].problems.append("Say what your team hopes to achieve.")
    documents = current_documents(application)
    for material in program.required_letters(cohort):
        document = documents.get(material.key)
        if document is None:
            steps["documents"].problems.append(
                f"Upload {material.name[0].lower()}{material.name[1:]}."
            )
        elif set(material.signatories) - set(document.signatories):
            missing = ", ".join(sorted(set(material.signatories) - set(document.signatories)))
            steps["documents"].problems.append(f"The letter must be signed by: {missing}.")
    rules = program.video_rules(cohort)
    if rules is None:
        del steps["video"]
    else:
        video = current_video(application)
        if video is None:
            steps["video"].problems.append("Add your team video (a file or a link).")
        elif not rules.min_seconds <= video.duration_seconds <= rules.max_seconds:
            steps["video"].problems.append(
                f"The video must last {rules.min_minutes} to {rules.max_minutes} minutes."
            )
    return list(steps.values())


@dataclass(frozen=True)
class ApplicantView:
    """One application as its applicant sees it: status, what is missing, the dates, the outcome
    in words and the decision letters sent (never reviewers, scores or the waitlist)."""

    application: Application
    label: str
    missing: tuple[str, ...]
    deadline: datetime.date
    deadline_passed: bool
    response_due: datetime.date | None
    outcome: str
    offer_open: bool
    letters: tuple
    continue_url: str  # a draft's first unfinished step, else the status page

    @property
    def is_draft(self) -> bool:
        return self.application.state == State.DRAFT


# What the applicant reads while a recorded decision waits for its letter: staff may record a
# decision days before the letter goes out, and the applicant learns the outcome from the letter.
IN_PREPARATION = "Decision in preparation"


def decision_published(application: Application) -> bool:
    """Whether the applicant may read the decision: a letter has gone out for it, or the state is
    the team's own answer to an offer whose letter it had read (uses the prefetched
    ``decision_letters``)."""
    if application.state not in LETTER_STATES:
        return False
    moved = application.cohort_choice_id != application.current_cohort_id
    if moved and application.state != State.OFFERED:
        return True
    return bool(application.decision_letters.all())


def applicant_label(application: Application) -> str:
    """The status the applicant sees: the workflow's applicant label, but a neutral "Decision in
    preparation" until the decision's letter has gone out."""
    from pursuing_equity.applications.workflow import label_for

    if application.state in LETTER_STATES and not decision_published(application):
        return IN_PREPARATION
    return label_for(application.state, "applicant")


def _outcome(application: Application) -> str:
    chose, now = application.cohort_choice.name, application.current_cohort.name
    moved = application.cohort_choice_id != application.current_cohort_id
    if application.state == State.OFFERED:
        return (
            f"Not selected for the {chose}. You are offered a place in the {now}: "
            "accept or decline the offer on this page."
        )
    if application.state == State.ACCEPTED:
        if moved:
            return f"Not selected for the {chose}; you accepted the offer to join the {now}."
        return f"Accepted to the {now}."
    if application.state == State.DECLINED:
        if moved:
            return f"Not selected for the {chose}; you declined the offer to join the {now}."
        return f"Not offered a place in the {now} this time."
    return ""


def applicant_view(application: Application, now: datetime.datetime | None = None) -> ApplicantView:
    """The applicant's view of an application prefetched by :func:`for_applicant` or
    :func:`with_everything` (roster, documents, videos, decision letters): no further queries."""
    now = now or timezone.now()
    draft = application.state == State.DRAFT
    published = decision_published(application)
    missing = (
        tuple(p for step in application_steps(application) for p in step.problems) if draft else ()
    )
    due = None
    label = applicant_label(application)
    if application.submitted_at and (application.state in OPEN_STATES or label == IN_PREPARATION):
        # A decision in preparation answers the cohort applied for (the Action Community's
        # decision date, even when the Learning Network offer is part of it).
        cohort = (
            application.current_cohort if label != IN_PREPARATION else application.cohort_choice
        )
        due = program.response_due(
            received_on=timezone.localdate(application.submitted_at),
            response_within_days=cohort.response_within_days,
            decisions_by=cohort.decisions_by,
        )
    return ApplicantView(
        application=application,
        label=label,
        missing=missing,
        deadline=deadline_of(application),
        deadline_passed=draft and deadline_passed(application, now),
        response_due=due,
        outcome=_outcome(application) if published else "",
        offer_open=application.state == State.OFFERED and published,
        letters=tuple(application.decision_letters.all()) if published else (),
        continue_url=reverse(
            first_step_to_do(application) if draft else "application_status",
            args=[application.pk],
        ),
    )


def first_step_to_do(application: Application) -> str:
    """The URL name of the first step still missing something ("continue where you left off"),
    else the review-and-submit page."""
    for step in application_steps(application):
        if not step.complete:
            return step.url_name
    return "application_review"


def applicant_status(application: Application) -> dict:
    """What the applicant's status page may show: the applicant label and the public steps only."""
    from pursuing_equity.applications.workflow import APPLICANT_STEPS

    label = applicant_label(application)
    # A decision in preparation is still the review step for the applicant.
    step = "Under review" if label == IN_PREPARATION else label
    return {
        "label": label,
        "steps": APPLICANT_STEPS,
        "current_index": APPLICANT_STEPS.index(step) if step in APPLICANT_STEPS else None,
        "is_draft": application.state == State.DRAFT,
    }


def home_panels(user, day: datetime.date) -> list:
    """The applicant's panel on their home: every application with its status, what is missing,
    its dates and outcome (the partial ``applications/_home_panel.html``), and "Apply" while a
    call is open and the person has no application to it."""
    from pursuing_equity.core.homes import Panel, Task

    if not getattr(user, "is_authenticated", False):
        return []
    views = [applicant_view(a) for a in for_applicant(user).exclude(state=State.WITHDRAWN)]
    applied = {v.application.cycle_id for v in views}
    tasks = []
    for cycle, cohorts in open_calls():
        if cycle.pk not in applied:
            last = max(c.application_deadline for c in cohorts)
            tasks.append(
                Task(
                    text=f"Apply to {cycle}",
                    url=reverse("application_start", args=[cycle.slug]),
                    due=last,
                    detail=", ".join(
                        f"{c.name}: apply by {c.application_deadline:%B} "
                        f"{c.application_deadline.day}"
                        for c in cohorts
                    ),
                )
            )
    for view in views:
        if view.is_draft and not view.deadline_passed:
            tasks.append(
                Task(
                    text=f"Continue your application to the {view.application.cohort_choice.name}",
                    url=view.continue_url,
                    due=view.deadline,
                    detail=f"{len(view.missing)} thing{'s' if len(view.missing) != 1 else ''} "
                    "still missing"
                    if view.missing
                    else "Ready to submit",
                    urgent=view.deadline <= day,
                )
            )
        elif view.offer_open:
            tasks.append(
                Task(
                    text=f"Answer the offer to join the {view.application.current_cohort.name}",
                    url=view.continue_url,
                )
            )
    if not views and not tasks:
        return []
    return [
        Panel(
            key="applications",
            heading="Your applications",
            tasks=tuple(tasks),
            links=(("Apply", reverse("apply")),),
            template="applications/_home_panel.html" if views else "",
            context={"views": views},
            order=20,
        )
    ]
