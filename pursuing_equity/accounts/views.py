"""Pages about organizations and people."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from pursuing_equity.accounts import rules, selectors, services
from pursuing_equity.accounts.forms import (
    InviteForm,
    NameForm,
    OrganizationFilterForm,
    OrganizationForm,
    RoleAssignForm,
)
from pursuing_equity.accounts.models import Organization, Role, RoleAssignment
from pursuing_equity.accounts.rules import rule_required
from pursuing_equity.core.forms import act, form_write
from pursuing_equity.core.tables import table_rows


def _organization(request, slug: str, **kwargs) -> Organization:
    return get_object_or_404(Organization, slug=slug)


@rule_required(rules.can_list_organizations)
def organization_list(request):
    form = OrganizationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query = request.GET.copy()
    query.pop("page", None)

    def page() -> dict:
        organizations = selectors.organizations_for_table(
            org_type=filters.get("org_type", ""),
            region=filters.get("region", ""),
            size=filters.get("size", ""),
            q=filters.get("q", ""),
        )
        return {"page": Paginator(organizations, 50).get_page(request.GET.get("page"))}

    return render(
        request,
        "accounts/organization_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": any(filters.values())},
    )


@rule_required(rules.can_create_organization)
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and (
        done := form_write(
            form, lambda data: services.organization_create(actor=request.user, **data)
        )
    ):
        organization = done.value
        messages.success(request, f"{organization.name} was added.")
        return redirect("organization_detail", slug=organization.slug)
    return render(request, "accounts/organization_form.html", {"form": form, "organization": None})


@rule_required(rules.can_view_organization, get_object=_organization)
def organization_detail(request, slug: str, obj: Organization):
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": obj,
            "members": selectors.organization_members(obj),
            "can_edit": rules.can_edit_organization(request.user, obj),
            "sees_lived_experience": rules.can_view_lived_experience(request.user),
        },
    )


@rule_required(rules.can_edit_organization, get_object=_organization)
def organization_edit(request, slug: str, obj: Organization):
    form = OrganizationForm.for_organization(obj, data=request.POST or None)
    if request.method == "POST" and form_write(
        form,
        lambda data: services.organization_update(actor=request.user, organization=obj, **data),
    ):
        messages.success(request, "Your changes were saved.")
        return redirect("organization_detail", slug=obj.slug)
    return render(request, "accounts/organization_form.html", {"form": form, "organization": obj})


@rule_required(rules.can_view_home)
def organization_mine(request):
    organizations = list(selectors.organizations_of_user(request.user))
    if len(organizations) == 1:
        return redirect("organization_detail", slug=organizations[0].slug)
    return render(request, "accounts/organization_mine.html", {"organizations": organizations})


def _people_page(request, *, invite_form=None, assign_form=None, status: int = 200):
    """Everyone with their roles, the invitation and role forms; the table and forms are
    computed only when the kept page is stale (``{% fresh %}``)."""
    role = request.GET.get("role", "")
    if role not in Role.values and role != "none":
        role = ""

    def page() -> dict:
        people = Paginator(selectors.people_with_roles(role=role), 100).get_page(
            request.GET.get("page")
        )
        urls = _url_patterns()
        csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
        return {
            "page": people,
            # Built by table_rows: a hundred people a page, each with their roles' forms.
            "people_rows": table_rows(
                (_person_cell(person), person.email, _roles_cell(person, csrf, urls))
                for person in people.object_list
            ),
            "invite_form": invite_form or InviteForm(prefix="invite"),
            "assign_form": assign_form or RoleAssignForm(prefix="assign"),
        }

    return render(
        request,
        "accounts/people.html",
        {
            "page": page,
            "role_filter": role,
            "query": f"role={role}" if role else "",
            "roles": Role.choices,
        },
        status=status,
    )


_NO_ROLE = SafeString('<span class="muted">No role</span>')


def _person_cell(person) -> SafeString:
    if person.has_usable_password():
        return format_html("{}", person.name_with_pronouns)
    return format_html('{} <span class="badge">Invited</span>', person.name_with_pronouns)


def _url_patterns() -> tuple[str, str]:
    """The role-removal and organization URLs with ``{}`` for the id and slug, reversed once per
    page (a page has a couple of hundred of them)."""
    return (
        reverse("role_revoke", args=[0]).replace("/0/", "/{}/"),
        reverse("organization_detail", args=["slug"]).replace("/slug/", "/{}/"),
    )


def _roles_cell(person, csrf: str, urls: tuple[str, str]) -> SafeString:
    """The person's roles, each with its organization's link and a form to remove it."""
    revoke_url, organization_url = urls
    lines = []
    for assignment in person.role_assignments.all():
        role = escape(assignment.get_role_display())
        organization = assignment.organization
        where = (
            f' at <a href="{escape(organization_url.format(organization.slug))}">'
            f"{escape(organization.name)}</a>"
            if organization
            else ""
        )
        lines.append(
            f'<div class="role-line">{role}{where} <form method="post" '
            f'action="{revoke_url.format(assignment.pk)}" class="inline">{csrf}'
            '<button type="submit" class="link-button">Remove<span class="visually-hidden">'
            f" the {role.lower()} role of {escape(person.display_name)}</span></button></form></div>"
        )
    if not lines:
        return _NO_ROLE
    return mark_safe("".join(lines))  # noqa: S308 - every value above is escaped


@rule_required(rules.can_view_people)
def people(request):
    return _people_page(request)


@require_POST
@rule_required(rules.can_invite_person)
def person_invite(request):
    form = InviteForm(request.POST, prefix="invite")
    if done := form_write(form, lambda data: services.person_invite(actor=request.user, **data)):
        person = done.value
        messages.success(
            request, f"{person.email} was invited; they will get an email to set a password."
        )
        return redirect("people")
    return _people_page(request, invite_form=form, status=400)


@require_POST
@rule_required(rules.can_assign_role)
def role_assign(request):
    form = RoleAssignForm(request.POST, prefix="assign")
    if done := form_write(
        form,
        lambda data: services.role_assign(
            actor=request.user,
            user=form.person,
            role=data["role"],
            organization=data["organization"],
        ),
    ):
        assignment = done.value
        messages.success(request, f"{assignment} — role given.")
        return redirect("people")
    return _people_page(request, assign_form=form, status=400)


def _assignment(request, pk: int, **kwargs) -> RoleAssignment:
    return get_object_or_404(RoleAssignment.objects.select_related("user", "organization"), pk=pk)


@require_POST
@rule_required(rules.can_assign_role, get_object=_assignment)
def role_revoke(request, pk: int, obj: RoleAssignment):
    label = str(obj)
    return act(
        request,
        lambda: services.role_revoke(actor=request.user, assignment=obj),
        success=f"{label} — role removed.",
        redirect_to="people",
    )


@rule_required(rules.can_edit_own_profile)
def profile(request):
    """The person's own name and pronouns, with the way to their email, password and sign-in."""
    person = request.user
    form = NameForm(
        request.POST or None, initial={"full_name": person.full_name, "pronouns": person.pronouns}
    )
    if request.method == "POST" and form_write(
        form, lambda data: services.profile_update(actor=person, person=person, **data)
    ):
        messages.success(request, "Your name and pronouns are saved.")
        return redirect("profile")
    status = 400 if form.errors else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)
