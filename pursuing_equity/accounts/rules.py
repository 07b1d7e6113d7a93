"""Every permission in one place: pure functions ``can_<verb>_<noun>(user, obj) -> bool``.

Views never test roles themselves; they call these through :func:`rule_required` so that each rule
is written once and tested as a matrix of roles × objects (tests/test_rules.py). Anonymous users
hold no role, so every rule below is False for them unless it says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from pursuing_equity.accounts.models import Role

STAFF = Role.PROGRAM_STAFF.value
FACULTY = Role.FACULTY.value
REVIEWER = Role.REVIEWER.value
TEAM_MEMBER = Role.TEAM_MEMBER.value
SENIOR_LEADER = Role.SENIOR_LEADER.value
COMMUNITY_PARTNER = Role.COMMUNITY_PARTNER.value
FUNDER = Role.FUNDER.value

# Roles whose holders must set up two-factor authentication (when PE_REQUIRE_MFA is on).
MFA_ROLES = frozenset({STAFF, REVIEWER})


def _assignments(user) -> list[tuple[str, int | None]]:
    """(role, organization id) pairs, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_pe_role_cache", None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "organization_id"))
        user._pe_role_cache = cached
    return cached


def roles_of(user) -> frozenset[str]:
    return frozenset(role for role, _ in _assignments(user))


def organizations_of(user, *roles: str) -> frozenset[int]:
    wanted = set(roles) or {TEAM_MEMBER, SENIOR_LEADER, COMMUNITY_PARTNER}
    return frozenset(org for role, org in _assignments(user) if role in wanted and org is not None)


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_program_staff(user) -> bool:
    return has_role(user, STAFF)


def must_use_mfa(user) -> bool:
    return bool(roles_of(user) & MFA_ROLES)


# --- pages of program staff -------------------------------------------------------------------


def can_view_staff_home(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_view_audit_log(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_view_outbox(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_manage_program(user, cycle: Any = None) -> bool:
    return is_program_staff(user)


def can_view_people(user, obj: Any = None) -> bool:
    return is_program_staff(user)


# --- organizations ----------------------------------------------------------------------------


def can_view_organization(user, organization) -> bool:
    """Staff and faculty see every organization; people see their own; a reviewer sees those
    whose application they were assigned (through the reverse relations, by name: accounts sits
    below the apps that hold applications and review assignments)."""
    if has_role(user, STAFF, FACULTY) or organization.pk in organizations_of(user):
        return True
    return (
        has_role(user, REVIEWER)
        and organization.applications.filter(reviewer_assignments__reviewer=user).exists()
    )


def can_view_lived_experience(user, obj: Any = None) -> bool:
    """Who holds a community partner role "with lived experience" is personal: staff only; others
    read "Community partner"."""
    return is_program_staff(user)


def can_edit_organization(user, organization) -> bool:
    """Staff, and the organization's own team members and senior leaders."""
    if is_program_staff(user):
        return True
    return organization.pk in organizations_of(user, TEAM_MEMBER, SENIOR_LEADER)


def can_list_organizations(user, obj: Any = None) -> bool:
    """The table of every organization, with its filters, is a staff tool."""
    return is_program_staff(user)


def can_create_organization(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_invite_person(user, obj: Any = None) -> bool:
    return is_program_staff(user)


def can_assign_role(user, obj: Any = None) -> bool:
    """Giving and taking away roles (``obj`` is the person or the assignment) is for staff."""
    return is_program_staff(user)


def can_view_home(user, obj: Any = None) -> bool:
    """Any signed-in person has a home page (applicants included)."""
    return bool(getattr(user, "is_authenticated", False))


def can_edit_own_profile(user, obj: Any = None) -> bool:
    """Every signed-in person edits their own name and pronouns (never someone else's)."""
    return bool(getattr(user, "is_authenticated", False))


# --- the one way views check a rule ------------------------------------------------------------


def rule_required(
    rule: Callable[..., bool], *, get_object: Callable[..., Any] | None = None
) -> Callable:
    """Decorate a view: anonymous visitors go to the login page, others failing ``rule`` get 403.

    ``get_object(request, **kwargs)`` fetches the object the rule is about (raising Http404 when it
    does not exist); it is then passed to the view as ``obj``.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object(request, *args, **kwargs) if get_object else None
            if not rule(request.user, obj):
                raise PermissionDenied
            if get_object:
                kwargs["obj"] = obj
            return view(request, *args, **kwargs)

        wrapped.permission_rule = rule
        return wrapped

    return decorator
