"""Reads of review, one per screen, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from pursuing_equity.accounts.geography import REGION_CHOICES
from pursuing_equity.accounts.models import Organization, Role, User
from pursuing_equity.applications.models import (
    Application,
    ApplicationDocument,
    DeadlineExtension,
    TeamVideo,
)
from pursuing_equity.applications.selectors import application_steps, deadline_of, deadline_passed
from pursuing_equity.applications.states import IN_REVIEW_STATES, OPEN_STATES, State
from pursuing_equity.applications.workflow import label_for
from pursuing_equity.programs.models import Cycle
from pursuing_equity.review import clocks
from pursuing_equity.review.decisions import letters_due
from pursuing_equity.review.models import DraftReminder, ReviewerAssignment
from pursuing_equity.review.scoring import ScoreSummary, rubric_of, summarize
from pursuing_equity.review.services import reviewers_needed

# --- one application's facts ------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str
    blocking: bool = True


@dataclass(frozen=True)
class Screen:
    """The eligibility screen: the application form's completeness checks (team size and roles,
    the signed letters, the video, from the program file) and, for information, who confirmed."""

    checks: tuple[Check, ...]

    @property
    def complete(self) -> bool:
        return all(c.ok for c in self.checks if c.blocking)


def eligibility(application: Application) -> Screen:
    """The screen of a prefetched application (roster, documents, videos): no queries."""
    checks = [
        Check(step.label, step.complete, " ".join(step.problems) or "Complete")
        for step in application_steps(application)
    ]
    roster = list(application.roster.all())
    confirmed = sum(m.confirmed_at is not None for m in roster)
    checks.append(
        Check(
            "Members confirmed",
            bool(roster) and confirmed == len(roster),
            f"{confirmed} of {len(roster)} confirmed their membership",
            blocking=False,
        )
    )
    return Screen(tuple(checks))


def received_on(application: Application) -> datetime.date | None:
    """When the current cohort received it: the move into it, else the submission (local date).

    Uses ``cohort_moves`` (prefetched for lists)."""
    moves = [
        m for m in application.cohort_moves.all() if m.to_cohort_id == application.current_cohort_id
    ]
    moment = moves[-1].moved_at if moves else application.submitted_at
    return timezone.localdate(moment) if moment else None


def response_clock(application: Application, today: datetime.date) -> clocks.Clock | None:
    """Days left to answer, while the application awaits its decision in its current cohort."""
    received = received_on(application)
    if application.state not in OPEN_STATES or received is None:
        return None
    cohort = application.current_cohort
    due = clocks.response_due(
        received_on=received,
        response_within_days=cohort.response_within_days,
        decisions_by=cohort.decisions_by,
    )
    return clocks.clock(due, today)


def current_assignments(application: Application) -> list[ReviewerAssignment]:
    """Assignments in the application's current cohort (prefetched ``reviewer_assignments``)."""
    return [
        a
        for a in application.reviewer_assignments.all()
        if a.cohort_id == application.current_cohort_id
    ]


def submitted_reviews(application: Application):
    reviews = []
    for assignment in current_assignments(application):
        review = getattr(assignment, "review", None)
        if review is not None and review.submitted_at is not None:
            reviews.append(review)
    return reviews


def score_summary(application: Application) -> ScoreSummary:
    rubric = rubric_of(application.cycle.document, application.current_cohort.key)
    return summarize(rubric, [r.scores for r in submitted_reviews(application)])


