import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError

from pursuing_equity.accounts import rules
from pursuing_equity.accounts.models import Role, User
from pursuing_equity.accounts.services import person_invite
from pursuing_equity.accounts.tests.factories import OrganizationFactory, UserFactory, person
from pursuing_equity.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_address(settings):
    settings.PE_SITE_URL = "https://pe.example.org/"


def invite(**overrides):
    values = {
        "actor": person(Role.PROGRAM_STAFF),
        "email": "New.Person@Example.org",
        "full_name": "Ana Reyes",
        "role": Role.REVIEWER,
    }
    return person_invite(**{**values, **overrides})


def link_in(message) -> str:
    return re.search(
        r"https://pe\.example\.org(/accounts/password/reset/key/\S+)", message.body
    ).group(1)


def test_invited_person_has_an_account_without_a_password_and_an_unconfirmed_address():
    user = invite()
    assert user.email == "new.person@example.org"
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == (
        "new.person@example.org",
        True,
        False,
    )
    assert rules.roles_of(user) == {"reviewer"}


def test_invitation_email_holds_a_set_password_link():
    invite()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "reviewer" in message.subject.lower()
    assert link_in(message)


def test_invitation_is_audited_with_the_role_assignment():
    staff = person(Role.PROGRAM_STAFF)
    org = OrganizationFactory()
    user = invite(actor=staff, role=Role.TEAM_MEMBER, organization=org)
    actions = list(AuditEntry.objects.filter(actor=staff).values_list("action", flat=True))
    assert sorted(actions) == ["person.invite", "role.assign"]
    assert AuditEntry.objects.get(action="person.invite").object_id == str(user.pk)


def test_inviting_an_existing_address_is_refused():
    UserFactory(email="taken@example.org")
    with pytest.raises(ValidationError) as error:
        invite(email="Taken@example.org")
    assert "email" in error.value.message_dict
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert mail.outbox == []


def test_invited_person_sets_a_password_then_signs_in(client):
    invite()
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert "Choose a new password" in response.text
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "a-long-new-pass-phrase", "password2": "a-long-new-pass-phrase"},
        follow=True,
    )
    assert "Your password is set" in response.text
    assert EmailAddress.objects.get(email="new.person@example.org").verified
    assert AuditEntry.objects.filter(action="email.verify").exists()
    response = client.post(
        "/accounts/login/",
        {"login": "new.person@example.org", "password": "a-long-new-pass-phrase"},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_an_invitation_link_works_only_once(client):
    invite()
    link = link_in(mail.outbox[0])
    response = client.get(link, follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"password1": "a-long-new-pass-phrase", "password2": "a-long-new-pass-phrase"},
    )
    client.logout()
    response = client.get(link, follow=True)
    assert "This link has expired or is not valid" in response.text
