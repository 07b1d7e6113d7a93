"""Pages of monthly updates, reflections, PDSA cycles, progress scores, the grid and the digest."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.files import private_download
from pursuing_equity.core.forms import add_service_errors, form_write
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.reporting import charts, dates, digest, rules, selectors, services
from pursuing_equity.reporting.forms import (
    AttachmentForm,
    CommentForm,
    DigestForm,
    PdsaCycleForm,
    ProgressScoreForm,
    ReflectionForm,
    UpdateForm,
)
from pursuing_equity.reporting.models import (
    Attachment,
    Digest,
    PdsaCycle,
    ProgressScore,
    Update,
)
from pursuing_equity.teams.models import Team

TEAMS = Team.objects.select_related("cohort", "cycle", "small_cohort")


def _team(slug: str) -> Team:
    return get_object_or_404(TEAMS, slug=slug)


def _period(text: str) -> datetime.date:
    try:
        return dates.parse_period(text)
    except ValueError:
        raise Http404("No such period.") from None


def get_team(request, slug: str, **kwargs) -> Team:
    return _team(slug)


def get_update(request, slug: str, period: str, **kwargs) -> Update:
    update = selectors.update_for(_team(slug), _period(period))
    if update is None:
        raise Http404("No update for this period.")
    return update


def get_attachment(request, slug: str, period: str, pk: int) -> Attachment:
    update = get_update(request, slug, period)
    return get_object_or_404(Attachment.objects.select_related("update"), pk=pk, update=update)


def get_pdsa(request, slug: str, pk: int) -> PdsaCycle:
    return get_object_or_404(
        PdsaCycle.objects.select_related("team__cohort", "team__cycle", "measure", "parent"),
        pk=pk,
        team__slug=slug,
    )


# --- the Updates page -------------------------------------------------------------------------


@rule_required(rules.can_view_reporting)
def updates_index(request):
    user = request.user

    def page() -> dict:
        mine = selectors.my_teams(user)
        periods = selectors.teams_periods(mine, latest=3)
        return {
            "teams": [{"team": team, "periods": periods[team.pk]} for team in mine],
            "leader_queue": selectors.leader_queue(user),
            "shared": selectors.shared_updates(user),
        }

    return render(
        request,
        "reporting/index.html",
        {"page": page, "can_view_grid": rules.can_view_submission_grid(user)},
    )


@rule_required(rules.can_view_team_reports, get_object=get_team)
def team_updates(request, slug: str, obj: Team):
    user = request.user
    inside = rules.sees_drafts(user, obj)
    periods = [
        p for p in selectors.team_periods(obj) if inside or rules.can_view_update(user, p.update)
    ]
    return render(
        request,
        "reporting/team.html",
        {
            "team": obj,
            "periods": periods,
            "rule": dates.rule_from_document(obj.cycle.document, obj.cohort.key),
            "can_write": rules.can_write_update(user, obj),
            "can_log_pdsa": rules.can_log_pdsa_cycle(user, obj),
            "can_view_progress": rules.can_view_progress(user, obj),
            "pdsa_cycles": selectors.pdsa_cycles_of(obj),
        },
    )


# --- one update -------------------------------------------------------------------------------


def _render_detail(request, update: Update, reflection_form=None, comment_form=None, status=200):
    user = request.user

    def page() -> dict:
        return {
            "reflection": update.reflection if rules.has_reflection(update) else None,
            "can_edit": rules.can_edit_update(user, update),
            "can_reflect": rules.can_reflect_on_update(user, update),
            "can_comment": rules.can_comment_on_update(user, update),
            "status": selectors.period_status(
                update.team,
                services.rule_of(update.team),
                update.period_start,
                update,
                timezone.now(),
            ),
            **selectors.update_page(update),
        }

    context = {
        "update": update,
        "team": update.team,
        "reflection_form": reflection_form or ReflectionForm(),
        "comment_form": comment_form or CommentForm(),
        "page": page,
    }
    return render(request, "reporting/update_detail.html", context, status=status)


@rule_required(rules.can_view_update, get_object=get_update)
def update_detail(request, slug: str, period: str, obj: Update):
    return _render_detail(request, obj)


@rule_required(rules.can_view_update, get_object=get_update)
def update_charts(request, slug: str, period: str, obj: Update):
    """The update's charts, or their status while the worker prepares them (polled by htmx)."""
    return render(request, "reporting/_update_charts.html", {"update": obj, "team": obj.team})


