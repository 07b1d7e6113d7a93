"""Factories and the shared personas every permission test uses."""

from __future__ import annotations

from dataclasses import dataclass

import factory
from allauth.account.models import EmailAddress

from pursuing_equity.accounts.models import Organization, Role, RoleAssignment, User

#: The password of every person the factories make (the browser journeys sign in with it).
PASSWORD = "correct horse battery"  # noqa: S105 - a test fixture


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A primary address, verified as allauth requires before sign-in (verified=False: not yet)."""
        if create:
            obj.save()
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Riverside Health {n}")
    slug = factory.Sequence(lambda n: f"riverside-health-{n}")
    org_type = Organization.Type.COMMUNITY_HOSPITAL
    city = "Springfield"
    state = "IL"
    census_region = "Midwest"
    size = Organization.Size.MEDIUM
    populations_served = factory.LazyFunction(lambda: ["urban", "medicaid_uninsured"])


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.FACULTY
    organization = None


def with_totp(user: User) -> User:
    """Give ``user`` an authenticator app, as if they had scanned the QR code."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def person(
    role: str | None = None,
    organization: Organization | None = None,
    *,
    totp: bool = True,
    **kwargs,
) -> User:
    """A verified person holding ``role`` (none: an applicant); staff and reviewers get TOTP."""
    user = UserFactory(**kwargs)
    if role:
        RoleAssignmentFactory(user=user, role=role, organization=organization)
        if totp and role in (Role.PROGRAM_STAFF, Role.REVIEWER):
            with_totp(user)
    return user


@dataclass
class Personas:
    org_a: Organization
    org_b: Organization
    people: dict[str, User | None]


PERSONA_NAMES = [
    "anonymous",
    "applicant",
    "staff",
    "faculty",
    "reviewer",
    "team_member_a",
    "senior_leader_a",
    "community_partner_a",
    "funder",
]


def make_personas() -> Personas:
    org_a = OrganizationFactory(name="Org A", slug="org-a")
    org_b = OrganizationFactory(name="Org B", slug="org-b")
    people: dict[str, User | None] = {
        "anonymous": None,
        "applicant": person(),
        "staff": person(Role.PROGRAM_STAFF),
        "faculty": person(Role.FACULTY),
        "reviewer": person(Role.REVIEWER),
        "team_member_a": person(Role.TEAM_MEMBER, org_a),
        "senior_leader_a": person(Role.SENIOR_LEADER, org_a),
        "community_partner_a": person(Role.COMMUNITY_PARTNER, org_a),
        "funder": person(Role.FUNDER),
    }
    return Personas(org_a=org_a, org_b=org_b, people=people)
