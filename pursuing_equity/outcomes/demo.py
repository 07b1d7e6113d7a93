"""Demo outcomes: a few milestones recorded with evidence on the first teams, the baseline
self-assessment answered by every demo team member, and the midpoint round opened around today
(as staff would) so that demo members have one to answer.

Deterministic and idempotent: it does nothing when the cycle's teams already have milestones or
answers, or when there are no teams. Writes go through the services, so they are audited.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from pursuing_equity.accounts.models import Role, User
from pursuing_equity.measures.models import Aim, Measure
from pursuing_equity.outcomes import services
from pursuing_equity.outcomes.models import CaseStudy, Milestone, Partner, Response
from pursuing_equity.outcomes.selectors_self_assessment import assessment_of
from pursuing_equity.reporting.models import Update
from pursuing_equity.teams.models import Team, TeamMember

#: (milestone key, status, kind of evidence) recorded on the first teams of each cohort.
RECORDED = {
    "action_community": [
        ("clinical_progress", "in_progress", "aim"),
        ("long_haul_capacity", "in_progress", "measure"),
        ("population_process_progress", "in_progress", "update"),
    ],
    "learning_network": [
        ("racial_justice_history", "achieved", "update"),
        ("clinical_area", "achieved", "measure"),
        ("key_aims", "in_progress", "aim"),
    ],
}


def populate(*, cycle, organizations=None, today: datetime.date, out) -> None:
    teams = list(
        Team.objects.filter(cycle=cycle).select_related("cohort", "cycle").order_by("slug")
    )
    if not teams:
        out.write("Outcomes: skipped (no teams yet).")
        return
    partners = _partners(teams, today)
    if partners:
        out.write(f"Outcomes: {partners} community partners with engagements and payments.")
    published = _case_studies(teams)
    if published:
        out.write(f"Outcomes: {published} case studies published.")
    if (
        Milestone.objects.filter(team__cycle=cycle).exists()
        or Response.objects.filter(team__cycle=cycle).exists()
    ):
        out.write("Outcomes: already there.")
        return
    staff = User.objects.filter(role_assignments__role=Role.PROGRAM_STAFF).order_by("email").first()
    milestones = 0
    for cohort_key, recorded in RECORDED.items():
        for team in [t for t in teams if t.cohort.key == cohort_key][:3]:
            milestones += _milestones(team, recorded, staff, today)
    assessment = assessment_of(cycle)
    answered = 0
    if assessment is not None:
        baseline = assessment.rounds[0]
        if baseline.closes_on < today:
            answered = _baseline(teams, assessment, baseline.key, baseline.closes_on)
        midpoint = next((r for r in assessment.rounds if r.key == "midpoint"), None)
        if midpoint is not None and not midpoint.is_open(today):
            services.round_dates_set(
                actor=staff,
                cycle=cycle,
                key=midpoint.key,
                opens_on=max(cycle.starts_on, today - datetime.timedelta(days=7)),
                closes_on=min(cycle.ends_on, today + datetime.timedelta(days=21)),
            )
    out.write(
        f"Outcomes: {milestones} milestones recorded with evidence, {answered} baseline "
        "self-assessments answered, the midpoint round open."
    )


def _milestones(team: Team, recorded, staff, today: datetime.date) -> int:
    evidence = {
        "update": Update.objects.filter(team=team, status="submitted")
        .order_by("-period_start")
        .first(),
        "aim": Aim.objects.filter(measure__team=team).order_by("pk").first(),
        "measure": Measure.objects.filter(team=team).order_by("name").first(),
    }
    count = 0
    for key, status, kind in recorded:
        target = evidence[kind]
        if target is None:
            continue
        services.milestone_evidence_add(
            actor=staff, team=team, key=key, kind=kind, object_id=target.pk
        )
        services.milestone_status_set(
            actor=staff,
            team=team,
            key=key,
            status=status,
            status_on=today - datetime.timedelta(days=30),
            note="Seen in the team's data and updates.",
        )
        count += 1
    return count


def _baseline(teams, assessment, round_key: str, day: datetime.date) -> int:
    count = 0
    members = TeamMember.objects.filter(team__in=teams).select_related("user").order_by("pk")
    for index, member in enumerate(members):
        team = next(t for t in teams if t.pk == member.team_id)
        answers = {
            item.key: 1 + (index + position + len(item.key)) % 3 + (position % 5 == 4)
            for position, item in enumerate(assessment.items)
        }
        services.self_assessment_answer(
            actor=member.user,
            team=team,
            assessment=assessment,
            round_key=round_key,
            answers=answers,
            today=day,
        )
        count += 1
    return count


def _partners(teams, today: datetime.date) -> int:
    """On the first three teams: the team's community partner (linked to their account, named
    with consent), a person who did not consent to be named, and a community organization, each
    with engagements and payments. Nothing when any team already has partners."""
    if Partner.objects.filter(team__in=teams).exists():
        return 0
    count = 0
    for n, team in enumerate(teams[:3]):
        leader = (
            TeamMember.objects.filter(team=team)
            .exclude(part=TeamMember.Part.COMMUNITY_PARTNER)
            .order_by("pk")
            .first()
        )
        actor = leader.user if leader else None
        account = (
            TeamMember.objects.filter(team=team, part=TeamMember.Part.COMMUNITY_PARTNER)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        records = []
        if account is not None:
            records.append(
                services.partner_save(
                    actor=actor,
                    team=team,
                    kind="person",
                    name=account.user.display_name,
                    role="Patient and family advisor",
                    consent_on=today - datetime.timedelta(days=90),
                    user=account.user,
                )
            )
        records.append(
            services.partner_save(
                actor=actor, team=team, kind="person", name=f"Advisor {n + 1}", role="Focus groups"
            )
        )
        records.append(
            services.partner_save(
                actor=actor,
                team=team,
                kind="organization",
                name=("Eastside Tenants Union", "Northside Food Bank", "Harbor Faith Alliance")[n],
                role="Community outreach",
            )
        )
        for i, partner in enumerate(records):
            _engagements(actor, partner, i, today)
        count += len(records)
    return count


def _engagements(actor, partner: Partner, i: int, today: datetime.date) -> None:
    """Two engagements of the ``i``-th partner of a team, a person paid a week after each."""
    for weeks, activity in ((10, "Focus group on clinic access"), (4, "Co-design session")):
        on = today - datetime.timedelta(weeks=weeks + i)
        services.engagement_add(
            actor=actor, partner=partner, on=on, activity=activity, hours=Decimal("2.5")
        )
        if partner.kind == Partner.Kind.PERSON:
            services.payment_add(
                actor=actor,
                partner=partner,
                paid_on=on + datetime.timedelta(days=7),
                amount=Decimal("125.00"),
                method="gift_card" if i else "check",
            )


CASE_STUDIES = (
    (
        "Text reminders in patients' own language",
        "Halve the gap in blood pressure control between Black and white patients.",
        "We sent appointment and refill reminders by text, in the language each patient chose, "
        "and asked community health workers to call those who did not answer.",
        "> The reminder came in Spanish, so I knew it was for me.",
    ),
    (
        "A community advisory board shapes the clinic's hours",
        "Close the gap in timely diabetes follow-up for patients who work evenings.",
        "Our advisory board of patients with lived experience asked for evening hours; we tested "
        "two evenings a week and kept them.",
        "> They listened to us and changed something real.",
    ),
)


def _case_studies(teams) -> int:
    """Two published case studies, on the first teams with a senior leader, through the workflow
    (drafted by a member, approved by the leader and staff). Nothing when any exists."""
    if CaseStudy.objects.filter(team__in=teams).exists():
        return 0
    staff = User.objects.filter(role_assignments__role=Role.PROGRAM_STAFF).order_by("email").first()
    count = 0
    for team in teams:
        if count == len(CASE_STUDIES) or staff is None:
            break
        people = {
            m.part: m.user
            for m in TeamMember.objects.filter(team=team).select_related("user").order_by("-pk")
        }
        leader = people.get(TeamMember.Part.SENIOR_LEADER)
        writer = people.get(TeamMember.Part.MEMBER) or leader
        if leader is None:
            continue
        title, aim, summary, quotes = CASE_STUDIES[count]
        case_study = services.case_study_create(actor=writer, team=team, title=title)
        services.case_study_edit(
            actor=writer, case_study=case_study, aim=aim, summary=summary, quotes=quotes
        )
        for actor, action in ((writer, "submit"), (leader, "approve"), (staff, "publish")):
            case_study = services.case_study_transition(
                actor=actor, case_study=case_study, action=action
            )
        count += 1
    return count
