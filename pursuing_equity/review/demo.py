"""Demo step: this cycle's call already decided, and a second call open for applications.

- About 60 received applications (one per demo organization): 20 to the Action Community, 40 to
  the Learning Network. Reviews with scores from the demo reviewers; then decisions through the
  workflow: 10 Action Community teams, the other 10 not selected with feedback and the Learning
  Network offer (6 teams accept it, 4 decline it), 40 Learning Network teams in all, 6 Learning
  Network applications declined with a reason; the decision
  letters sent; teams created from the rosters with their leaders named.
- A second, open call: the same program file loaded as another cycle whose deadlines are one to
  two months ahead, so a visitor can apply.

The applications are written directly (their deadlines passed months ago in demo dates); every
state change after that goes through the workflow and its services, then the timestamps are moved
back to where they would have been. People are the demo network's (the twelve organizations with
teams keep their people) plus fictional members on example.org with the demo password, so every
team member can sign in. Deterministic; skipped when the cycle already has applications.
"""

from __future__ import annotations

import datetime
import random
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify

from pursuing_equity.accounts.demo import (
    DEMO_ACTOR_LABEL,
    DEMO_PASSWORD,
    DEMO_PERSON_NOTE,
    FAMILY_NAMES,
    GIVEN_NAMES,
    LEADER_TITLES,
    PRONOUNS,
    TEAM_TITLES,
)
from pursuing_equity.accounts.models import Organization, Role, RoleAssignment, User
from pursuing_equity.accounts.services import person_create
from pursuing_equity.applications import program
from pursuing_equity.applications.models import (
    Application,
    ApplicationDocument,
    RosterMember,
    TeamVideo,
)
from pursuing_equity.applications.sample_files import pdf_bytes
from pursuing_equity.applications.transitions import application_offer_answer
from pursuing_equity.programs.dates import month_index
from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.services import program_load
from pursuing_equity.review import decisions, services
from pursuing_equity.review.models import CohortMove, DecisionLetter, Review
from pursuing_equity.review.scoring import rubric_of
from pursuing_equity.teams.models import TeamMember
from pursuing_equity.teams.services import team_leaders_name

SEED = 4
OPEN_CALL_SLUG = "pursuing-equity-open-call"
LETTER_PATH = "applications/demo/commitment-letter.pdf"

# Outcomes, in the order applications are drawn (see module docstring).
AC_ACCEPTED, AC_OFFER_ACCEPTED = 10, 6
LN_DECLINED = 6
LENSES = (["executive"], ["data"], ["quality_improvement"], ["equity"], ["patient_facing"])