@rule_required(rules.can_reflect_on_update, get_object=get_update)
def reflection_write(request, slug: str, period: str, obj: Update):
    if request.method != "POST":
        return redirect("update_detail", slug, period)
    form = ReflectionForm(request.POST)
    if form_write(
        form,
        lambda data: services.reflection_write(actor=request.user, update=obj, text=data["text"]),
    ):
        messages.success(request, "Your reflection was sent to the team.")
        return redirect("update_detail", slug, period)
    return _render_detail(request, obj, reflection_form=form, status=400)


@rule_required(rules.can_comment_on_update, get_object=get_update)
def comment_add(request, slug: str, period: str, obj: Update):
    if request.method != "POST":
        return redirect("update_detail", slug, period)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(actor=request.user, update=obj, text=form.cleaned_data["text"])
        messages.success(request, "Your comment was added.")
        return redirect("update_detail", slug, period)
    return _render_detail(request, obj, comment_form=form, status=400)


def _render_edit(
    request,
    team: Team,
    period_start: datetime.date,
    update: Update | None,
    form=None,
    attachment_form=None,
    stale: Update | None = None,
    status: int = 200,
):
    rule = services.rule_of(team)
    if form is None:
        initial = {"version": update.version if update else None}
        if update is not None:
            initial.update(
                {f: getattr(update, f) for f in services.TEXT_FIELDS},
                pdsa_cycles=list(update.pdsa_cycles.values_list("pk", flat=True)),
            )
        form = UpdateForm(initial=initial, team=team)
    return render(
        request,
        "reporting/update_edit.html",
        {
            "team": team,
            "rule": rule,
            "period_key": f"{period_start:%Y-%m}",
            "period_label": dates.period_label(period_start, rule.every_months),
            "due_on": dates.due_date(period_start, rule.every_months, rule.due_day),
            "update": update,
            "form": form,
            "attachment_form": attachment_form or AttachmentForm(),
            "attachments": list(update.attachments.all()) if update else [],
            "contributors": list(update.contributors.all()) if update else [],
            "stale": stale,
        },
        status=status,
    )


