"""Milestone pages: a team's milestones (status, evidence, the platform's proposal) and the
network board; staff and coaches confirm a status, the team links evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import add_service_errors
from pursuing_equity.outcomes import rules, selectors_milestones, services
from pursuing_equity.outcomes.forms import (
    PLACEHOLDER,
    EvidenceForm,
    MilestoneStatusForm,
    fields_html,
    with_prefix,
)
from pursuing_equity.outcomes.models import Evidence, Status
from pursuing_equity.outcomes.views import get_team
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.models import Team


def get_evidence(request, slug: str, key: str, pk: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("milestone__team__cohort", "milestone__team__cycle"),
        pk=pk,
        milestone__team__slug=slug,
        milestone__key=key,
    )
    return evidence


def _render_team(request, team: Team, bound: dict | None = None, status: int = 200):
    """The team's milestones; computed only when the kept page is stale (``{% fresh %}``), and
    always for a form shown again with its errors (``bound``, a POST)."""
    user = request.user

    def page() -> dict:
        can_confirm = rules.can_confirm_milestone(user, team)
        can_add = rules.can_add_milestone_evidence(user, team)
        choices = selectors_milestones.evidence_choices(team) if can_add else []
        rows = _milestone_rows(
            team,
            bound or {},
            choices=choices if can_add and any(c for _, c in choices) else None,
            can_confirm=can_confirm,
        )
        return {
            "rows": rows,
            "can_add": can_add,
            "can_confirm": can_confirm,
            "sees_self_assessment": rules.can_view_team_self_assessment(user, team),
            "intro": team.cohort.facts["expected_outcomes"]["paragraphs"],
        }

    return render(request, "outcomes/team.html", {"team": team, "page": page}, status=status)


def _milestone_rows(team: Team, bound: dict, *, choices, can_confirm: bool) -> list[dict]:
    """Each milestone with its evidence (label and link), its status form for those who confirm
    and, given evidence ``choices``, its evidence form: the bound one that failed, else a blank
    one whose select is rendered once for the page (:func:`.forms.with_prefix`)."""
    views = selectors_milestones.milestone_views([team])[team.pk]
    blank = (
        str(EvidenceForm(choices=choices, prefix=f"{PLACEHOLDER}-evidence")["evidence"])
        if choices
        else None
    )
    rows, statuses = [], {}
    for v in views:
        mine = bound.get("key") == v.key
        row = {
            "view": v,
            "evidence": [
                (
                    e,
                    selectors_milestones.evidence_label(e),
                    selectors_milestones.evidence_url(e, team),
                )
                for e in v.evidence
            ],
            "status_form": None,
            "evidence_form": None,
        }
        if can_confirm:
            form = bound.get("status_form") if mine else None
            row["status_form"] = form or _status_form(v, v.key)
            row["status_fields"] = fields_html(form) if form else _blank_status(v, statuses)
        if blank is not None:
            form = bound.get("evidence_form") if mine else None
            row["evidence_form"] = form or EvidenceForm(choices=choices, prefix=f"{v.key}-evidence")
            row["evidence_widget"] = str(form["evidence"]) if form else with_prefix(blank, v.key)
        rows.append(row)
    return rows


def _status_form(v, prefix: str) -> MilestoneStatusForm:
    """The status form of milestone ``v``: its status (the proposed one to confirm), date, note."""
    return MilestoneStatusForm(
        initial={
            "status": v.proposal.status if v.to_confirm else v.status,
            "status_on": v.status_on,
            "note": v.note,
        },
        prefix=prefix,
    )


def _blank_status(v, rendered: dict) -> str:
    """:func:`_status_form`'s fields for ``v``, rendered once per page for each status, date and
    note (most milestones are "not started", with neither) and given ``v``'s prefix."""
    initial = (v.proposal.status if v.to_confirm else v.status, v.status_on, v.note)
    if initial not in rendered:
        rendered[initial] = str(fields_html(_status_form(v, PLACEHOLDER)))
    return with_prefix(rendered[initial], v.key)


