"""The team roster: 3 to 7 people, each once, an executive leader for the Action Community,
invitations and confirmations."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.applications import services
from pursuing_equity.applications.models import RosterMember
from pursuing_equity.applications.tests import factories as f


def save(app, members):
    return services.roster_save(
        actor=app.created_by, application=app, version=f.fresh(app).version, members=members
    )


def post_roster(client, app, members, version=None):
    data = {
        "version": version or f.fresh(app).version,
        "member-TOTAL_FORMS": len(members),
        "member-INITIAL_FORMS": 0,
    }
    for i, m in enumerate(members):
        data |= {
            f"member-{i}-full_name": m["full_name"],
            f"member-{i}-email": m["email"],
            f"member-{i}-title": m["title"],
            f"member-{i}-lenses": m["lenses"],
        }
    return client.post(reverse("application_team", args=[app.pk]), data)


@pytest.fixture
def app(db):
    return f.draft(cycle=f.open_cycle())


@pytest.mark.parametrize("size", [2, 8])
def test_a_roster_of_the_wrong_size_is_refused(app, size):
    with pytest.raises(ValidationError, match="3 to 7 people"):
        save(app, f.roster(size))
    assert not RosterMember.objects.exists()


@pytest.mark.parametrize("size", [2, 8])
def test_the_team_page_explains_a_wrong_size_and_keeps_what_was_typed(client, app, size):
    client.force_login(app.created_by)
    response = post_roster(client, app, f.roster(size))
    page = response.content.decode()
    assert response.status_code == 400
    assert f"this roster has {size}" in page
    assert "member2@example.org" in page
    assert not RosterMember.objects.exists()


def test_a_duplicate_email_is_refused_next_to_the_field(client, app):
    members = f.roster(4)
    members[3]["email"] = "MEMBER1@example.org"
    with pytest.raises(ValidationError, match="twice"):
        save(app, members)
    client.force_login(app.created_by)
    page = post_roster(client, app, members).content.decode()
    assert "already on the roster" in page


def test_the_action_community_requires_an_executive_leader(client, app):
    with pytest.raises(ValidationError, match="executive leader"):
        save(app, f.roster(4, executive=False))
    client.force_login(app.created_by)
    assert (
        "requires an executive leader"
        in post_roster(client, app, f.roster(4, executive=False)).content.decode()
    )


def test_the_learning_network_does_not_require_an_executive_leader(db):
    app = f.draft(cycle=f.open_cycle(), key="learning_network")
    saved = save(app, f.roster(3, executive=False))
    assert saved.roster.count() == 3


def test_each_member_is_invited_once_and_confirms(client, app):
    mail.outbox.clear()
    save(app, f.roster(4))
    assert sorted(m.to[0] for m in mail.outbox) == [f"member{i}@example.org" for i in range(1, 5)]
    member = RosterMember.objects.get(email="member2@example.org")
    link = reverse("application_roster_confirm", args=[member.token])
    assert link in next(m.body for m in mail.outbox if m.to == ["member2@example.org"])
    assert client.get(link).status_code == 200
    client.post(link)
    member.refresh_from_db()
    assert member.confirmed_at is not None
    # Saving again keeps the confirmation and invites only the new person.
    mail.outbox.clear()
    members = f.roster(5)
    save(app, members)
    assert [m.to for m in mail.outbox] == [["member5@example.org"]]
    assert RosterMember.objects.get(email="member2@example.org").confirmed_at is not None
    client.force_login(app.created_by)
    page = client.get(reverse("application_team", args=[app.pk])).content.decode()
    assert "Invited, not yet confirmed" in page and "Confirmed" in page


def test_a_bad_confirmation_link_is_not_found(client, db):
    assert client.get(reverse("application_roster_confirm", args=["nope"])).status_code == 404


def test_a_confirmed_member_with_an_account_may_edit_the_draft(client, app):
    from pursuing_equity.accounts.tests.factories import UserFactory

    save(app, f.roster(4))
    colleague = UserFactory(email="member3@example.org")
    client.force_login(colleague)
    url = reverse("application_readiness", args=[app.pk])
    assert client.get(url).status_code == 403
    services.roster_member_confirm(token=RosterMember.objects.get(email=colleague.email).token)
    assert client.get(url).status_code == 200
