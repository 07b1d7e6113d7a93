"""Data-entry pages: define measures and aims, download the template, submit and confirm data,
see and restore versions. Only the team's own members see these (unsuppressed) numbers."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import act
from pursuing_equity.measures import categories, periods, selectors, services, template_files
from pursuing_equity.measures.checks import Record
from pursuing_equity.measures.forms import (
    AimForm,
    GridFormSet,
    GridPeriodForm,
    MeasureForm,
    UploadForm,
    grid_initial,
)
from pursuing_equity.measures.models import (
    OVERALL,
    Aim,
    DataConnection,
    Measure,
    Submission,
    Upload,
)
from pursuing_equity.measures.rules import (
    can_edit_measure,
    can_edit_team_measures,
    can_view_measure_data,
    can_view_team_data,
)
from pursuing_equity.teams.models import Team


def get_team(request, team_slug: str, **kwargs) -> Team:
    return get_object_or_404(Team.objects.select_related("cohort", "small_cohort"), slug=team_slug)


def get_measure(request, team_slug: str, measure_slug: str, **kwargs) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("team", "team__cohort"),
        team__slug=team_slug,
        slug=measure_slug,
    )


def _measure_url(measure: Measure, name: str = "measure_data", **kwargs) -> str:
    return reverse(
        name, kwargs={"team_slug": measure.team.slug, "measure_slug": measure.slug, **kwargs}
    )


def _rate(x: int, n: int) -> str:
    return f"{100 * x / n:.1f}%" if n else "—"


# --- measures ------------------------------------------------------------------------------------


@rule_required(can_view_team_data, get_object=get_team)
def measure_list(request, team_slug: str, obj: Team):
    return render(
        request,
        "measures/measure_list.html",
        {
            "team": obj,
            "measures": selectors.measures_of_team(obj),
            "can_edit": can_edit_team_measures(request.user, obj),
        },
    )


def _measure_form(request, team: Team, measure: Measure | None):
    form = MeasureForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.cleaned_data["service_fields"]
            if measure is None:
                measure = services.measure_define(team=team, actor=request.user, **fields)
                messages.success(
                    request, f"Measure “{measure.name}” defined. Next: download its template."
                )
            else:
                measure = services.measure_update(measure=measure, actor=request.user, **fields)
                messages.success(request, "Measure saved.")
            return redirect(_measure_url(measure))
        except ValidationError as exc:
            _errors_to_form(form, exc)
    return render(
        request, "measures/measure_form.html", {"form": form, "team": team, "measure": measure}
    )


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            if field in ("reference_groups",):
                target = "custom_stratifiers"
            if field == "__all__" or field in ("team", "slug"):
                target = "name" if any("name" in e.lower() for e in errors) else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@rule_required(can_edit_team_measures, get_object=get_team)
def measure_create(request, team_slug: str, obj: Team):
    return _measure_form(request, obj, None)


@rule_required(can_edit_measure, get_object=get_measure)
def measure_edit(request, team_slug: str, measure_slug: str, obj: Measure):
    return _measure_form(request, obj.team, obj)


@rule_required(can_view_measure_data, get_object=get_measure)
def measure_data(request, team_slug: str, measure_slug: str, obj: Measure):
    """The measure's data: per period its current version and earlier ones; pending uploads."""

    def page() -> dict:
        return {
            "periods": _period_entries(obj),
            "pending": list(selectors.pending_uploads(obj)),
            "aims": list(obj.aims.all()),
            "connection": DataConnection.objects.filter(measure=obj).first(),
            "can_edit": can_edit_measure(request.user, obj),
            "stratifier_labels": [obj.stratifier_label(s) for s in obj.stratifiers],
        }

    return render(
        request,
        "measures/measure_data.html",
        {"measure": obj, "team": obj.team, "page": page},
    )


def _period_entries(measure: Measure) -> list[dict]:
    entries = selectors.periods_with_versions(measure)
    for entry in entries:
        entry["label"] = periods.label(entry["period"], measure.frequency)
        entry["text"] = periods.text(entry["period"], measure.frequency)
    return entries


# --- template --------------------------------------------------------------------------------------


@rule_required(can_view_measure_data, get_object=get_measure)
def measure_template(request, team_slug: str, measure_slug: str, fmt: str, obj: Measure):
    today = timezone.localdate()
    if fmt == "csv":
        body, content_type = template_files.as_csv(obj, today), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = template_files.as_xlsx(obj, today)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{template_files.filename(obj, fmt)}"'
    return response


# --- submitting data --------------------------------------------------------------------------------


