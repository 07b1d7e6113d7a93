"""The program report (staff and funders): the page and its PDF and XLSX downloads."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.outcomes import rules
from pursuing_equity.outcomes.views import get_cycle


@rule_required(rules.can_view_program_report)
def program_report(request):
    from pursuing_equity.outcomes import report

    cycle, day = get_cycle(request), timezone.localdate()

    def page() -> dict:
        built = report.program_report(cycle, day)
        return {
            "report": built,
            "suppression_note": report.suppression_note(built),
            "case_studies": report.published_case_studies(),
        }

    return render(request, "outcomes/program_report.html", {"page": page, "today": day})


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
