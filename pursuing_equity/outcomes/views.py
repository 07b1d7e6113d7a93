"""Pages of milestones (a team's, the network board) and of the equity self-assessment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import add_service_errors
from pursuing_equity.outcomes import charts, rules, selectors, services
from pursuing_equity.outcomes.forms import (
    CaseStudyCreateForm,
    CaseStudyForm,
    EngagementForm,
    EvidenceForm,
    MilestoneStatusForm,
    PartnerForm,
    PaymentForm,
    RoundDatesForm,
    SelfAssessmentForm,
)
from pursuing_equity.outcomes.models import CaseStudy, Evidence, Partner, Status
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.models import Team


def get_team(request, slug: str, **kwargs) -> Team:
    return get_object_or_404(selectors.TEAMS, slug=slug)


def get_evidence(request, slug: str, key: str, pk: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("milestone__team__cohort", "milestone__team__cycle"),
        pk=pk,
        milestone__team__slug=slug,
        milestone__key=key,
    )
    return evidence


def get_cycle(request, **kwargs):
    cycle = current_cycle()
    if cycle is None:
        raise Http404("No program cycle is loaded.")
    return cycle


# --- milestones --------------------------------------------------------------------------------


def _render_team(request, team: Team, bound: dict | None = None, status: int = 200):
    user = request.user
    bound = bound or {}
    views = selectors.milestone_views([team])[team.pk]
    can_confirm = rules.can_confirm_milestone(user, team)
    can_add = rules.can_add_milestone_evidence(user, team)
    choices = selectors.evidence_choices(team) if can_add else []
    rows = []
    for v in views:
        mine = bound.get("key") == v.key
        status_form = (bound.get("status_form") if mine else None) or MilestoneStatusForm(
            initial={
                "status": v.proposal.status if v.to_confirm else v.status,
                "status_on": v.status_on,
                "note": v.note,
            },
            prefix=v.key,
        )
        evidence_form = (bound.get("evidence_form") if mine else None) or EvidenceForm(
            choices=choices, prefix=f"{v.key}-evidence"
        )
        rows.append(
            {
                "view": v,
                "evidence": [
                    (e, selectors.evidence_label(e), selectors.evidence_url(e, team))
                    for e in v.evidence
                ],
                "status_form": status_form if can_confirm else None,
                "evidence_form": evidence_form if can_add and any(c for _, c in choices) else None,
            }
        )
    return render(
        request,
        "outcomes/team.html",
        {
            "team": team,
            "rows": rows,
            "can_add": can_add,
            "can_confirm": can_confirm,
            "sees_self_assessment": rules.can_view_team_self_assessment(user, team),
            "intro": team.cohort.facts["expected_outcomes"]["paragraphs"],
        },
        status=status,
    )


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
        request.POST, choices=selectors.evidence_choices(obj), prefix=f"{key}-evidence"
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
    teams = selectors.board_teams(request.user, cohort_key)
    views = selectors.milestone_views(teams)
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
    return render(
        request,
        "outcomes/board.html",
        {
            "cycle": cycle,
            "cohorts": cohorts,
            "cohort_key": cohort_key,
            "groups": groups,
            "to_confirm": sum(v.to_confirm for t in teams for v in views[t.pk]),
            "statuses": Status.choices,
        },
    )


# --- the self-assessment -------------------------------------------------------------------------


def _assessment(team: Team):
    assessment = selectors.assessment_of(team.cycle)
    if assessment is None:
        raise Http404("This program has no self-assessment.")
    return assessment


@rule_required(rules.can_view_team_self_assessment, get_object=get_team)
def self_assessment_team(request, slug: str, obj: Team):
    assessment = _assessment(obj)
    today = timezone.localdate()
    results = selectors.team_results(obj, assessment)
    answered = selectors.respondents(obj)
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
        if form.is_valid():
            try:
                services.self_assessment_answer(
                    actor=request.user,
                    team=obj,
                    assessment=assessment,
                    round_key=round_key,
                    answers=form.cleaned_data,
                    today=today,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Your {current.name.lower()} answers are saved.")
                return redirect("self_assessment_team", obj.slug)
        status = 400
    else:
        form = SelfAssessmentForm(
            initial=selectors.my_answers(obj, round_key, request.user), assessment=assessment
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
    assessment = selectors.assessment_of(cycle)
    if assessment is None:
        raise Http404("This program has no self-assessment.")
    results = selectors.network_distribution(cycle, assessment)
    answered = selectors.teams_answered(cycle)
    return render(
        request,
        "outcomes/self_assessment_network.html",
        {
            "cycle": cycle,
            "assessment": assessment,
            "table": _table(results, assessment),
            "chart": charts.results_chart(
                results, assessment, "Team means per component and round, across the network"
            ),
            "rounds": [(r, answered.get(r.key, 0)) for r in assessment.rounds],
            "teams": cycle.teams.count(),
            "today": timezone.localdate(),
        },
    )


@rule_required(rules.can_set_round_dates)
def self_assessment_round(request, round_key: str):
    cycle = get_cycle(request)
    assessment = selectors.assessment_of(cycle)
    current = assessment.round(round_key) if assessment else None
    if current is None:
        raise Http404("No such round.")
    form = RoundDatesForm(
        request.POST or None,
        initial={"opens_on": current.opens_on, "closes_on": current.closes_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.round_dates_set(
                actor=request.user, cycle=cycle, key=round_key, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {current.name.lower()} round's dates are saved.")
            return redirect("self_assessment_network")
    return render(
        request,
        "outcomes/round_dates.html",
        {"round": current, "form": form, "cycle": cycle},
        status=400 if form.errors else 200,
    )


# --- community partnership and lived experience ---------------------------------------------------


def get_partner(request, slug: str, pk: int, **kwargs) -> Partner:
    return get_object_or_404(
        Partner.objects.select_related("team__cycle", "team__cohort"), pk=pk, team__slug=slug
    )


KEEP_NAME = "Not shown while the person has not consented; leave empty to keep it, or retype it."


def _partner_rule(user, partner: Partner) -> bool:
    return rules.can_record_partnership(user, partner.team)


_partner_rule.__name__ = "can_record_partnership"


def _render_partners(request, team: Team, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    partners, totals = selectors.team_partnership(team)
    can_record = rules.can_record_partnership(request.user, team)
    rows = []
    for p in partners:
        mine = forms.get("pk") == p.pk
        rows.append(
            {
                "partner": p,
                "engagement_form": (forms.get("engagement_form") if mine else None)
                or EngagementForm(prefix=f"e{p.pk}"),
                "payment_form": (forms.get("payment_form") if mine else None)
                or PaymentForm(prefix=f"p{p.pk}"),
            }
        )
    return render(
        request,
        "outcomes/partners_team.html",
        {
            "team": team,
            "rows": rows,
            "totals": totals,
            "can_record": can_record,
            "partner_form": forms.get("partner_form") or PartnerForm(team=team),
        },
        status=status,
    )


@rule_required(rules.can_view_team_partners, get_object=get_team)
def team_partners(request, slug: str, obj: Team):
    return _render_partners(request, obj)


@require_POST
@rule_required(rules.can_record_partnership, get_object=get_team)
def partner_add(request, slug: str, obj: Team):
    form = PartnerForm(request.POST, team=obj)
    if form.is_valid():
        try:
            partner = services.partner_save(actor=request.user, team=obj, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{partner.label} recorded as a partner.")
            return redirect(reverse("team_partners", args=[obj.slug]) + f"#partner-{partner.pk}")
    return _render_partners(request, obj, {"partner_form": form}, status=400)


@rule_required(_partner_rule, get_object=get_partner)
def partner_edit(request, slug: str, pk: int, obj: Partner):
    team = obj.team
    initial = {
        "kind": obj.kind,
        "name": obj.name if obj.named else "",
        "role": obj.role,
        "consent_on": obj.consent_on,
        "user": obj.user_id,
    }
    form = PartnerForm(request.POST or None, team=team, initial=initial)
    if not obj.named:
        form.fields["name"].required = False
        form.fields["name"].help_text = KEEP_NAME
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not obj.named and not data["name"]:
            data["name"] = obj.name
        try:
            services.partner_save(actor=request.user, team=team, partner=obj, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Partner record saved.")
            return redirect(reverse("team_partners", args=[team.slug]) + f"#partner-{obj.pk}")
    return render(
        request,
        "outcomes/partner_edit.html",
        {"team": team, "partner": obj, "form": form},
        status=400 if form.errors else 200,
    )


def _record(request, obj: Partner, form, service, field: str, what: str):
    if form.is_valid():
        try:
            service(actor=request.user, partner=obj, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{what} recorded for {obj.label}.")
            return redirect(reverse("team_partners", args=[obj.team.slug]) + f"#partner-{obj.pk}")
    return _render_partners(request, obj.team, {"pk": obj.pk, field: form}, status=400)


@require_POST
@rule_required(_partner_rule, get_object=get_partner)
def engagement_add(request, slug: str, pk: int, obj: Partner):
    form = EngagementForm(request.POST, prefix=f"e{obj.pk}")
    return _record(request, obj, form, services.engagement_add, "engagement_form", "Engagement")


@require_POST
@rule_required(_partner_rule, get_object=get_partner)
def payment_add(request, slug: str, pk: int, obj: Partner):
    form = PaymentForm(request.POST, prefix=f"p{obj.pk}")
    return _record(request, obj, form, services.payment_add, "payment_form", "Payment")


def get_partner_record(request, slug: str, pk: int, kind: str, record: int):
    from pursuing_equity.outcomes.models import Engagement, Payment

    model = {"engagements": Engagement, "payments": Payment}.get(kind)
    if model is None:
        raise Http404("No such record.")
    return get_object_or_404(
        model.objects.select_related("partner__team"),
        pk=record,
        partner_id=pk,
        partner__team__slug=slug,
    )


def _record_rule(user, record) -> bool:
    return rules.can_record_partnership(user, record.partner.team)


_record_rule.__name__ = "can_record_partnership"


@require_POST
@rule_required(_record_rule, get_object=get_partner_record)
def partner_record_remove(request, slug: str, pk: int, kind: str, record: int, obj):
    services.partner_record_remove(actor=request.user, record=obj)
    messages.success(request, "Removed. The audit log keeps what it was.")
    return redirect(reverse("team_partners", args=[slug]) + f"#partner-{pk}")


@rule_required(rules.can_view_network_partnership)
def partnership_network(request):
    cycle = get_cycle(request)
    rows, totals = selectors.network_partnership(cycle)
    return render(
        request,
        "outcomes/partners_network.html",
        {"cycle": cycle, "rows": rows, "totals": totals},
    )


@rule_required(rules.can_view_network_partnership)
def partnership_export(request, fmt: str):
    from pursuing_equity.measures.exports import csv_response, xlsx_response

    cycle = get_cycle(request)
    tables = selectors.finance_tables(cycle)
    name = f"lived-experience-{cycle.slug}"
    if fmt == "xlsx":
        return xlsx_response(tables, f"{name}.xlsx")
    if fmt == "csv":
        return csv_response(tables["Payments"], f"{name}-payments.csv")
    raise Http404("Download as xlsx or csv.")


# --- the program report -----------------------------------------------------------------------


@rule_required(rules.can_view_program_report)
def program_report(request):
    from pursuing_equity.outcomes import report

    built = report.program_report(get_cycle(request), timezone.localdate())
    return render(
        request,
        "outcomes/program_report.html",
        {
            "report": built,
            "suppression_note": report.suppression_note(built),
            "case_studies": report.published_case_studies(),
        },
    )


@rule_required(rules.can_view_program_report)
def program_report_download(request, fmt: str):
    from django.http import HttpResponse

    from pursuing_equity.measures.exports import xlsx_response
    from pursuing_equity.outcomes import report

    if fmt not in ("pdf", "xlsx"):
        raise Http404("Download as pdf or xlsx.")
    cycle = get_cycle(request)
    built = report.program_report(cycle, timezone.localdate())
    name = f"program-report-{cycle.slug}"
    if fmt == "xlsx":
        return xlsx_response(report.report_tables(built), f"{name}.xlsx")
    response = HttpResponse(report.report_pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# --- case studies ---------------------------------------------------------------------------------


def get_case_study(request, pk: int, **kwargs) -> CaseStudy:
    return get_object_or_404(
        CaseStudy.objects.select_related("team__cycle", "team__cohort", "team__organization"),
        pk=pk,
    )


def _can_act(user, case_study: CaseStudy) -> bool:
    from pursuing_equity.outcomes.case_studies import available

    return bool(available(user, case_study))


_can_act.__name__ = "can_act_on_case_study"


@rule_required(rules.can_list_team_case_studies, get_object=get_team)
def team_case_studies(request, slug: str, obj: Team):
    return render(
        request,
        "outcomes/case_studies_team.html",
        {
            "team": obj,
            "case_studies": obj.case_studies.order_by("-updated_at"),
            "form": CaseStudyCreateForm()
            if rules.can_create_case_study(request.user, obj)
            else None,
        },
    )


@require_POST
@rule_required(rules.can_create_case_study, get_object=get_team)
def case_study_create(request, slug: str, obj: Team):
    form = CaseStudyCreateForm(request.POST)
    if form.is_valid():
        try:
            case_study = services.case_study_create(
                actor=request.user, team=obj, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Case study started from your team's data: edit it below.")
            return redirect("case_study_edit", case_study.pk)
    return render(
        request,
        "outcomes/case_studies_team.html",
        {"team": obj, "case_studies": obj.case_studies.all(), "form": form},
        status=400,
    )


def _case_study_context(case_study: CaseStudy) -> dict:
    from pursuing_equity.core.markdown import render_markdown

    return {
        "case_study": case_study,
        "sections": [
            (label, render_markdown(getattr(case_study, field)))
            for field, label in (
                ("aim", "Aim"),
                ("summary", "Summary"),
                ("changes", "Changes tested"),
                ("learning", "What the team learned"),
                ("quotes", "In their words"),
            )
            if getattr(case_study, field).strip()
        ],
    }


@rule_required(rules.can_view_case_study, get_object=get_case_study)
def case_study_detail(request, pk: int, obj: CaseStudy):
    from pursuing_equity.outcomes.case_studies import available

    return render(
        request,
        "outcomes/case_study_detail.html",
        {
            **_case_study_context(obj),
            "transitions": available(request.user, obj),
            "can_edit": rules.can_edit_case_study(request.user, obj),
            "can_list": rules.can_list_team_case_studies(request.user, obj.team),
        },
    )


@rule_required(rules.can_edit_case_study, get_object=get_case_study)
def case_study_edit(request, pk: int, obj: CaseStudy):
    fields = ["title", "aim", "summary", "changes", "learning", "quotes"]
    form = CaseStudyForm(request.POST or None, initial={f: getattr(obj, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_study_edit(actor=request.user, case_study=obj, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Case study saved.")
            return redirect("case_study_detail", obj.pk)
    return render(
        request,
        "outcomes/case_study_edit.html",
        {"case_study": obj, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@rule_required(_can_act, get_object=get_case_study)
def case_study_transition(request, pk: int, action: str, obj: CaseStudy):
    try:
        case_study = services.case_study_transition(
            actor=request.user, case_study=obj, action=action, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"The case study is now: {case_study.get_state_display().lower()}."
        )
    return redirect("case_study_detail", obj.pk)


@rule_required(rules.can_view_case_study_queue)
def case_study_queue(request):
    return render(
        request,
        "outcomes/case_study_queue.html",
        {
            "waiting": CaseStudy.objects.filter(state=CaseStudy.State.STAFF_REVIEW).select_related(
                "team"
            ),
            "others": CaseStudy.objects.exclude(state=CaseStudy.State.STAFF_REVIEW).select_related(
                "team"
            ),
        },
    )


def _published(pk: int) -> CaseStudy:
    return get_object_or_404(
        CaseStudy.objects.select_related("team__cohort", "team__organization"),
        pk=pk,
        state=CaseStudy.State.PUBLISHED,
    )


def case_study_gallery(request):
    """Public: every published case study."""
    return render(
        request,
        "outcomes/case_study_gallery.html",
        {
            "case_studies": CaseStudy.objects.filter(
                state=CaseStudy.State.PUBLISHED
            ).select_related("team__cohort")
        },
    )


def case_study_public(request, pk: int):
    """Public: one published case study (404 for anything not published)."""
    return render(request, "outcomes/case_study_public.html", _case_study_context(_published(pk)))


def case_study_download(request, pk: int, fmt: str):
    """Public: a published case study as one self-contained HTML file or a PDF (charts as SVG)."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    case_study = _published(pk)
    if fmt not in ("pdf", "html"):
        raise Http404("Download as pdf or html.")
    html = render_to_string("outcomes/case_study_export.html", _case_study_context(case_study))
    name = f"case-study-{case_study.pk}"
    if fmt == "html":
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    else:
        from weasyprint import HTML

        from pursuing_equity.core.urls import absolute_url

        pdf = HTML(string=html, base_url=absolute_url("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