@rule_required(rules.can_write_update, get_object=get_team)
def update_edit(request, slug: str, period: str, obj: Team):
    period_start = _period(period)
    rule = services.rule_of(obj)
    today = timezone.localdate()
    if period_start not in selectors.started_periods(obj.cycle, rule, today):
        raise Http404("No reporting period starts then, or it has not started yet.")
    update = selectors.update_for(obj, period_start)
    if update is not None and update.is_submitted:
        messages.info(request, "This update was submitted; it can no longer be changed.")
        return redirect("update_detail", slug, period)
    if request.method != "POST":
        return _render_edit(request, obj, period_start, update)
    form = UpdateForm(request.POST, team=obj)
    if not form.is_valid():
        return _render_edit(request, obj, period_start, update, form=form, status=400)
    data = form.cleaned_data
    submit = request.POST.get("action") == "submit"
    try:
        saved = services.update_save(
            actor=request.user,
            team=obj,
            period_start=period_start,
            version=data["version"],
            progress=data["progress"],
            challenges=data["challenges"],
            learning=data["learning"],
            help_wanted=data["help_wanted"],
            pdsa_cycles=list(data["pdsa_cycles"]),
            submit=submit,
        )
    except services.StaleUpdateError as error:
        # Keep the person's text, but from the version now saved, so that saving again after
        # comparing is a deliberate choice that succeeds.
        data = request.POST.copy()
        data["version"] = str(error.current.version)
        form = UpdateForm(data, team=obj)
        form.is_valid()
        form.add_error(None, str(error))
        return _render_edit(
            request, obj, period_start, error.current, form=form, stale=error.current, status=409
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_edit(request, obj, period_start, update, form=form, status=400)
    if submit:
        messages.success(
            request,
            f"Submitted. Your senior leader has been emailed{' (it was late)' if saved.late else ''}.",
        )
        return redirect("update_detail", slug, period)
    messages.success(request, "Draft saved. Everyone on the team can add to it.")
    return redirect("update_edit", slug, period)


@rule_required(rules.can_edit_update, get_object=get_update)
def attachment_add(request, slug: str, period: str, obj: Update):
    if request.method != "POST":
        return redirect("update_edit", slug, period)
    form = AttachmentForm(request.POST, request.FILES)
    if form_write(
        form,
        lambda data: services.attachment_add(actor=request.user, update=obj, upload=data["file"]),
    ):
        messages.success(request, "File attached.")
        return redirect("update_edit", slug, period)
    return _render_edit(request, obj.team, obj.period_start, obj, attachment_form=form, status=400)


@rule_required(rules.can_view_attachment, get_object=get_attachment)
def attachment_download(request, slug: str, period: str, pk: int, obj: Attachment):
    return private_download(obj.file, filename=obj.original_name, content_type=obj.content_type)


@rule_required(rules.can_remove_attachment, get_object=get_attachment)
def attachment_remove(request, slug: str, period: str, pk: int, obj: Attachment):
    if request.method == "POST":
        services.attachment_remove(actor=request.user, attachment=obj)
        messages.success(request, f"“{obj.original_name}” was removed.")
    return redirect("update_edit", slug, period)


# --- PDSA cycles ------------------------------------------------------------------------------


def _pdsa_save(request, team: Team, cycle: PdsaCycle | None):
    form = PdsaCycleForm(request.POST or None, team=team, cycle=cycle)
    if cycle is not None and not request.POST:
        form = PdsaCycleForm(
            initial={
                **{f: getattr(cycle, f) for f in services.PDSA_FIELDS},
                "measure": cycle.measure_id,
                "parent": cycle.parent_id,
            },
            team=team,
            cycle=cycle,
        )
    if request.method == "POST" and (
        done := form_write(
            form,
            lambda data: services.pdsa_cycle_save(
                actor=request.user, team=team, cycle=cycle, **data
            ),
        )
    ):
        saved = done.value
        messages.success(request, "PDSA cycle saved.")
        return redirect("pdsa_detail", team.slug, saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reporting/pdsa_form.html",
        {"team": team, "form": form, "cycle": cycle},
        status=status,
    )


@rule_required(rules.can_log_pdsa_cycle, get_object=get_team)
def pdsa_create(request, slug: str, obj: Team):
    return _pdsa_save(request, obj, None)


@rule_required(rules.can_edit_pdsa_cycle, get_object=get_pdsa)
def pdsa_edit(request, slug: str, pk: int, obj: PdsaCycle):
    return _pdsa_save(request, obj.team, obj)


@rule_required(rules.can_view_pdsa_cycle, get_object=get_pdsa)
def pdsa_detail(request, slug: str, pk: int, obj: PdsaCycle):
    return render(
        request,
        "reporting/pdsa_detail.html",
        {
            "cycle": obj,
            "team": obj.team,
            "children": list(obj.children.order_by("started_on", "id")),
            "can_edit": rules.can_edit_pdsa_cycle(request.user, obj),
        },
    )


# --- progress scores --------------------------------------------------------------------------


@rule_required(rules.can_view_progress, get_object=get_team)
def progress(request, slug: str, obj: Team):
    user = request.user
    today = timezone.localdate()
    raters = []
    if rules.can_rate_own_progress(user, obj):
        raters.append(ProgressScore.Rater.TEAM)
    if rules.can_rate_progress_as_faculty(user, obj):
        raters.append(ProgressScore.Rater.FACULTY)
    forms = {r: ProgressScoreForm(prefix=r, cycle=obj.cycle, today=today) for r in raters}
    status = 200
    if request.method == "POST":
        rater = request.POST.get("rater")
        if rater not in raters:
            raise PermissionDenied
        form = ProgressScoreForm(request.POST, prefix=rater, cycle=obj.cycle, today=today)
        forms[rater] = form
        if form_write(
            form,
            lambda data: services.progress_score_record(actor=user, team=obj, rater=rater, **data),
        ):
            messages.success(request, "Score recorded.")
            return redirect("progress", slug)
        status = 400
    rows, scores = selectors.progress_history(obj)
    scale = obj.cycle.document["collaborative_assessment"]
    return render(
        request,
        "reporting/progress.html",
        {
            "team": obj,
            "rows": rows,
            "scale": scale,
            "levels": services.score_levels(obj.cycle.document),
            "forms": [(r, ProgressScore.Rater(r).label, f) for r, f in forms.items()],
            "chart": charts.progress_chart(
                [
                    {"month": s.month, "rater": s.get_rater_display(), "score": s.score}
                    for s in scores
                ],
                scale["min_score"],
                scale["max_score"],
            )
            if scores
            else None,
        },
        status=status,
    )


# --- staff and faculty ------------------------------------------------------------------------


STATE_GLYPHS = {"submitted": "✓", "late": "!", "missing": "✗", "draft": "✎"}
REFLECTION_GLYPHS = {"reflected": "✓", "overdue": "!"}


def _grid_cell(row: selectors.GridRow, cell: selectors.PeriodStatus) -> str:
    """One cell of the grid: its state (a link to the update once submitted) and the leader's
    reflection under it."""
    status = (
        f'<span class="status" aria-hidden="true">{STATE_GLYPHS.get(cell.state, "○")}</span> '
        f"{escape(cell.state_label)}"
    )
    if cell.update is not None and cell.submitted:
        status = (
            f'<a href="{escape(row.url)}{cell.key}/">{status}<span class="visually-hidden">: '
            f"{escape(row.team.name)}, {escape(cell.label)}</span></a>"
        )
    if cell.reflection:
        status += (
            f'<br><span class="reflection-{cell.reflection}"><span aria-hidden="true">'
            f"{REFLECTION_GLYPHS.get(cell.reflection, '…')}</span> "
            f"{escape(cell.reflection_label)}</span>"
        )
    return f'<td class="status-{cell.state}">{status}</td>'


def _grid_rows(grid: selectors.CohortGrid) -> SafeString:
    """The grid's rows, built here: teams × periods is hundreds of cells, and the template
    engine's cost per cell made most of the page's time."""
    return mark_safe(  # noqa: S308 - every text above is escaped; states and keys are ours
        "\n".join(
            f'<tr><th scope="row"><a href="{escape(row.url)}">{escape(row.team.name)}</a></th>'
            + "".join(_grid_cell(row, cell) for cell in row.cells)
            + "</tr>"
            for row in grid.rows
        )
    )


def _grid_page(request, cycle, digest_form, status=200):
    """The grid page; ``digest_form`` is the digest form or, on a GET, a function making it (it
    reads the latest month reported, so it is made only when the kept page is stale)."""
    if cycle is None:
        raise Http404("No program cycle is loaded.")

    def page() -> dict:
        grids = selectors.submission_grid(cycle)
        return {
            "grids": [(grid, _grid_rows(grid)) for grid in grids],
            "overdue": [c for g in grids for c in g.overdue_reflections],
            "digest_form": digest_form() if callable(digest_form) else digest_form,
            "digests": selectors.recent_digests(cycle),
        }

    return render(request, "reporting/grid.html", {"cycle": cycle, "page": page}, status=status)


@rule_required(rules.can_view_submission_grid)
def submission_grid(request):
    cycle = current_cycle()
    today = timezone.localdate()

    def digest_form() -> DigestForm:
        month = digest.latest_month(cycle, today)
        return DigestForm(
            cycle=cycle, today=today, initial={"month": f"{month:%Y-%m}" if month else None}
        )

    return _grid_page(request, cycle, digest_form)


@require_POST
@rule_required(rules.can_export_digest)
def update_digest(request):
    """Ask for a month's PDF digest; the worker draws it and the grid page offers it."""
    cycle = current_cycle()
    if cycle is None:
        raise Http404("No program cycle is loaded.")
    form = DigestForm(request.POST, cycle=cycle, today=timezone.localdate())
    if done := form_write(
        form,
        lambda data: services.digest_request(
            actor=request.user,
            cycle=cycle,
            month=datetime.date.fromisoformat(f"{data['month']}-01"),
        ),
    ):
        messages.success(
            request,
            f"The digest of {done.value.month:%B %Y} is being prepared; it appears under "
            "“Monthly digest” below within a minute or two.",
        )
        return redirect("submission_grid")
    return _grid_page(request, cycle, form, status=400)


@rule_required(rules.can_export_digest)
def digest_download(request, pk: int):
    found = get_object_or_404(Digest, pk=pk, status=Digest.Status.READY)
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="updates-{found.month:%Y-%m}.pdf"'
    return response
