"""Data for the dashboard tests: synthetic counts, a network of teams that share (or not), people."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from equitystats import synth
from pursuing_equity.accounts.models import Role, User
from pursuing_equity.accounts.tests.factories import person
from pursuing_equity.measures import services
from pursuing_equity.measures.models import Measure, Upload
from pursuing_equity.measures.selectors import CountRow
from pursuing_equity.measures.tests.factories import TeamFactory, measure, member
from pursuing_equity.programs.models import Cohort
from pursuing_equity.teams.models import SmallCohort, Team, TeamMember


def synthetic_rows(
    *,
    months: int = 18,
    seed: int = 1,
    start: str = "2024-01",
    strata: tuple[str, ...] = ("race_ethnicity", "language"),
    patients: tuple[int, int] = (600, 900),
    closing: bool = True,
    completeness: str = "poor",
) -> list[CountRow]:
    """Per period: the total and every group of each stratifier (equitystats.synth, one team)."""
    data = synth.counts(
        teams=1,
        measures={"Blood pressure control": 0.6},
        months=months,
        strata=strata,
        seed=seed,
        closing=closing,
        completeness=completeness,
        patients=patients,
        start=start,
    )
    cols = data.columns()
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for i in range(len(data)):
        day = datetime.date.fromisoformat(str(cols["month"][i]))
        keys = [(day, "overall", "all")] + [(day, s, str(cols[s][i])) for s in strata]
        for key in keys:
            acc[key][0] += int(data.numerator[i])
            acc[key][1] += int(data.denominator[i])
    return [CountRow(k[0], k[1], k[2], v[0], v[1]) for k, v in sorted(acc.items())]


def submit(measure: Measure, rows: list[CountRow], actor) -> None:
    """Store ``rows`` as confirmed data the way the team's upload does (the confirm service)."""
    upload = Upload.objects.create(
        measure=measure,
        source=Upload.Source.GRID,
        uploaded_by=actor,
        rows=[
            {
                "period": r.period.isoformat(),
                "stratifier": r.stratifier,
                "group": r.group,
                "numerator": r.numerator,
                "denominator": r.denominator,
            }
            for r in rows
        ],
    )
    services.submission_confirm(upload=upload, actor=actor)


@dataclass
class World:
    """Two Action Community teams, three Learning Network teams in two small cohorts, people."""

    ac_team: Team  # the team whose measure everyone tries to read
    ac_peer: Team
    ln_a: Team
    ln_a_peer: Team
    ln_b: Team
    measure: Measure
    ln_measure: Measure
    people: dict[str, User | None]


def _ln_team(small: SmallCohort) -> Team:
    ln = Cohort.objects.get(cycle=small.cycle, key="learning_network")
    return TeamFactory(cycle=small.cycle, cohort=ln, small_cohort=small)


def make_world(*, months: int = 18, totp: bool = True) -> World:
    """The sharing world; ``totp=False`` gives staff and reviewers no authenticator (browser sign-in)."""
    ac_team = TeamFactory()
    ac_peer = TeamFactory()
    cycle = ac_team.cycle
    ln = Cohort.objects.get(cycle=cycle, key="learning_network")
    coach_small = person(Role.FACULTY)
    small_a = SmallCohort.objects.create(
        cycle=cycle, cohort=ln, name="Small cohort A", coach=coach_small
    )
    small_b = SmallCohort.objects.create(cycle=cycle, cohort=ln, name="Small cohort B")
    ln_a, ln_a_peer, ln_b = _ln_team(small_a), _ln_team(small_a), _ln_team(small_b)
    coach = person(Role.FACULTY)
    ac_team.coach = coach
    ac_team.save()
    owner = member(ac_team)
    ln_owner = member(ln_a)
    people: dict[str, User | None] = {
        "anonymous": None,
        "team_member": owner,
        "senior_leader": member(ac_team, TeamMember.Part.SENIOR_LEADER),
        "community_partner": member(ac_team, TeamMember.Part.COMMUNITY_PARTNER),
        "ac_peer": member(ac_peer),
        "ln_member": ln_owner,
        "ln_small_cohort_peer": member(ln_a_peer),
        "ln_other_small_cohort": member(ln_b),
        "coach": coach,
        "small_cohort_coach": coach_small,
        "other_faculty": person(Role.FACULTY),
        "staff": person(Role.PROGRAM_STAFF, totp=totp),
        "reviewer": person(Role.REVIEWER, totp=totp),
        "funder": person(Role.FUNDER),
        "applicant": person(),
    }
    m = measure(ac_team, owner)
    submit(m, synthetic_rows(months=months), owner)
    ln_m = measure(
        ln_a, ln_owner, name="Colorectal cancer screening", focus_area="colorectal_cancer_screening"
    )
    submit(ln_m, synthetic_rows(months=months, seed=7), ln_owner)
    return World(ac_team, ac_peer, ln_a, ln_a_peer, ln_b, m, ln_m, people)