def _upload(request, measure: Measure, source: str, template: str, accept: str):
    form = UploadForm(request.POST or None, request.FILES or None, accept=accept)
    checked = None
    if request.method == "POST" and form.is_valid():
        checked, upload = services.submission_validate(
            measure=measure, actor=request.user, source=source, file=form.cleaned_data["file"]
        )
        if upload is not None:
            return redirect(_measure_url(measure, "measure_upload_preview", upload_id=upload.pk))
    return render(
        request,
        template,
        {"measure": measure, "team": measure.team, "form": form, "checked": checked},
        status=422 if checked is not None else 200,
    )


@rule_required(can_edit_measure, get_object=get_measure)
def measure_upload_counts(request, team_slug: str, measure_slug: str, obj: Measure):
    return _upload(request, obj, Upload.Source.COUNTS, "measures/upload_counts.html", ".csv,.xlsx")


@rule_required(can_edit_measure, get_object=get_measure)
def measure_upload_extract(request, team_slug: str, measure_slug: str, obj: Measure):
    return _upload(
        request, obj, Upload.Source.EXTRACT, "measures/upload_extract.html", ".csv,.parquet"
    )


@rule_required(can_edit_measure, get_object=get_measure)
def measure_grid(request, team_slug: str, measure_slug: str, obj: Measure):
    """Type the counts of one period; a GET with ?period= prefills from its current version."""
    measure = obj
    period_form = GridPeriodForm(request.POST or request.GET or None, measure=measure)
    period = (
        period_form.cleaned_data["period"]
        if period_form.is_bound and period_form.is_valid()
        else None
    )
    problems = []
    if request.method == "POST":
        formset = GridFormSet(request.POST, prefix="rows")
        if formset.is_valid() and period is not None:
            records = [
                Record(
                    i + 1,
                    {
                        "period": period,
                        "stratifier": f.cleaned_data.get("stratifier"),
                        "group": f.cleaned_data.get("group"),
                        "numerator": f.cleaned_data.get("numerator"),
                        "denominator": f.cleaned_data.get("denominator"),
                    },
                )
                for i, f in enumerate(formset.forms)
            ]
            checked, upload = services.submission_validate(
                measure=measure, actor=request.user, source=Upload.Source.GRID, records=records
            )
            if upload is not None:
                return redirect(
                    _measure_url(measure, "measure_upload_preview", upload_id=upload.pk)
                )
            for problem in checked.problems:
                if (
                    problem.row
                    and problem.row <= len(formset.forms)
                    and problem.column in ("numerator", "denominator")
                ):
                    formset.forms[problem.row - 1].add_error(problem.column, problem.message)
                else:
                    problems.append(problem.message)
    else:
        counts = selectors.period_counts(measure, period) if period is not None else {}
        formset = GridFormSet(initial=grid_initial(measure, counts), prefix="rows")
    rows = []
    for form in formset.forms:
        strat = form["stratifier"].value()
        group = form["group"].value()
        rows.append(
            {
                "form": form,
                "stratifier": strat,
                "stratifier_label": measure.stratifier_label(strat),
                "group_label": categories.group_label(measure, strat, group),
                "first": not rows or rows[-1]["stratifier"] != strat,
            }
        )
    template = (
        "measures/_grid_rows.html" if request.headers.get("HX-Request") else "measures/grid.html"
    )
    return render(
        request,
        template,
        {
            "measure": measure,
            "team": measure.team,
            "period_form": period_form,
            "period": period,
            "formset": formset,
            "rows": rows,
            "problems": problems,
        },
        status=422 if request.method == "POST" else 200,
    )


def get_upload(request, team_slug: str, measure_slug: str, upload_id: int, **kwargs) -> Upload:
    return get_object_or_404(
        Upload.objects.select_related("measure", "measure__team", "uploaded_by"),
        pk=upload_id,
        measure__slug=measure_slug,
        measure__team__slug=team_slug,
    )


def _can_view_upload(user, upload: Upload) -> bool:
    return can_view_measure_data(user, upload.measure)


def _can_decide_upload(user, upload: Upload) -> bool:
    return can_edit_measure(user, upload.measure)


def _preview(measure: Measure, rows: list[dict]) -> list[dict]:
    """Per period: the rows with rates, grouped by stratifier, and what version it will become."""
    current = dict(
        Submission.objects.filter(measure=measure, is_current=True).values_list("period", "version")
    )
    by_period: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_period[row["period"]].append(
            {
                **row,
                "stratifier_label": measure.stratifier_label(row["stratifier"]),
                "group_label": categories.group_label(measure, row["stratifier"], row["group"]),
                "rate": _rate(row["numerator"], row["denominator"]),
            }
        )
    out = []
    for text, items in sorted(by_period.items()):
        day = datetime.date.fromisoformat(text)
        out.append(
            {
                "period": day,
                "label": periods.label(day, measure.frequency),
                "rows": items,
                "replaces": current.get(day),
                "overall": next((r for r in items if r["stratifier"] == OVERALL), None),
            }
        )
    return out


