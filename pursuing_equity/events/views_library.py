"""Pages of the learning library (materials, suggested activities, search), pre-work checklists,
and in-person registration and rosters."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.files import private_download
from pursuing_equity.core.forms import act, form_write
from pursuing_equity.core.tables import table_rows
from pursuing_equity.events import library, logistics, rules
from pursuing_equity.events.forms import (
    ActivityTriedForm,
    MaterialForm,
    RegistrationForm,
    SuggestedActivityForm,
)
from pursuing_equity.events.models import Event, Material, Registration
from pursuing_equity.events.views import _event
from pursuing_equity.measures.exports import csv_response, xlsx_response
from pursuing_equity.programs.models import Cohort
from pursuing_equity.programs.selectors import current_cycle, cycle_in_view
from pursuing_equity.reporting.models import PdsaCycle


def _material_write(*, actor, event: Event, data: dict):
    """A new version of the chosen material, or a new material of the event."""
    if data.get("material"):
        return library.material_version_add(
            actor=actor, material=data["material"], upload=data["file"]
        )
    return library.material_add(
        actor=actor,
        event=event,
        kind=data["kind"],
        title=data["title"],
        topic=data["topic"],
        recording_url=data["recording_url"],
        upload=data["file"],
    )


def _material_forms(event: Event, data=None, files=None, *, activity_form=None) -> dict:
    """The materials page: the event's materials and activities, and the forms adding them (the
    material form offers a new version of the same materials: 2 queries, not 3)."""
    shown = library.event_materials(event, None)
    return {
        "form": MaterialForm(data, files, materials=shown.materials),
        "activity_form": activity_form or SuggestedActivityForm(prefix="activity"),
        "shown": shown,
    }


@rule_required(rules.can_add_materials, get_object=_event)
def material_add(request, pk: int, obj: Event):
    """A GET's page is computed only when the kept one is stale (``{% fresh %}``); a POST's is
    always rendered."""
    event = obj
    if request.method != "POST":
        return render(
            request,
            "events/material_add.html",
            {"event": event, "page": lambda: _material_forms(event)},
        )
    shown = _material_forms(event, request.POST, request.FILES)
    if form_write(
        shown["form"], lambda data: _material_write(actor=request.user, event=event, data=data)
    ):
        messages.success(request, "The material was added to the event.")
        return redirect("material_add", pk=event.pk)
    return render(request, "events/material_add.html", {"event": event, **shown})


@require_POST
@rule_required(rules.can_add_materials, get_object=_event)
def activity_add(request, pk: int, obj: Event):
    form = SuggestedActivityForm(request.POST, prefix="activity")
    if form_write(
        form, lambda data: library.suggested_activity_add(actor=request.user, event=obj, **data)
    ):
        messages.success(request, "The suggested activity was added.")
        return redirect("material_add", pk=obj.pk)
    return render(
        request,
        "events/material_add.html",
        {"event": obj, **_material_forms(obj, activity_form=form)},
        status=400,
    )


@require_POST
@rule_required(rules.can_mark_activity_tried, get_object=_event)
def activity_tried(request, pk: int, obj: Event):
    team = library.team_for_event(request.user, obj)
    if team is None:
        raise Http404("This event is not for one of your teams.")
    activities = list(obj.suggested_activities.all())
    cycles = list(PdsaCycle.objects.filter(team=team))
    form = ActivityTriedForm(request.POST, activities=activities, cycles=cycles)
    if not form.is_valid():
        problems = "; ".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, f"The activity was not marked: {problems}")
        return redirect("event_detail", pk=obj.pk)
    activity = next(a for a in activities if a.pk == form.cleaned_data["activity"])
    pdsa = next((c for c in cycles if c.pk == form.cleaned_data["pdsa_cycle"]), None)
    return act(
        request,
        lambda: library.activity_mark_tried(
            actor=request.user, activity=activity, team=team, pdsa_cycle=pdsa
        ),
        success=f"“{activity.title}” is marked as tried by {team.name}.",
        redirect_to=reverse("event_detail", args=[obj.pk]) + "#activities",
    )


def _material(request, pk: int, **kwargs) -> Material:
    return get_object_or_404(Material.objects.select_related("event"), pk=pk)


@rule_required(rules.can_download_material, get_object=_material)
def material_download(request, pk: int, obj: Material):
    versions = obj.versions.all()
    number = request.GET.get("version", "")
    version = versions.filter(number=int(number)).first() if number.isdigit() else versions.first()
    if version is None:
        raise Http404("There is no such version.")
    return private_download(
        version.file, filename=version.original_name, content_type=version.content_type
    )


@rule_required(rules.can_view_library)
def library_page(request):
    """The materials the person may see, searched and filtered; computed only when the kept page
    is stale (``{% fresh %}``)."""
    user = request.user
    query = request.GET.get("q", "")[:200]
    topic = request.GET.get("topic", "")[:100]
    cohort = request.GET.get("cohort", "")
    cohort_id = int(cohort) if cohort.isdigit() else None

    def page() -> dict:
        cycle = current_cycle()
        can_add = rules.can_add_materials_somewhere(user)
        # The list shows no version: the API's versions are not fetched here.
        found = library.library_materials(user, query=query, topic=topic, cohort_id=cohort_id)
        return {
            "materials": list(found.prefetch_related(None)[:200]),
            "topics": library.library_topics(user),
            "cohorts": list(Cohort.objects.filter(cycle=cycle).values("pk", "name"))
            if cycle
            else [],
            "can_add": can_add,
            "events": library.recent_events_to_equip(user) if can_add else [],
        }

    return render(
        request,
        "events/library.html",
        {"page": page, "query": query, "topic": topic, "cohort_id": cohort_id},
    )


@rule_required(rules.can_do_checklists)
def checklists(request):
    rows = logistics.my_checklists(request.user)
    if request.method == "POST":
        cycle_id, checklist, item = (
            request.POST.get("cycle", ""),
            request.POST.get("checklist", ""),
            request.POST.get("item", ""),
        )
        cycle = next((c for c, _, _ in rows if str(c.pk) == cycle_id), None)
        if cycle is None:
            messages.error(request, "This checklist is not one of yours.")
            return redirect("checklists")
        return act(
            request,
            lambda: logistics.checklist_tick(
                actor=request.user,
                cycle=cycle,
                checklist=checklist,
                item=item,
                done=request.POST.get("done") == "1",
            ),
            success="Saved.",
            redirect_to="checklists",
        )
    return render(request, "events/checklists.html", {"rows": rows})


@rule_required(rules.can_view_checklist_progress)
def checklist_progress(request):
    in_view = cycle_in_view(request.GET, default=current_cycle)
    if in_view.cycle is None:
        raise Http404("No program cycle is loaded.")
    if request.GET.get("format") == "csv":
        checklists_, rows = logistics.checklist_progress(in_view.cycle)
        return csv_response(
            logistics.progress_table(checklists_, rows), f"prework-{in_view.cycle.slug}.csv"
        )

    def page() -> dict:
        checklists_, rows = logistics.checklist_progress(in_view.cycle)
        not_required = mark_safe('<span class="muted">Not required</span>')
        body = table_rows(
            (
                (r.cohort, r.team, r.person, *(not_required if n is None else n for n in r.cells))
                for r in rows
            ),
            header=2,
        )
        return {"checklists": checklists_, "body": body}

    context = {"in_view": in_view, "cycle": in_view.cycle, "page": page}
    return render(request, "events/checklist_progress.html", context)


@rule_required(rules.can_register, get_object=_event)
def registration(request, pk: int, obj: Event):
    if not obj.takes_registration:
        raise Http404("This event takes no registration.")
    existing = Registration.objects.filter(event=obj, user=request.user).first()
    initial = (
        {
            "attending": existing.attending,
            "dietary_needs": existing.dietary_needs,
            "access_needs": existing.access_needs,
            "arrives_on": existing.arrives_on,
            "departs_on": existing.departs_on,
        }
        if existing
        else {}
    )
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form_write(
        form, lambda data: logistics.registration_save(actor=request.user, event=obj, **data)
    ):
        messages.success(request, f"You are registered for {obj.title}.")
        return redirect("event_detail", pk=obj.pk)
    return render(
        request,
        "events/registration.html",
        {"event": obj, "form": form, "existing": existing},
    )


@rule_required(rules.can_view_roster, get_object=_event)
def roster(request, pk: int, obj: Event):
    if not obj.takes_registration:
        raise Http404("This event takes no registration.")
    data = logistics.roster_of(obj)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        table = logistics.roster_table(data)
        name = f"roster-{obj.pk}.{fmt}"
        if fmt == "csv":
            return csv_response(table, name)
        return xlsx_response({"Roster": table}, name)
    return render(request, "events/roster.html", {"event": obj, "roster": data})
