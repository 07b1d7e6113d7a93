"""Reads about people and organizations, one function per screen, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from pursuing_equity.accounts.models import Organization, RoleAssignment, User


def organizations_for_table(
    *, org_type: str = "", region: str = "", size: str = "", q: str = ""
) -> QuerySet[Organization]:
    """Organizations for the staff table, filtered, with how many people each has."""
    qs = Organization.objects.only(
        "name", "slug", "org_type", "city", "state", "census_region", "size"
    ).annotate(people_count=Count("role_assignments__user", distinct=True))
    if org_type:
        qs = qs.filter(org_type=org_type)
    if region:
        qs = qs.filter(census_region=region)
    if size:
        qs = qs.filter(size=size)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q))
    return qs.order_by("name")


def organization_members(organization: Organization) -> QuerySet[RoleAssignment]:
    return organization.role_assignments.select_related("user").order_by(
        "role", "user__full_name", "user__email"
    )


def people_with_roles(*, role: str = "") -> QuerySet[User]:
    """Everyone with an account and the roles they hold (organization included)."""
    qs = User.objects.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("organization").order_by(
                "role", "organization__name"
            ),
        )
    )
    if role == "none":
        qs = qs.filter(role_assignments__isnull=True)
    elif role:
        qs = qs.filter(role_assignments__role=role).distinct()
    return qs.order_by("full_name", "email")


def organizations_of_user(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(role_assignments__user=user).distinct().order_by("name")
