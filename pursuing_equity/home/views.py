"""Home pages per role, and the staff tools: audit log and outbox."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from pursuing_equity.accounts import rules
from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.models import AuditEntry, CapturedEmail
from pursuing_equity.home import selectors
from pursuing_equity.home.forms import AuditFilterForm
from pursuing_equity.home.panels import panels_for
from pursuing_equity.programs.selectors import current_cycle


@rule_required(rules.can_view_home)
def home(request):
    """The person's tasks, from every app's panels; staff tools and the applicant's and
    reviewer's sections besides. Computed only when the kept page is stale (``{% fresh %}``)."""
    user = request.user
    day = selectors.today()

    def page() -> dict:
        summary = selectors.cycle_summary(current_cycle(day), day)
        context = {"summary": summary, "panels": panels_for(user, day)}
        if rules.can_view_staff_home(user):
            context["staff"] = selectors.staff_home(summary)
        return context

    context = {"page": page, "today": day, "has_role": bool(rules.roles_of(user))}
    return render(request, "home/home.html", context)


@rule_required(rules.can_view_audit_log)
def audit_log(request):
    """The audit log, filtered and paged; computed only when the kept page is stale."""
    query = request.GET.copy()
    query.pop("page", None)

    def page() -> dict:
        form = AuditFilterForm(request.GET or None, **selectors.audit_filter_choices())
        filters = form.cleaned_data if form.is_valid() else None
        entries = selectors.audit_entries(filters, refused=form.is_bound and filters is None)
        return {
            "form": form,
            "page": Paginator(entries, 50).get_page(request.GET.get("page")),
            "filtered": bool(filters) and any(filters.values()),
        }

    return render(request, "home/audit_log.html", {"page": page, "query": query.urlencode()})


@rule_required(rules.can_view_audit_log)
def audit_detail(request, pk: int):
    entry = get_object_or_404(AuditEntry, pk=pk)
    changes = [(key, entry.before.get(key), entry.after.get(key)) for key in entry.changed_keys]
    return render(request, "home/audit_detail.html", {"entry": entry, "changes": changes})


@rule_required(rules.can_view_outbox)
def outbox(request):
    """The captured email, newest first; computed only when the kept page is stale."""

    def page() -> dict:
        emails = CapturedEmail.objects.only("sent_at", "to", "subject")
        return {"page": Paginator(emails, 50).get_page(request.GET.get("page"))}

    return render(request, "home/outbox.html", {"page": page, "query": ""})


@rule_required(rules.can_view_outbox)
def outbox_detail(request, pk: int):
    email = get_object_or_404(CapturedEmail, pk=pk)
    return render(request, "home/outbox_detail.html", {"email": email})