def populate(*, cycle: Cycle, organizations: dict[str, Organization], today, out) -> None:
    open_call = _open_call(today)
    if Application.objects.filter(cycle=cycle).exists():
        out.write(f"Applications: already there; open call: {open_call}.")
        return
    rng = random.Random(SEED)
    staff = User.objects.filter(role_assignments__role=Role.PROGRAM_STAFF).order_by("email").first()
    reviewers = list(
        User.objects.filter(role_assignments__role=Role.REVIEWER).order_by("email").distinct()
    )
    if staff is None or len(reviewers) < 2:
        out.write("Applications: skipped (the demo needs program staff and two reviewers).")
        return
    ac = cycle.cohorts.get(key="action_community")
    ln = cycle.cohorts.get(key="learning_network")

    # The organizations with demo teams go first, so their people's logins show a team.
    with_people = set(
        RoleAssignment.objects.filter(organization__in=organizations.values()).values_list(
            "organization__name", flat=True
        )
    )
    names = sorted(organizations)
    rng.shuffle(names)
    names.sort(key=lambda n: n not in with_people)
    teams_first = [n for n in names if n in with_people]
    others = [n for n in names if n not in with_people]
    # Five demo-team organizations in the Action Community, the rest in the Learning Network.
    ac_names = teams_first[:5] + others[: 20 - 5]
    ln_names = teams_first[5:] + others[15 : 15 + 40 - len(teams_first[5:])]

    document = _demo_letter()
    password = make_password(DEMO_PASSWORD)
    people = _People(rng, password)
    applications = {}
    for index, name in enumerate(ac_names + ln_names):
        cohort = ac if name in ac_names else ln
        deadline = cohort.application_deadline
        days_before = rng.randint(1, 35 if cohort is ln else 25)
        submitted = _at(deadline - datetime.timedelta(days=days_before), 9 + index % 8)
        applications[name] = _application(
            cycle, cohort, organizations[name], submitted, people, rng, document
        )

    # Reviews: the number the program file asks for, from reviewers without a conflict.
    conflicted = reviewers[0]
    services.conflict_declare(
        actor=conflicted, organization=organizations[ac_names[-1]], note="Former employer"
    )
    ac_order = _score_all(staff, reviewers, [applications[n] for n in ac_names], rng)

    # Action Community decisions, best first; then the Learning Network's.
    decided_ac = ac.decisions_by - datetime.timedelta(days=3)
    moved = []
    for position, application in enumerate(ac_order):
        if position < AC_ACCEPTED:
            _decide(staff, application, "accept", decided_ac)
        else:
            _decide(
                staff,
                application,
                "not_selected_for_action_community",
                decided_ac,
                feedback=rng.choice(FEEDBACK),
            )
            moved.append(application)
    for position, application in enumerate(moved):
        # The team answers the offer its letter carries.
        decisions.letter_send(
            actor=staff, application=application, kind="action_community_not_selected"
        )
        application_offer_answer(
            actor=application.created_by,
            application=application,
            accept=position < AC_OFFER_ACCEPTED,
        )
        answered = _at(decided_ac + datetime.timedelta(days=rng.randint(2, 9)), 15)
        Application.objects.filter(pk=application.pk).update(decided_at=answered)
    ln_order = _score_all(staff, reviewers, [applications[n] for n in ln_names], rng)
    ln_declines = {a.pk for a in ln_order[-LN_DECLINED:]}
    for application in ln_order:
        received = timezone.localdate(application.submitted_at)
        when = min(received + datetime.timedelta(days=rng.randint(5, 25)), today)
        if application.pk in ln_declines:
            _decide(staff, application, "decline", when, reason=rng.choice(REASONS))
        else:
            _decide(staff, application, "accept", when)

    letters = 0
    for application in Application.objects.filter(cycle=cycle).prefetch_related(
        "cohort_moves__from_cohort"
    ):
        sent = set(application.decision_letters.values_list("kind", flat=True))
        for kind in decisions.letters_due(application):
            if kind not in sent:
                decisions.letter_send(actor=staff, application=application, kind=kind)
            letters += 1
    _backdate_letters(cycle)
    leaders = _name_leaders(cycle)
    counts = {
        key: Application.objects.filter(
            cycle=cycle, state="accepted", current_cohort__key=key
        ).count()
        for key in ("action_community", "learning_network")
    }
    out.write(
        f"Applications: {len(applications)} decided ({counts['action_community']} Action "
        f"Community teams, {counts['learning_network']} Learning Network teams, "
        f"{len(moved)} offered the Learning Network), {letters} letters, {leaders} teams with "
        f"leaders named; open call: {open_call}."
    )


def _open_call(today: datetime.date) -> Cycle:
    """The same program as another cycle whose deadlines are one to two months ahead."""
    shift = month_index(datetime.date(2022, 10, 1), today) + 1
    return program_load(
        path=settings.PE_PROGRAM_FILE, actor=None, shift_months=shift, slug=OPEN_CALL_SLUG
    ).cycle


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def _demo_letter() -> str:
    if not default_storage.exists(LETTER_PATH):
        default_storage.save(LETTER_PATH, ContentFile(pdf_bytes("Letter of commitment (demo)")))
    return LETTER_PATH


class _People:
    """Fictional team members for organizations without demo people (demo password, example.org)."""

    def __init__(self, rng: random.Random, password: str) -> None:
        self.rng = rng
        self.password = password
        self.used = set(User.objects.values_list("email", flat=True))

    def make(self, organization: Organization, count: int) -> list[User]:
        domain = organization.website.removeprefix("https://www.") or "example.org"
        result = []
        for index in range(count):
            while True:
                name = f"{self.rng.choice(GIVEN_NAMES)} {self.rng.choice(FAMILY_NAMES)}"
                email = f"{slugify(name.replace(chr(39), '')).replace('-', '.')}@{domain}"
                if email not in self.used:
                    self.used.add(email)
                    break
            title = self.rng.choice(LEADER_TITLES if index < 2 else TEAM_TITLES)
            result.append(
                person_create(
                    actor=None,
                    actor_label=DEMO_ACTOR_LABEL,
                    note=DEMO_PERSON_NOTE,
                    email=email,
                    full_name=name,
                    pronouns=self.rng.choice(PRONOUNS),
                    title=title,
                    password_hash=self.password,
                )
            )
        return result


