"""Community partnership pages: a team's partners with their engagements and payments (and
the forms that record them), and the network's totals with the finance export (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import form_write
from pursuing_equity.outcomes import rules, selectors_partners, services
from pursuing_equity.outcomes.forms import (
    EngagementForm,
    PartnerForm,
    PaymentForm,
    blank_fields_html,
    fields_html,
)
from pursuing_equity.outcomes.models import Engagement, Partner, Payment
from pursuing_equity.outcomes.views import get_cycle, get_team
from pursuing_equity.teams.models import Team


def get_partner(request, slug: str, pk: int, **kwargs) -> Partner:
    return get_object_or_404(
        Partner.objects.select_related("team__cycle", "team__cohort"), pk=pk, team__slug=slug
    )


KEEP_NAME = "Not shown while the person has not consented; leave empty to keep it, or retype it."


def _partner_rule(user, partner: Partner) -> bool:
    return rules.can_record_partnership(user, partner.team)


_partner_rule.__name__ = "can_record_partnership"


def _render_partners(request, team: Team, forms: dict | None = None, status: int = 200):
    """The team's partners; computed only when the kept page is stale (``{% fresh %}``), and
    always for a form shown again with its errors (a POST)."""
    forms = forms or {}

    def page() -> dict:
        partners, totals = selectors_partners.team_partnership(team)
        can_record = rules.can_record_partnership(request.user, team)
        bound = [forms if forms.get("pk") == p.pk else {} for p in partners]
        return {
            "rows": [_partner_row(p, b, can_record) for p, b in zip(partners, bound, strict=True)],
            "totals": totals,
            "can_record": can_record,
            "partner_form": forms.get("partner_form") or PartnerForm(team=team),
        }

    context = {"team": team, "page": page}
    return render(request, "outcomes/partners_team.html", context, status=status)


def _partner_row(partner: Partner, bound: dict, can_record: bool) -> dict:
    """A partner with its engagement and payment forms: the bound one that failed, else blank
    ones (their fields rendered once per process, :func:`.forms.blank_fields_html`)."""
    row: dict = {"partner": partner}
    for name, form_class, prefix in (
        ("engagement", EngagementForm, f"e{partner.pk}"),
        ("payment", PaymentForm, f"p{partner.pk}"),
    ):
        form = bound.get(f"{name}_form")
        row[f"{name}_form"] = form or form_class(prefix=prefix)
        if can_record:
            row[f"{name}_fields"] = (
                fields_html(form) if form else blank_fields_html(form_class, prefix)
            )
    return row


@rule_required(rules.can_view_team_partners, get_object=get_team)
def team_partners(request, slug: str, obj: Team):
    return _render_partners(request, obj)


@require_POST
@rule_required(rules.can_record_partnership, get_object=get_team)
def partner_add(request, slug: str, obj: Team):
    form = PartnerForm(request.POST, team=obj)
    if done := form_write(
        form, lambda data: services.partner_save(actor=request.user, team=obj, **data)
    ):
        partner = done.value
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
    if request.method == "POST" and form_write(
        form,
        lambda data: services.partner_save(
            actor=request.user,
            team=team,
            partner=obj,
            **{**data, "name": data["name"] or ("" if obj.named else obj.name)},
        ),
    ):
        messages.success(request, "Partner record saved.")
        return redirect(reverse("team_partners", args=[team.slug]) + f"#partner-{obj.pk}")
    return render(
        request,
        "outcomes/partner_edit.html",
        {"team": team, "partner": obj, "form": form},
        status=400 if form.errors else 200,
    )


def _record(request, obj: Partner, form, service, field: str, what: str):
    if form_write(form, lambda data: service(actor=request.user, partner=obj, **data)):
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

    def page() -> dict:
        rows, totals = selectors_partners.network_partnership(cycle)
        return {"rows": rows, "totals": totals}

    return render(request, "outcomes/partners_network.html", {"cycle": cycle, "page": page})


@rule_required(rules.can_view_network_partnership)
def partnership_export(request, fmt: str):
    from pursuing_equity.measures.exports import csv_response, xlsx_response

    cycle = get_cycle(request)
    tables = selectors_partners.finance_tables(cycle)
    name = f"lived-experience-{cycle.slug}"
    if fmt == "xlsx":
        return xlsx_response(tables, f"{name}.xlsx")
    if fmt == "csv":
        return csv_response(tables["Payments"], f"{name}-payments.csv")
    raise Http404("Download as xlsx or csv.")
