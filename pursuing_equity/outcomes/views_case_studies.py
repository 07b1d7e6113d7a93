"""Case study pages: the team's list, editing and the approval steps, staff's queue, and the
public gallery with each published case study and its downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import form_write
from pursuing_equity.outcomes import rules, services
from pursuing_equity.outcomes.forms import CaseStudyCreateForm, CaseStudyForm
from pursuing_equity.outcomes.models import CaseStudy
from pursuing_equity.outcomes.views import get_team
from pursuing_equity.teams.models import Team


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
    if done := form_write(
        form,
        lambda data: services.case_study_create(actor=request.user, team=obj, title=data["title"]),
    ):
        case_study = done.value
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
    if request.method == "POST" and form_write(
        form, lambda data: services.case_study_edit(actor=request.user, case_study=obj, **data)
    ):
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