def _application(cycle, cohort, organization, submitted, people, rng, letter_path) -> Application:
    existing = list(
        User.objects.filter(
            role_assignments__organization=organization,
            role_assignments__role__in=[
                Role.SENIOR_LEADER,
                Role.TEAM_MEMBER,
                Role.COMMUNITY_PARTNER,
            ],
        )
        .distinct()
        .order_by("email")
    )
    leaders = [u for u in existing if u.role_assignments.filter(role=Role.SENIOR_LEADER).exists()]
    team = (leaders + [u for u in existing if u not in leaders])[:7]
    if len(team) < 3:
        team += people.make(organization, rng.randint(3, 6) - len(team))
    partners = set(
        RoleAssignment.objects.filter(
            organization=organization, role=Role.COMMUNITY_PARTNER
        ).values_list("user_id", flat=True)
    )
    quality = rng.random()
    application = Application(
        cycle=cycle,
        organization=organization,
        created_by=team[0],
        cohort_choice=cohort,
        current_cohort=cohort,
        state="submitted",
        submitted_at=submitted,
        equity_work_so_far=rng.choice(EQUITY_WORK),
        qi_results=rng.choice(QI_RESULTS),
        real_data="accessible_and_usable" if quality > 0.3 else "accessible_not_usable",
        sogi_data="accessible_not_usable" if quality > 0.5 else "not_accessible",
        community_partnerships=rng.choice(PARTNERSHIPS),
        hopes=rng.choice(HOPES),
    )
    application.full_clean()
    application.save()
    for position, user in enumerate(team):
        partner = user.pk in partners
        lenses = ["equity"] if partner else list(LENSES[0 if position == 0 else 1 + position % 4])
        member = RosterMember(
            application=application,
            full_name=user.full_name,
            email=user.email,
            title=user.title or "Team member",
            lenses=lenses,
            community_partner=partner,
            position=position,
            token=secrets.token_urlsafe(24),
            invited_at=submitted - datetime.timedelta(days=7),
            confirmed_at=submitted - datetime.timedelta(days=5),
        )
        member.full_clean(exclude=["application"])
        member.save()
    for material in program.required_letters(cohort):
        ApplicationDocument.objects.create(
            application=application,
            kind=material.key,
            version=1,
            file=letter_path,
            original_name=f"{material.key.replace('_', '-')}.pdf",
            size=default_storage.size(letter_path),
            sha256="0" * 64,
            signatories=list(material.signatories),
            uploaded_by=team[0],
        )
    rules = program.video_rules(cohort)
    if rules:
        TeamVideo.objects.create(
            application=application,
            version=1,
            source="link",
            url=f"https://video.example.org/{organization.slug}",
            duration_seconds=rng.randint(rules.min_seconds, rules.max_seconds),
            required_items=[k for k, _ in rules.required_items],
            optional_questions=[k for k, _ in rules.questions][: rng.randint(2, 3)],
            uploaded_by=team[0],
        )
    return application


