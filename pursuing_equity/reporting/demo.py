"""Demo reports: monthly updates of the Action Community teams for the months gone by (most on
time, some late, one missing), the senior leaders' reflections (one overdue), PDSA ramps on some
measures, progress scores by the teams and by faculty, a few faculty comments, and the Learning
Network's periodic reflections.

Deterministic (the same pattern for the same teams) and idempotent: it does nothing when the
cycle's teams already have updates, or when there are no teams. Every Action Community update
embeds its team's charts as of its submission day, like a real submission (built from the
dashboards the measures step stored, so quickly); the Learning Network's reflections have none,
which their pages say.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pursuing_equity.accounts.demo import DEMO_ACTOR_LABEL
from pursuing_equity.accounts.models import Role, User
from pursuing_equity.core.services import audit_record
from pursuing_equity.programs.dates import add_months
from pursuing_equity.reporting import charts, dates
from pursuing_equity.reporting.models import (
    Comment,
    LeaderReflection,
    PdsaCycle,
    ProgressScore,
    Update,
)
from pursuing_equity.teams.models import Team, TeamMember

ACTOR_LABEL = DEMO_ACTOR_LABEL

TEXTS = {
    "progress": [
        "We finished the first pass at stratifying blood pressure control by race, ethnicity "
        "and language, and shared it with our patient advisory council.",
        "Two clinics now offer evening visits; the outreach team called every patient overdue "
        "for a follow-up.",
        "Our community partners co-designed the text-message script with us this month.",
    ],
    "challenges": [
        "Nearly a fifth of our records still have race and ethnicity unknown.",
        "Staff turnover at the north clinic slowed the interpreter huddles.",
        "Leadership attention moved to the budget cycle; we need our sponsor back in the room.",
    ],
    "learning": [
        "Patients told us they trust text messages from their own care team more than calls.",
        "Looking at the data by language showed a gap we had not seen by race alone.",
        "Naming racism explicitly in our team charter changed how we talk about the results.",
    ],
    "help_wanted": [
        "",
        "Has another team improved how race and ethnicity are collected at registration?",
        "",
    ],
}
RAMP = [
    ("Text reminders in English for overdue follow-ups", "adapt"),
    ("Text reminders in Spanish and Haitian Creole", "adapt"),
    ("Reminders from the patient's own care team, in their language", "adopt"),
]


def _at(day: datetime.date, hour: int, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo(zone))


def populate(*, cycle, organizations=None, today: datetime.date, out) -> None:
    teams = list(
        Team.objects.filter(cycle=cycle).select_related("cohort", "cycle").order_by("slug")
    )
    if not teams:
        out.write("Reporting: skipped (no teams yet).")
        return
    if Update.objects.filter(team__cycle=cycle).exists():
        out.write("Reporting: already there.")
        return
    people: dict[int, dict[str, list[User]]] = {}
    for member in TeamMember.objects.filter(team__in=teams).select_related("user"):
        people.setdefault(member.team_id, {}).setdefault(member.part, []).append(member.user)
    faculty = list(User.objects.filter(role_assignments__role=Role.FACULTY).order_by("email")[:3])
    counts = {"updates": 0, "late": 0, "missing": 0, "reflections": 0, "pdsa": 0, "scores": 0}
    ac_index = 0
    for team in teams:
        rule = dates.rule_from_document(cycle.document, team.cohort.key)
        writers = people.get(team.pk, {}).get("member", [])
        if rule is None or not writers:
            continue
        leaders = [
            *people.get(team.pk, {}).get("senior_leader", []),
            *people.get(team.pk, {}).get("alternate_leader", []),
        ]
        index = ac_index if rule.is_monthly_update else -1
        if rule.is_monthly_update:
            ac_index += 1
        cycles = _pdsa_ramp(team, writers[0], today) if 0 <= index < 3 else []
        counts["pdsa"] += len(cycles)
        _updates(team, rule, index, writers, leaders, faculty, cycles, today, counts)
        if rule.is_monthly_update:
            counts["scores"] += _scores(team, index, writers[0], faculty, today)
    audit_record(actor=None, actor_label=ACTOR_LABEL, action="demo.reporting", after=counts)
    out.write(
        f"Reporting: {counts['updates']} updates ({counts['late']} late, {counts['missing']} "
        f"missing), {counts['reflections']} leader reflections, {counts['pdsa']} PDSA cycles, "
        f"{counts['scores']} progress scores."
    )


def _pdsa_ramp(team: Team, author: User, today: datetime.date) -> list[PdsaCycle]:
    measure = team.measures.order_by("name").first()
    made: list[PdsaCycle] = []
    for step, (idea, decision) in enumerate(RAMP):
        started = add_months(today.replace(day=1), -(6 - 2 * step)) + datetime.timedelta(days=4)
        made.append(
            PdsaCycle.objects.create(
                team=team,
                change_idea=idea,
                measure=measure,
                parent=made[-1] if made else None,
                started_on=started,
                prediction="More patients come back for their follow-up visit within 30 days.",
                plan="Two weeks, one clinic, the patients overdue on the first Monday.",
                done="The outreach team sent the messages; a few numbers were out of date.",
                study="Returns rose for English speakers; less for others."
                if step == 0
                else "Returns rose in every language group.",
                decision=decision,
                created_by=author,
            )
        )
    return made


def _updates(team, rule, index, writers, leaders, faculty, cycles, today, counts) -> None:
    zone = team.cycle.time_zone
    cycle = team.cycle
    starts = [
        s
        for s in dates.period_starts(cycle.starts_on, cycle.ends_on, rule.every_months)
        if dates.due_date(s, rule.every_months, rule.due_day) < today
    ]
    for number, start in enumerate(starts):
        due = dates.due_date(start, rule.every_months, rule.due_day)
        late = rule.is_monthly_update and (index + number) % 5 == 3
        if index == 0 and number == len(starts) - 2:  # the first team missed one month
            counts["missing"] += 1
            continue
        submitted_at = _at(due + datetime.timedelta(days=4 if late else -2), 15, zone)
        with_charts = rule.is_monthly_update
        text = {
            key: values[(number + max(index, 0)) % len(values)] for key, values in TEXTS.items()
        }
        snapshot = charts.snapshot(team, submitted_at.date()) if with_charts else []
        update = Update.objects.create(
            team=team,
            period_start=start,
            period_months=rule.every_months,
            kind=rule.kind,
            due_on=due,
            status=Update.Status.SUBMITTED,
            submitted_at=submitted_at,
            submitted_by=writers[number % len(writers)],
            updated_by=writers[number % len(writers)],
            late=dates.is_late(submitted_at, due, zone),
            charts=snapshot,
            charts_html=charts.snapshot_html(snapshot) if with_charts else "",
            charts_as_of=submitted_at.date() if with_charts else None,
            charts_status=Update.ChartsStatus.READY if with_charts else Update.ChartsStatus.NONE,
            **text,
        )
        update.contributors.set(writers[:2])
        linked = [c for c in cycles if start <= c.started_on < add_months(start, 1)]
        if linked:
            update.pdsa_cycles.set(linked)
        counts["updates"] += 1
        counts["late"] += int(update.late)
        if rule.leader_reply and leaders:
            reflection_due = dates.reflection_due_date(
                due, submitted_at.date(), rule.every_months, rule.reflection_grace_days
            )
            overdue_one = index == 1 and number == len(starts) - 3 and reflection_due < today
            # Every leader has the latest update still to reflect on, as in a real month.
            latest = number == len(starts) - 1
            if (
                not overdue_one
                and not latest
                and submitted_at.date() + datetime.timedelta(days=5) < today
            ):
                leader = leaders[number % len(leaders)]
                LeaderReflection.objects.create(
                    update=update,
                    author=leader,
                    author_part=TeamMember.objects.get(team=team, user=leader).part,
                    text="Thank you for naming the data gaps so plainly. I will take the "
                    "registration question to our executive team this month.",
                )
                counts["reflections"] += 1
        if faculty and number % 4 == 1:
            Comment.objects.create(
                update=update,
                author=faculty[number % len(faculty)],
                text="A run chart by language would show whether the new script helps everyone.",
            )


def _scores(team: Team, index: int, author: User, faculty: list[User], today: datetime.date) -> int:
    cycle = team.cycle
    month, made = cycle.starts_on.replace(day=1), 0
    while month < today.replace(day=1):
        step = made // 2
        team_score = min(Decimal("0.5") + Decimal("0.5") * (step + index % 2), Decimal("4.0"))
        ProgressScore.objects.create(
            team=team,
            month=month,
            rater=ProgressScore.Rater.TEAM,
            score=team_score,
            justification="Our own reading of this month's work and data.",
            rated_by=author,
        )
        if faculty:
            ProgressScore.objects.create(
                team=team,
                month=month,
                rater=ProgressScore.Rater.FACULTY,
                score=max(team_score - Decimal("0.5") * (made % 2), Decimal("0.5")),
                justification="Changes tested; the outcome measure has not moved yet.",
                rated_by=faculty[0],
            )
        made += 1
        month = add_months(month, 1)
    return made