@rule_required(rules.can_view_team_milestones, get_object=get_team)
def team_outcomes(request, slug: str, obj: Team):
    return _render_team(request, obj)


@require_POST
@rule_required(rules.can_confirm_milestone, get_object=get_team)
def milestone_status(request, slug: str, key: str, obj: Team):
    form = MilestoneStatusForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            services.milestone_status_set(
                actor=request.user,
                team=obj,
                key=key,
                status=form.cleaned_data["status"],
                status_on=form.cleaned_data["status_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if "key" in getattr(error, "error_dict", {}):
                raise Http404("No such milestone.") from None
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{obj.name}: milestone recorded as {Status(form.cleaned_data['status']).label.lower()}.",
            )
            if request.POST.get("back") == "board":
                cohort = request.POST.get("cohort", "")
                url = reverse("milestone_board") + (
                    f"?cohort={cohort}" if cohort.isidentifier() else ""
                )
                return redirect(url)
            return redirect(reverse("team_outcomes", args=[obj.slug]) + f"#milestone-{key}")
    return _render_team(request, obj, {"key": key, "status_form": form}, status=400)


@require_POST
@rule_required(rules.can_add_milestone_evidence, get_object=get_team)
def milestone_evidence_add(request, slug: str, key: str, obj: Team):
    form = EvidenceForm(
        request.POST, choices=selectors_milestones.evidence_choices(obj), prefix=f"{key}-evidence"
    )
    if form.is_valid():
        kind, pk = form.cleaned_data["evidence"]
        try:
            services.milestone_evidence_add(
                actor=request.user, team=obj, key=key, kind=kind, object_id=pk
            )
        except ValidationError as error:
            if "key" in getattr(error, "error_dict", {}):
                raise Http404("No such milestone.") from None
            add_service_errors(form, error)
        else:
            messages.success(request, "Evidence added.")
            return redirect(reverse("team_outcomes", args=[obj.slug]) + f"#milestone-{key}")
    return _render_team(request, obj, {"key": key, "evidence_form": form}, status=400)


def _evidence_rule(user, evidence: Evidence) -> bool:
    return rules.can_add_milestone_evidence(user, evidence.milestone.team)


_evidence_rule.__name__ = "can_remove_milestone_evidence"


@require_POST
@rule_required(_evidence_rule, get_object=get_evidence)
def milestone_evidence_remove(request, slug: str, key: str, pk: int, obj: Evidence):
    services.milestone_evidence_remove(actor=request.user, evidence=obj)
    messages.success(request, "Evidence removed.")
    return redirect(reverse("team_outcomes", args=[slug]) + f"#milestone-{key}")


@rule_required(rules.can_view_milestone_board)
def milestone_board(request):
    cycle = current_cycle()
    cohorts = list(cycle.cohorts.all()) if cycle else []
    cohort_key = request.GET.get("cohort", "")
    if cohort_key not in {c.key for c in cohorts}:
        cohort_key = ""

    def page() -> dict:
        teams = selectors_milestones.board_teams(request.user, cohort_key)
        views = selectors_milestones.milestone_views(teams)
        groups = []
        for cohort in cohorts:
            mine = [t for t in teams if t.cohort_id == cohort.pk]
            if not mine:
                continue
            definitions = views[mine[0].pk]
            groups.append(
                {
                    "cohort": cohort,
                    "definitions": [v.definition for v in definitions],
                    "teams": [(t, views[t.pk]) for t in mine],
                }
            )
        return {
            "groups": groups,
            "to_confirm": sum(v.to_confirm for t in teams for v in views[t.pk]),
        }

    return render(
        request,
        "outcomes/board.html",
        {
            "cycle": cycle,
            "cohorts": cohorts,
            "cohort_key": cohort_key,
            "page": page,
            "statuses": Status.choices,
        },
    )