def _with_review_facts(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related(
        "cycle",
        "organization",
        "created_by",
        "cohort_choice__cycle",
        "current_cohort__cycle",
        "team",
    ).prefetch_related(
        "roster",
        Prefetch("documents", queryset=ApplicationDocument.objects.order_by("kind", "-version")),
        Prefetch("videos", queryset=TeamVideo.objects.order_by("-version")),
        Prefetch(
            "reviewer_assignments",
            queryset=ReviewerAssignment.objects.select_related("reviewer", "review", "cohort"),
        ),
        "cohort_moves__from_cohort",
        "decision_letters",
    )


# --- the queue --------------------------------------------------------------------------------

STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": tuple(sorted(OPEN_STATES)),
    "received": (State.SUBMITTED,),
    "under_review": (State.UNDER_REVIEW,),
    "waitlisted": (State.WAITLISTED,),
    "offered": (State.OFFERED,),
    "accepted": (State.ACCEPTED,),
    "declined": (State.DECLINED,),
    "decided": (State.OFFERED, State.ACCEPTED, State.DECLINED),
    "withdrawn": (State.WITHDRAWN,),
    "all": tuple(s for s in State.values if s != State.DRAFT),
}


@dataclass(frozen=True)
class QueueRow:
    application: Application
    status: str
    screen: Screen
    received: datetime.date | None
    days_since_receipt: int | None
    clock: clocks.Clock | None
    reviews_submitted: int
    reviewers_assigned: int
    reviewers_needed: int
    summary: ScoreSummary
    letters_unsent: tuple[str, ...]


def review_queue(
    *,
    cycle: Cycle,
    today: datetime.date | None = None,
    cohort: str = "",
    status: str = "open",
    org_type: str = "",
    region: str = "",
    complete: str = "",
    min_days: int | None = None,
    pks: Iterable[int] | None = None,
) -> list[QueueRow]:
    """The staff queue of ``cycle``'s applications with every filter (8 queries, any number of rows).

    ``complete`` is "yes", "no" or "" (both); ``min_days`` keeps applications received at least
    that many days ago. Rows are ordered by the response clock (overdue first), then by receipt.
    """
    today = today or timezone.localdate()
    qs = Application.objects.filter(cycle=cycle, state__in=STATUS_FILTERS.get(status, OPEN_STATES))
    if cohort:
        qs = qs.filter(current_cohort__key=cohort)
    if org_type:
        qs = qs.filter(organization__org_type=org_type)
    if region:
        qs = qs.filter(organization__census_region=region)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    rows = []
    for application in _with_review_facts(qs).order_by("submitted_at", "pk"):
        screen = eligibility(application)
        if complete == "yes" and not screen.complete or complete == "no" and screen.complete:
            continue
        received = received_on(application)
        since = clocks.days_since(received, today) if received else None
        if min_days is not None and (since is None or since < min_days):
            continue
        assignments = current_assignments(application)
        sent = {letter.kind for letter in application.decision_letters.all()}
        rows.append(
            QueueRow(
                application=application,
                status=label_for(application.state, "staff"),
                screen=screen,
                received=received,
                days_since_receipt=since,
                clock=response_clock(application, today),
                reviews_submitted=len(submitted_reviews(application)),
                reviewers_assigned=len(assignments),
                reviewers_needed=reviewers_needed(application.current_cohort),
                summary=score_summary(application),
                letters_unsent=tuple(k for k in letters_due(application) if k not in sent),
            )
        )
    far = datetime.date.max
    rows.sort(key=lambda r: (r.clock.due if r.clock else far, r.received or far))
    return rows


@dataclass(frozen=True)
class DraftRow:
    """A draft as staff chase it: who drafts it, the cohort, what is missing, the dates."""

    application: Application
    missing: tuple[str, ...]
    deadline: datetime.date
    extended: bool
    deadline_passed: bool
    last_change: datetime.datetime
    last_reminder: DraftReminder | None

    @property
    def applicant(self) -> str:
        """The organization, else who started the draft (the organization step comes first)."""
        application = self.application
        if application.organization_id:
            return application.organization.name
        return f"Organization not named yet (started by {application.created_by.display_name})"


