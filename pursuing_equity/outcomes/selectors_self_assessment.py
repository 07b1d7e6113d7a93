"""Reads of the equity self-assessment: the cycle's assessment with its round dates, a
person's answers, and the scores per component summarised for a team and across the network
(each 1 query)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count

from pursuing_equity.outcomes import program
from pursuing_equity.outcomes.models import Answer, Response, RoundDates
from pursuing_equity.teams.models import Team


def assessment_of(cycle) -> program.Assessment | None:
    """The cycle's self-assessment with the windows staff set (1 query)."""
    overrides = {r.key: (r.opens_on, r.closes_on) for r in RoundDates.objects.filter(cycle=cycle)}
    return program.assessment_for(cycle, overrides)


def my_answers(team: Team, round_key: str, user) -> dict[str, int]:
    return dict(
        Answer.objects.filter(
            response__team=team, response__round_key=round_key, response__person=user
        ).values_list("item_key", "value")
    )


@dataclass(frozen=True)
class Summary:
    """One component in one round: the respondents' (or teams') scores summarised.

    ``mean`` is the arithmetic mean; ``sd`` the sample standard deviation (n − 1 denominator;
    Altman DG, Practical Statistics for Medical Research, 1991, §3.4.3), None below two scores;
    ``low``/``high`` the range, the spread between members that the team discusses.
    """

    round_key: str
    component: str
    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None
    quartiles: tuple[float, float, float] | None = None


def summarise(round_key: str, component: str, scores: Sequence[float]) -> Summary:
    """Mean, sample SD, range and (from four scores) quartiles of ``scores``. Quartiles use the
    inclusive method (Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat
    1996;50:361–365, definition 7), as ``statistics.quantiles(method="inclusive")``."""
    scores = [float(s) for s in scores]
    if not scores:
        return Summary(round_key, component, 0, None, None, None, None)
    quartiles = None
    if len(scores) >= 4:
        q1, q2, q3 = statistics.quantiles(scores, n=4, method="inclusive")
        quartiles = (round(q1, 2), round(q2, 2), round(q3, 2))
    return Summary(
        round_key,
        component,
        len(scores),
        round(statistics.fmean(scores), 2),
        round(statistics.stdev(scores), 2) if len(scores) > 1 else None,
        min(scores),
        max(scores),
        quartiles,
    )


def person_component_scores(answers: Iterable[tuple], assessment: program.Assessment):
    """(round, team, person) → component → the person's mean over the component's items."""
    component_of = {i.key: i.component for i in assessment.items}
    values: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for round_key, team_id, person_id, item_key, value in answers:
        if item_key in component_of:
            values[(round_key, team_id, person_id)][component_of[item_key]].append(value)
    return {
        who: {c: statistics.fmean(v) for c, v in by_component.items()}
        for who, by_component in values.items()
    }


def answers(**filters):
    return Answer.objects.filter(**filters).values_list(
        "response__round_key", "response__team_id", "response__person_id", "item_key", "value"
    )


def team_results(team: Team, assessment: program.Assessment) -> list[Summary]:
    """Each round × component of the team: its members' scores summarised (1 query)."""
    people = person_component_scores(answers(response__team=team), assessment)
    results = []
    for r in assessment.rounds:
        for c in assessment.components:
            scores = [s[c.key] for (rk, _, _), s in people.items() if rk == r.key and c.key in s]
            results.append(summarise(r.key, c.key, scores))
    return results


def respondents(team: Team) -> dict[str, int]:
    """How many people answered, per round (1 query)."""
    return dict(Response.objects.filter(team=team).values_list("round_key").annotate(n=Count("pk")))


def network_distribution(cycle, assessment: program.Assessment) -> list[Summary]:
    """Each round × component across the network: the distribution of the team means (1 query)."""
    people = person_component_scores(answers(response__team__cycle=cycle), assessment)
    team_scores: dict[tuple[str, int, str], list[float]] = defaultdict(list)
    for (round_key, team_id, _), scores in people.items():
        for component, score in scores.items():
            team_scores[(round_key, team_id, component)].append(score)
    results = []
    for r in assessment.rounds:
        for c in assessment.components:
            means = [
                statistics.fmean(v)
                for (rk, _, ck), v in team_scores.items()
                if rk == r.key and ck == c.key
            ]
            results.append(summarise(r.key, c.key, means))
    return results


def teams_answered(cycle) -> dict[str, int]:
    """How many teams have at least one answer, per round (1 query)."""
    return dict(
        Response.objects.filter(team__cycle=cycle)
        .values_list("round_key")
        .annotate(n=Count("team_id", distinct=True))
    )
