"""Teams, people, measures with data and updates for the reporting tests.

The cycle is the real program file with demo dates (today in its ninth month), so that reporting
periods have started and some are overdue, whatever day the tests run.
"""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

from django.utils import timezone

from pursuing_equity.accounts.models import Role
from pursuing_equity.accounts.tests.factories import OrganizationFactory, person
from pursuing_equity.measures.models import Measure, StratumCount, Submission, Upload
from pursuing_equity.programs.dates import add_months
from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.tests.factories import load_demo_cycle
from pursuing_equity.reporting import dates, services
from pursuing_equity.reporting.models import Update
from pursuing_equity.teams.models import SmallCohort, Team, TeamMember

_numbers = itertools.count(1)

ROLE_OF_PART = {
    TeamMember.Part.MEMBER: Role.TEAM_MEMBER,
    TeamMember.Part.SENIOR_LEADER: Role.SENIOR_LEADER,
    TeamMember.Part.ALTERNATE_LEADER: Role.SENIOR_LEADER,
    TeamMember.Part.COMMUNITY_PARTNER: Role.COMMUNITY_PARTNER,
}


def cycle() -> Cycle:
    return Cycle.objects.first() or load_demo_cycle(timezone.localdate())


def small_cohort(name: str | None = None, coach=None) -> SmallCohort:
    c = cycle()
    return SmallCohort.objects.create(
        cycle=c,
        cohort=c.cohorts.get(key="learning_network"),
        name=name or f"Small cohort {next(_numbers)}",
        coach=coach,
    )


def team(cohort_key: str = "action_community", **fields) -> Team:
    c = cycle()
    n = next(_numbers)
    organization = fields.pop("organization", None) or OrganizationFactory()
    return Team.objects.create(
        cycle=c,
        cohort=c.cohorts.get(key=cohort_key),
        organization=organization,
        name=fields.pop("name", f"Team {n}"),
        slug=fields.pop("slug", f"team-{n}"),
        **fields,
    )


def member(team: Team, part: str = TeamMember.Part.MEMBER, **kwargs):
    """A verified person on ``team`` holding the program role that goes with ``part``."""
    user = person(ROLE_OF_PART[part], team.organization, **kwargs)
    TeamMember.objects.create(team=team, user=user, part=part)
    return user


def measure(team: Team, **fields) -> Measure:
    defaults = {
        "name": f"Blood pressure control {next(_numbers)}",
        "focus_area": "hypertension_control",
        "numerator_definition": "Patients whose last blood pressure was below 140/90",
        "denominator_definition": "Patients 18–85 with hypertension",
        "stratifiers": ["race_ethnicity"],
    }
    defaults.update(fields)
    defaults.setdefault("slug", defaults["name"].lower().replace(" ", "-"))
    return Measure.objects.create(team=team, **defaults)


def counts(measure: Measure, period: datetime.date, rows: dict[str, tuple[int, int]]) -> None:
    """Confirmed counts of one period: group → (numerator, denominator), race and ethnicity."""
    upload = Upload.objects.create(measure=measure, source="grid", status="confirmed", rows=[])
    submission = Submission.objects.create(
        measure=measure, period=period, version=1, source="grid", upload=upload
    )
    for group, (numerator, denominator) in rows.items():
        StratumCount.objects.create(
            submission=submission,
            stratifier="race_ethnicity",
            group=group,
            numerator=numerator,
            denominator=denominator,
        )


def started_period(team: Team, months_ago: int = 1) -> datetime.date:
    """The first day of the month ``months_ago`` months before this one (AC: a period)."""
    return add_months(timezone.localdate().replace(day=1), -months_ago)


def update(
    team: Team,
    actor,
    period_start: datetime.date | None = None,
    *,
    submit: bool = False,
    now: datetime.datetime | None = None,
    **text,
) -> Update:
    fields = {
        "progress": "We tested a new outreach script.",
        "challenges": "Staffing in the clinic.",
        "learning": "Patients prefer text messages.",
    }
    fields.update(text)
    return services.update_save(
        actor=actor,
        team=team,
        period_start=period_start or started_period(team),
        version=None,
        submit=submit,
        now=now,
        **fields,
    )


def on_due_day(team: Team, period_start: datetime.date) -> datetime.datetime:
    """Noon, New York time, on the day the period's update is due: just in time."""
    rule = services.rule_of(team)
    due = dates.due_date(period_start, rule.every_months, rule.due_day)
    return datetime.datetime.combine(due, datetime.time(12), tzinfo=ZoneInfo(team.cycle.time_zone))