def _score_all(staff, reviewers, applications, rng) -> list[Application]:
    """Assign and submit the reviews each application needs; the applications, best mean first."""
    means = {}
    for index, application in enumerate(applications):
        application.refresh_from_db()
        needed = services.reviewers_needed(application.current_cohort)
        rubric = rubric_of(application.cycle.document, application.current_cohort.key)
        strength = rng.uniform(1.8, 4.6)
        available = [
            r
            for r in reviewers
            if not r.conflicts_of_interest.filter(
                organization_id=application.organization_id
            ).exists()
        ]
        chosen = [available[(index + k) % len(available)] for k in range(needed)]
        total = []
        for k, reviewer in enumerate(chosen):
            assignment = services.reviewer_assign(
                actor=staff, application=application, reviewer=reviewer
            )
            # Every seventh application: the second reviewer sees it very differently.
            bias = 2 if index % 7 == 3 and k == 1 else 0
            scores = {
                key: max(
                    rubric.scale_min,
                    min(rubric.scale_max, round(strength + rng.uniform(-0.8, 0.8)) - bias),
                )
                for key in rubric.keys
            }
            review = services.review_save(
                actor=reviewer,
                assignment=assignment,
                scores=scores,
                comments={rubric.keys[0]: rng.choice(COMMENTS)},
                overall_comment=rng.choice(COMMENTS),
                video_watched=True,
                submit=True,
            )
            total.append(sum(review.scores.values()) / len(review.scores))
            Review.objects.filter(pk=review.pk).update(
                submitted_at=application.submitted_at + datetime.timedelta(days=3 + k)
            )
        means[application.pk] = sum(total) / len(total)
    return sorted(applications, key=lambda a: (-means[a.pk], a.pk))


def _decide(staff, application, decision, day, **data) -> None:
    decisions.decision_record(actor=staff, application=application, decision=decision, **data)
    at = _at(day, 11)
    if decision == "not_selected_for_action_community":
        CohortMove.objects.filter(application=application).update(moved_at=at)
    Application.objects.filter(pk=application.pk).update(decided_at=at)
    application.refresh_from_db()


def _backdate_letters(cycle) -> None:
    for letter in DecisionLetter.objects.filter(application__cycle=cycle).select_related(
        "application"
    ):
        moves = list(letter.application.cohort_moves.all())
        when = (
            moves[0].moved_at
            if letter.kind.endswith("_not_selected") and moves
            else letter.application.decided_at
        )
        if when:
            DecisionLetter.objects.filter(pk=letter.pk).update(sent_at=when)


def _name_leaders(cycle) -> int:
    """Name a senior leader and an alternate for every team (required in the Action Community)."""
    count = 0
    for application in Application.objects.filter(cycle=cycle, team__isnull=False).select_related(
        "team__cohort", "team__cycle", "team__organization"
    ):
        emails = list(application.roster.order_by("position").values_list("email", flat=True))
        members = {
            m.user.email: m.user
            for m in TeamMember.objects.filter(team=application.team).select_related("user")
        }
        ordered = [members[e] for e in emails if e in members]
        team_leaders_name(
            actor=None, team=application.team, senior_leader=ordered[0], alternate=ordered[1]
        )
        count += 1
    return count


FEEDBACK = (
    "Your team's heart for this work shines through. We would like to see more measurable results "
    "from earlier improvement work before the Action Community's pace; the Learning Network is a "
    "strong place to build them.",
    "Thank you for a candid video. Your REAL data are not yet usable for stratified measures; the "
    "Learning Network will help you build that foundation.",
    "We were moved by your community partnerships. Your executive leader's role in the work was "
    "not yet clear to us; the Learning Network is a good way to build that commitment.",
)
REASONS = (
    "The letter of commitment was not signed by the CEO.",
    "The team is not yet ready to commit the time the program asks.",
    "Both cohorts are full; the application ranked below the accepted teams.",
)
EQUITY_WORK = (
    "We stratified readmissions by race, ethnicity and language and shared the results with our board.",
    "An equity council meets monthly; we trained every manager in anti-racism.",
    "We began collecting SOGI data in primary care and reviewed our hiring practices.",
)
QI_RESULTS = (
    "Reduced no-show rates from 18% to 11% in 2021 with text reminders in five languages.",
    "Improved hypertension control from 58% to 66% across three clinics.",
    "Cut time to prenatal first visit by 9 days for Medicaid patients.",
)
PARTNERSHIPS = (
    "A food bank, a tenants' union and two faith communities.",
    "Our community advisory board of patients with lived experience of inequities.",
    "We are building relationships with a promotoras network.",
)
HOPES = (
    "Close the gap in blood pressure control between Black and white patients.",
    "Make our maternal care equitable for Black and Indigenous mothers.",
    "Build the data infrastructure to see and act on inequities every month.",
)
COMMENTS = (
    "Clear commitment from leadership.",
    "Strong results from earlier improvement work.",
    "The data plan needs more detail.",
    "Deep community relationships.",
    "Enthusiastic and honest about where they are.",
)