def _with_draft_facts(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related(
        "cycle", "organization", "created_by", "updated_by", "cohort_choice__cycle"
    ).prefetch_related(
        "roster",
        Prefetch("documents", queryset=ApplicationDocument.objects.order_by("kind", "-version")),
        Prefetch("videos", queryset=TeamVideo.objects.order_by("-version")),
        Prefetch(
            "draft_reminders",
            queryset=DraftReminder.objects.select_related("sent_by").order_by("-sent_at", "-pk"),
        ),
        Prefetch(
            "extensions",
            queryset=DeadlineExtension.objects.select_related("granted_by").order_by("-pk"),
        ),
    )


def draft_row(application: Application, now: datetime.datetime | None = None) -> DraftRow:
    """One draft prefetched by :func:`_with_draft_facts`: no queries."""
    reminders = list(application.draft_reminders.all())
    return DraftRow(
        application=application,
        missing=tuple(p for step in application_steps(application) for p in step.problems),
        deadline=deadline_of(application),
        extended=application.deadline_override is not None,
        deadline_passed=deadline_passed(application, now),
        last_change=application.updated_at,
        last_reminder=reminders[0] if reminders else None,
    )


def drafts_in_progress(
    *,
    cycle: Cycle,
    cohort: str = "",
    org_type: str = "",
    region: str = "",
    now: datetime.datetime | None = None,
) -> list[DraftRow]:
    """The cycle's applications not submitted yet (the queue's "in progress" filter), nearest
    deadline first, then the least recently changed (7 queries, any number of rows)."""
    qs = Application.objects.filter(cycle=cycle, state=State.DRAFT)
    if cohort:
        qs = qs.filter(cohort_choice__key=cohort)
    if org_type:
        qs = qs.filter(organization__org_type=org_type)
    if region:
        qs = qs.filter(organization__census_region=region)
    rows = [draft_row(a, now) for a in _with_draft_facts(qs)]
    rows.sort(key=lambda r: (r.deadline, r.last_change, r.application.pk))
    return rows


def draft(pk: int) -> Application:
    """One draft with everything the staff draft page shows (fixed number of queries)."""
    return _with_draft_facts(Application.objects.filter(pk=pk, state=State.DRAFT)).get()


def review_application(pk: int) -> Application:
    """One application with everything its review page shows (fixed number of queries)."""
    return _with_review_facts(Application.objects.filter(pk=pk)).get()


def reviewers_for(application: Application) -> list[tuple[User, bool]]:
    """Every reviewer, with whether they declared a conflict with the application's organization."""
    reviewers = list(
        User.objects.filter(role_assignments__role=Role.REVIEWER, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )
    conflicted = set(
        application.organization.conflicts_of_interest.values_list("reviewer_id", flat=True)
    )
    return [(r, r.pk in conflicted) for r in reviewers]


def assignments_of(reviewer: User) -> QuerySet[ReviewerAssignment]:
    """A reviewer's assignments, newest cycle first, with their review and the application."""
    return (
        ReviewerAssignment.objects.filter(reviewer=reviewer)
        .select_related(
            "application__organization", "application__current_cohort", "cohort", "review"
        )
        .order_by("-application__cycle__starts_on", "application__organization__name")
    )


def conflict_organizations(reviewer: User, cycle: Cycle | None) -> QuerySet[Organization]:
    """The organizations a reviewer may declare a conflict with: the applicants of the current
    cycle and of every cycle the reviewer has assignments in (one query when evaluated)."""
    cycles = ReviewerAssignment.objects.filter(reviewer=reviewer).values("application__cycle")
    in_cycles = Q(applications__cycle__in=cycles)
    if cycle is not None:
        in_cycles |= Q(applications__cycle=cycle)
    received = [s for s in State.values if s != State.DRAFT]
    return (
        Organization.objects.filter(in_cycles, applications__state__in=received)
        .distinct()
        .order_by("name")
    )


def waitlists(cycle: Cycle) -> dict[str, list[Application]]:
    """Each cohort's waitlist, in rank order."""
    result: dict[str, list[Application]] = {}
    for application in (
        Application.objects.filter(cycle=cycle, state=State.WAITLISTED)
        .select_related("organization", "current_cohort")
        .order_by("current_cohort__position", "waitlist_rank", "pk")
    ):
        result.setdefault(application.current_cohort.name, []).append(application)
    return result


def cohort_seats(cycle: Cycle) -> list[dict]:
    """Per cohort: capacity, accepted, waitlisted (2 queries)."""
    counts = Counter(
        Application.objects.filter(
            cycle=cycle, state__in=[State.ACCEPTED, State.WAITLISTED]
        ).values_list("current_cohort_id", "state")
    )
    return [
        {
            "cohort": c,
            "capacity": c.capacity,
            "accepted": counts[(c.pk, State.ACCEPTED)],
            "waitlisted": counts[(c.pk, State.WAITLISTED)],
            "left": max(c.capacity - counts[(c.pk, State.ACCEPTED)], 0),
        }
        for c in cycle.cohorts.order_by("position")
    ]


def cohort_full(cohort) -> bool:
    """Whether the cohort's accepted teams reached its planned size (one query)."""
    taken = Application.objects.filter(current_cohort=cohort, state=State.ACCEPTED).count()
    return taken >= cohort.capacity


def cycle_being_reviewed() -> Cycle | None:
    """The cycle staff work on: the earliest with applications awaiting a decision, else the
    current one (programs.selectors.current_cycle), so the queue does not open on a decided
    cycle that shows "No application matches"."""
    from pursuing_equity.programs.selectors import current_cycle

    waiting = (
        Cycle.objects.filter(applications__state__in=OPEN_STATES).order_by("starts_on").first()
    )
    return waiting or current_cycle()


# --- the digest -------------------------------------------------------------------------------


def digest_items(cycle: Cycle, today: datetime.date, within_days: int = 7) -> list[QueueRow]:
    """Open applications overdue or due within ``within_days`` days, most urgent first."""
    rows = review_queue(cycle=cycle, today=today, status="open")
    return [r for r in rows if r.clock is not None and r.clock.days_left <= within_days]


# --- the portfolio ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    label: str
    applicants: int
    applicant_share: float
    selected: int
    selected_share: float


@dataclass(frozen=True)
class PortfolioTable:
    key: str
    title: str
    rows: tuple[PortfolioRow, ...]
    applicants_total: int
    selected_total: int
    note: str = ""


def _table(key, title, labels, applicants, selected, a_total, s_total, note="") -> PortfolioTable:
    rows = tuple(
        PortfolioRow(
            label=label,
            applicants=applicants[value],
            applicant_share=applicants[value] / a_total if a_total else 0.0,
            selected=selected[value],
            selected_share=selected[value] / s_total if s_total else 0.0,
        )
        for value, label in labels
    )
    return PortfolioTable(key, title, rows, a_total, s_total, note)


def portfolio(cycle: Cycle, cohort: str = "") -> list[PortfolioTable]:
    """Applicants (received) versus selected (accepted) by organization type, census region, size
    and populations served (1 query). Populations overlap: an organization counts once in each of
    the populations it serves, so shares are of organizations and add up to more than 100%."""
    qs = Application.objects.filter(cycle=cycle).exclude(state__in=[State.DRAFT, State.WITHDRAWN])
    if cohort:
        qs = qs.filter(current_cohort__key=cohort)
    facts = list(
        qs.filter(organization__isnull=False).values_list(
            "state",
            "organization__org_type",
            "organization__census_region",
            "organization__size",
            "organization__populations_served",
        )
    )
    selected = [f for f in facts if f[0] == State.ACCEPTED]
    a_total, s_total = len(facts), len(selected)
    tables = []
    for index, key, title, labels in (
        (1, "org_type", "Organization type", Organization.Type.choices),
        (2, "region", "Census region", REGION_CHOICES),
        (3, "size", "Size", Organization.Size.choices),
    ):
        tables.append(
            _table(
                key,
                title,
                labels,
                Counter(f[index] for f in facts),
                Counter(f[index] for f in selected),
                a_total,
                s_total,
            )
        )
    tables.append(
        _table(
            "populations",
            "Populations served",
            Organization.Population.choices,
            Counter(p for f in facts for p in set(f[4] or [])),
            Counter(p for f in selected for p in set(f[4] or [])),
            a_total,
            s_total,
            note="An organization serves several populations, so the shares add up to more than 100%.",
        )
    )
    return tables


# --- homes ------------------------------------------------------------------------------------


def home_panels(user, day: datetime.date) -> list:
    """The review panels of a person's home: a reviewer's open assignments with the response due
    date; for program staff, the responses due within a week, the drafts to chase before their
    deadline and the decisions whose reviews are in (fixed number of queries)."""
    from django.urls import reverse

    from pursuing_equity.accounts.rules import REVIEWER, has_role, is_program_staff
    from pursuing_equity.core.homes import Panel, Task
    from pursuing_equity.programs.selectors import current_cycle

    panels = []
    if has_role(user, REVIEWER):
        tasks = []
        for assignment in (
            assignments_of(user)
            .filter(application__state__in=IN_REVIEW_STATES)
            .exclude(review__submitted_at__isnull=False)
            .prefetch_related("application__cohort_moves", "application__current_cohort__cycle")
        ):
            application = assignment.application
            clock = response_clock(application, day)
            tasks.append(
                Task(
                    text=f"Score {application.organization.name}",
                    url=reverse("review_score", args=[application.pk]),
                    due=clock.due if clock else None,
                    detail=f"{assignment.cohort.name} · {clock.label}" if clock else "",
                    urgent=bool(clock and clock.days_left <= 0),
                )
            )
        panels.append(
            Panel(
                key="reviews",
                heading="Applications to score",
                tasks=tuple(tasks),
                links=(("My reviews", reverse("review_assigned")),),
                empty="No application waits for your scores.",
                order=30,
            )
        )
    cycle = current_cycle(day) if is_program_staff(user) else None
    if cycle is not None:
        tasks = []
        for row in digest_items(cycle, day):
            tasks.append(
                Task(
                    text=f"Answer {row.application.organization.name}",
                    url=reverse("review_application", args=[row.application.pk]),
                    due=row.clock.due,
                    detail=f"{row.application.current_cohort.name} · {row.clock.label} · "
                    f"{row.reviews_submitted} of {row.reviewers_needed} reviews in",
                    urgent=row.clock.days_left <= 0,
                )
            )
        # Drafts of every cycle whose deadline is still ahead (the call that is open is usually
        # for the next cycle, not the running one): one task per cycle, to its "in progress" list.
        drafts = (
            Application.objects.filter(state=State.DRAFT)
            .filter(
                Q(deadline_override__gte=day)
                | Q(deadline_override__isnull=True, cohort_choice__application_deadline__gte=day)
            )
            .select_related("cohort_choice", "cycle")
            .order_by("cycle__starts_on", "pk")
        )
        by_cycle: dict[int, list[Application]] = {}
        for draft in drafts:
            by_cycle.setdefault(draft.cycle_id, []).append(draft)
        for waiting in by_cycle.values():
            draft_cycle = waiting[0].cycle
            extended = sum(d.deadline_override is not None for d in waiting)
            tasks.append(
                Task(
                    text=f"Chase the drafts in progress of {draft_cycle} ({len(waiting)})",
                    url=reverse("review_queue") + f"?cycle={draft_cycle.slug}&status=in_progress",
                    due=min(deadline_of(d) for d in waiting),
                    detail=f"{len(waiting)} not submitted yet"
                    + (f" · {extended} extended" if extended else ""),
                )
            )
        panels.append(
            Panel(
                key="review-staff",
                heading=f"Applications, {cycle}",
                tasks=tuple(tasks),
                links=(("Review queue", reverse("review_queue") + f"?cycle={cycle.slug}"),),
                empty="No response is due this week and no draft waits before its deadline.",
                order=10,
            )
        )
    return panels
