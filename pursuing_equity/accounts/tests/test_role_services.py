import pytest
from django.core.exceptions import ValidationError

from pursuing_equity.accounts import rules
from pursuing_equity.accounts.models import Role, RoleAssignment
from pursuing_equity.accounts.services import role_assign, role_revoke
from pursuing_equity.accounts.tests.factories import OrganizationFactory, UserFactory, person
from pursuing_equity.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_assigning_a_role_is_audited():
    actor, user, org = UserFactory(), UserFactory(), OrganizationFactory()
    assignment = role_assign(actor=actor, user=user, role=Role.TEAM_MEMBER, organization=org)
    entry = AuditEntry.objects.get(action="role.assign")
    assert entry.actor == actor
    assert entry.after == {"user": user.email, "role": "team_member", "organization": org.slug}
    assert entry.object_id == str(assignment.pk)


def test_a_new_role_takes_effect_for_the_same_user_object():
    user = UserFactory()
    assert not rules.is_program_staff(user)
    role_assign(actor=None, user=user, role=Role.PROGRAM_STAFF)
    assert rules.is_program_staff(user)


def test_team_roles_need_an_organization():
    with pytest.raises(ValidationError) as error:
        role_assign(actor=None, user=UserFactory(), role=Role.TEAM_MEMBER)
    assert "organization" in error.value.message_dict


def test_program_wide_roles_refuse_an_organization():
    with pytest.raises(ValidationError) as error:
        role_assign(
            actor=None, user=UserFactory(), role=Role.REVIEWER, organization=OrganizationFactory()
        )
    assert "organization" in error.value.message_dict


def test_the_same_role_twice_is_refused():
    user = UserFactory()
    role_assign(actor=None, user=user, role=Role.FACULTY)
    with pytest.raises(ValidationError):
        role_assign(actor=None, user=user, role=Role.FACULTY)
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_revoking_a_role_is_audited_with_who_held_it():
    staff = person(Role.PROGRAM_STAFF)
    org = OrganizationFactory()
    member = person(Role.TEAM_MEMBER, org)
    assignment = member.role_assignments.get()
    role_revoke(actor=staff, assignment=assignment)
    assert not RoleAssignment.objects.filter(user=member).exists()
    entry = AuditEntry.objects.get(action="role.revoke")
    assert entry.before == {"user": member.email, "role": "team_member", "organization": org.slug}
    assert entry.actor == staff


def test_the_last_program_staff_role_cannot_be_revoked():
    staff = person(Role.PROGRAM_STAFF)
    with pytest.raises(ValidationError):
        role_revoke(actor=staff, assignment=staff.role_assignments.get())
    assert rules.is_program_staff(staff)
    other = person(Role.PROGRAM_STAFF)
    role_revoke(actor=other, assignment=staff.role_assignments.get())
    assert not RoleAssignment.objects.filter(user=staff).exists()