@rule_required(_can_view_upload, get_object=get_upload)
def measure_upload_preview(request, team_slug: str, measure_slug: str, upload_id: int, obj: Upload):
    upload = obj
    return render(
        request,
        "measures/upload_preview.html",
        {
            "measure": upload.measure,
            "team": upload.measure.team,
            "upload": upload,
            "preview": _preview(upload.measure, upload.rows),
            "can_edit": _can_decide_upload(request.user, upload),
        },
    )


@require_POST
@rule_required(_can_decide_upload, get_object=get_upload)
def measure_upload_decide(request, team_slug: str, measure_slug: str, upload_id: int, obj: Upload):
    action = request.POST.get("action")
    try:
        if action == "confirm":
            created = services.submission_confirm(upload=obj, actor=request.user)
            messages.success(
                request,
                f"Saved {len(created)} period{'s' if len(created) != 1 else ''}: "
                + ", ".join(
                    f"{periods.label(s.period, obj.measure.frequency)} (version {s.version})"
                    for s in created
                ),
            )
        elif action == "discard":
            services.upload_discard(upload=obj, actor=request.user)
            messages.info(request, "Upload discarded; nothing was saved.")
        else:
            messages.error(request, "Choose Confirm or Discard.")
            return redirect(_measure_url(obj.measure, "measure_upload_preview", upload_id=obj.pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_measure_url(obj.measure))


# --- versions ------------------------------------------------------------------------------------


def get_submission(
    request, team_slug: str, measure_slug: str, submission_id: int, **kwargs
) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related(
            "measure", "measure__team", "created_by", "upload", "restored_from"
        ),
        pk=submission_id,
        measure__slug=measure_slug,
        measure__team__slug=team_slug,
    )


@rule_required(
    lambda user, sub: can_view_measure_data(user, sub.measure), get_object=get_submission
)
def measure_submission(
    request, team_slug: str, measure_slug: str, submission_id: int, obj: Submission
):
    measure = obj.measure
    rows = [
        {
            "stratifier": c.stratifier,
            "group": c.group,
            "numerator": c.numerator,
            "denominator": c.denominator,
        }
        for c in obj.counts.all()
    ]
    for row in rows:
        row["period"] = obj.period.isoformat()
    order = {key: i for i, key in enumerate([OVERALL, *measure.stratifiers])}
    rows.sort(key=lambda r: (order.get(r["stratifier"], 99), r["group"]))
    return render(
        request,
        "measures/submission_detail.html",
        {
            "measure": measure,
            "team": measure.team,
            "submission": obj,
            "label": periods.label(obj.period, measure.frequency),
            "preview": _preview(measure, rows),
            "can_edit": can_edit_measure(request.user, measure),
        },
    )


@require_POST
@rule_required(lambda user, sub: can_edit_measure(user, sub.measure), get_object=get_submission)
def measure_submission_restore(
    request, team_slug: str, measure_slug: str, submission_id: int, obj: Submission
):
    return act(
        request,
        lambda: services.submission_restore(submission=obj, actor=request.user),
        success=lambda new: (
            f"Version {obj.version} of {periods.label(obj.period, obj.measure.frequency)} "
            f"restored as version {new.version}."
        ),
        redirect_to=_measure_url(obj.measure),
    )


# --- aims ------------------------------------------------------------------------------------------


def get_aim(request, team_slug: str, measure_slug: str, aim_id: int, **kwargs) -> Aim:
    return get_object_or_404(
        Aim.objects.select_related("measure", "measure__team"),
        pk=aim_id,
        measure__slug=measure_slug,
        measure__team__slug=team_slug,
    )


def _aim_form(request, measure: Measure, aim: Aim | None):
    form = AimForm(request.POST or None, measure=measure, aim=aim)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.aim_set(
                measure=measure,
                actor=request.user,
                aim=aim,
                stratifier=data["stratifier"],
                group=data["group_code"],
                reference=data["reference_code"],
                baseline_gap=data["baseline_gap"],
                target_gap=data["target_gap"],
                target_date=data["target_date"],
            )
            messages.success(request, "Aim saved.")
            return redirect(_measure_url(measure))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
    return render(
        request,
        "measures/aim_form.html",
        {"form": form, "measure": measure, "team": measure.team, "aim": aim},
    )


@rule_required(can_edit_measure, get_object=get_measure)
def aim_create(request, team_slug: str, measure_slug: str, obj: Measure):
    if not obj.stratifiers:
        messages.error(
            request, "Choose at least one stratifier for the measure before setting an aim."
        )
        return redirect(_measure_url(obj, "measure_edit"))
    return _aim_form(request, obj, None)


@rule_required(lambda user, aim: can_edit_measure(user, aim.measure), get_object=get_aim)
def aim_edit(request, team_slug: str, measure_slug: str, aim_id: int, obj: Aim):
    return _aim_form(request, obj.measure, obj)
