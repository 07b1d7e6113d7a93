"""Self-assessment pages: the team's results (table and radar chart), answering a round, the
network's distribution (staff) and setting a round's dates (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import form_write
from pursuing_equity.outcomes import charts, rules, selectors_self_assessment, services
from pursuing_equity.outcomes.forms import RoundDatesForm, SelfAssessmentForm
from pursuing_equity.outcomes.views import get_cycle, get_team
from pursuing_equity.teams.models import Team


def _assessment(team: Team):
    assessment = selectors_self_assessment.assessment_of(team.cycle)
    if assessment is None:
        raise Http404("This program has no self-assessment.")
    return assessment


@rule_required(rules.can_view_team_self_assessment, get_object=get_team)
def self_assessment_team(request, slug: str, obj: Team):
    assessment = _assessment(obj)
    today = timezone.localdate()
    results = selectors_self_assessment.team_results(obj, assessment)
    answered = selectors_self_assessment.respondents(obj)
    current = assessment.open_round(today)
    return render(
        request,
        "outcomes/self_assessment_team.html",
        {
            "team": obj,
            "assessment": assessment,
            "table": _table(results, assessment),
            "chart": charts.radar_chart(
                results, assessment, f"{obj.name}: mean score per component and round"
            ),
            "rounds": [(r, answered.get(r.key, 0)) for r in assessment.rounds],
            "current": current,
            "can_answer": current is not None
            and rules.can_answer_self_assessment(request.user, obj),
            "today": today,
        },
    )


def _table(results, assessment):
    """Rows per component: its summaries in round order and the change of the mean from the
    first round answered to the latest (None until two rounds have answers)."""
    by = {(s.round_key, s.component): s for s in results}
    rows = []
    for c in assessment.components:
        cells = [(r, by[(r.key, c.key)]) for r in assessment.rounds]
        means = [s.mean for _, s in cells if s.mean is not None]
        change = round(means[-1] - means[0], 2) if len(means) > 1 else None
        rows.append((c, cells, change))
    return rows


@rule_required(rules.can_answer_self_assessment, get_object=get_team)
def self_assessment_answer(request, slug: str, round_key: str, obj: Team):
    assessment = _assessment(obj)
    current = assessment.round(round_key)
    if current is None:
        raise Http404("No such round.")
    today = timezone.localdate()
    if request.method == "POST":
        form = SelfAssessmentForm(request.POST, assessment=assessment)
        if form_write(
            form,
            lambda data: services.self_assessment_answer(
                actor=request.user,
                team=obj,
                assessment=assessment,
                round_key=round_key,
                answers=data,
                today=today,
            ),
        ):
            messages.success(request, f"Your {current.name.lower()} answers are saved.")
            return redirect("self_assessment_team", obj.slug)
        status = 400
    else:
        form = SelfAssessmentForm(
            initial=selectors_self_assessment.my_answers(obj, round_key, request.user),
            assessment=assessment,
        )
        status = 200
    return render(
        request,
        "outcomes/self_assessment_answer.html",
        {
            "team": obj,
            "assessment": assessment,
            "round": current,
            "open": current.is_open(today),
            "closed": current.has_closed(today),
            "form": form,
        },
        status=status,
    )


@rule_required(rules.can_view_network_self_assessment)
def self_assessment_network(request):
    cycle = get_cycle(request)
    assessment = selectors_self_assessment.assessment_of(cycle)
    if assessment is None:
        raise Http404("This program has no self-assessment.")

    def page() -> dict:
        results = selectors_self_assessment.network_distribution(cycle, assessment)
        answered = selectors_self_assessment.teams_answered(cycle)
        title = "Team means per component and round, across the network"
        return {
            "table": _table(results, assessment),
            "chart": charts.results_chart(results, assessment, title),
            "rounds": [(r, answered.get(r.key, 0)) for r in assessment.rounds],
            "teams": cycle.teams.count(),
        }

    context = {
        "cycle": cycle,
        "assessment": assessment,
        "page": page,
        "today": timezone.localdate(),
    }
    return render(request, "outcomes/self_assessment_network.html", context)


@rule_required(rules.can_set_round_dates)
def self_assessment_round(request, round_key: str):
    cycle = get_cycle(request)
    assessment = selectors_self_assessment.assessment_of(cycle)
    current = assessment.round(round_key) if assessment else None
    if current is None:
        raise Http404("No such round.")
    form = RoundDatesForm(
        request.POST or None,
        initial={"opens_on": current.opens_on, "closes_on": current.closes_on},
    )
    if request.method == "POST" and form_write(
        form,
        lambda data: services.round_dates_set(
            actor=request.user, cycle=cycle, key=round_key, **data
        ),
    ):
        messages.success(request, f"The {current.name.lower()} round's dates are saved.")
        return redirect("self_assessment_network")
    return render(
        request,
        "outcomes/round_dates.html",
        {"round": current, "form": form, "cycle": cycle},
        status=400 if form.errors else 200,
    )
