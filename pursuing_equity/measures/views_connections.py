"""Program staff's pages for data connections (issue 19): the team's list, one measure's
connection form, "Pull now" and removal. The stored URL or path is never rendered."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.measures import connection_services
from pursuing_equity.measures.forms import ConnectionForm
from pursuing_equity.measures.models import DataConnection, Measure
from pursuing_equity.measures.rules import (
    can_manage_data_connection,
    can_manage_data_connections,
)
from pursuing_equity.measures.views import _errors_to_form, get_measure, get_team
from pursuing_equity.teams.models import Team


def _connection_of(measure: Measure) -> DataConnection | None:
    return DataConnection.objects.filter(measure=measure).first()


@rule_required(can_manage_data_connections, get_object=get_team)
def team_connections(request, team_slug: str, obj: Team):
    """Every measure of the team with its connection's status, last pull and last error."""
    measures = list(Measure.objects.filter(team=obj).select_related("connection").order_by("name"))
    rows = [(m, getattr(m, "connection", None)) for m in measures]
    return render(request, "measures/connections.html", {"team": obj, "rows": rows})


@sensitive_post_parameters("secret")  # never in an error report
@rule_required(can_manage_data_connection, get_object=get_measure)
def measure_connection(request, team_slug: str, measure_slug: str, obj: Measure):
    connection = _connection_of(obj)
    form = ConnectionForm(request.POST or None, measure=obj, connection=connection)
    if request.method == "POST" and form.is_valid():
        try:
            connection_services.connection_save(
                measure=obj, actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Data connection saved. Pull now to check it.")
            return redirect(reverse("measure_connection", args=[obj.team.slug, obj.slug]))
    return render(
        request,
        "measures/connection_form.html",
        {"form": form, "measure": obj, "team": obj.team, "connection": connection},
    )


@require_POST
@rule_required(can_manage_data_connection, get_object=get_measure)
def measure_connection_pull(request, team_slug: str, measure_slug: str, obj: Measure):
    connection = _connection_of(obj)
    if connection is None:
        messages.error(request, "This measure has no data connection to pull from.")
    else:
        pulled = connection_services.connection_pull_request(
            connection=connection, actor=request.user
        )
        if pulled.status == DataConnection.Status.QUEUED:
            messages.success(request, "Pull queued: the status below changes when it is done.")
        elif pulled.status == DataConnection.Status.OK:
            messages.success(
                request, f"Pulled: {pulled.last_versions} new version(s) of the measure's periods."
            )
        else:
            messages.error(request, "The pull failed: see the last error below.")
    return redirect(reverse("measure_connection", args=[obj.team.slug, obj.slug]))


@require_POST
@rule_required(can_manage_data_connection, get_object=get_measure)
def measure_connection_remove(request, team_slug: str, measure_slug: str, obj: Measure):
    connection = _connection_of(obj)
    if connection is not None:
        connection_services.connection_remove(connection=connection, actor=request.user)
        messages.success(request, "Data connection removed; the versions it pulled stay.")
    return redirect(reverse("team_connections", args=[obj.team.slug]))
