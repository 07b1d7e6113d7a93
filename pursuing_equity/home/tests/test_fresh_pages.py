"""The audit log and the outbox are kept between requests ({% fresh %}): a change made through
the app shows at once, and a page kept for staff is never served to anyone else."""

import pytest

from pursuing_equity.accounts import services
from pursuing_equity.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_the_audit_log_shows_a_role_given_at_once(staff_client, personas):
    assert "role.assign</th>" not in staff_client.get("/staff/audit/").text
    assert "role.assign</th>" not in staff_client.get("/staff/audit/").text
    services.role_assign(
        actor=personas.people["staff"], user=personas.people["faculty"], role=Role.REVIEWER
    )
    assert "role.assign</th>" in staff_client.get("/staff/audit/").text


def test_the_outbox_shows_an_invitation_at_once(staff_client, personas, deliver_with):
    deliver_with("pursuing_equity.core.mail.CapturingEmailBackend")
    assert "kai@example.org" not in staff_client.get("/staff/outbox/").text
    assert "kai@example.org" not in staff_client.get("/staff/outbox/").text
    services.person_invite(
        actor=personas.people["staff"],
        email="kai@example.org",
        full_name="Kai Lee",
        role=Role.REVIEWER,
    )
    assert "kai@example.org" in staff_client.get("/staff/outbox/").text


@pytest.mark.parametrize("url", ["/staff/audit/", "/staff/outbox/"])
def test_a_kept_staff_page_is_still_refused_to_others(staff_client, client, personas, url):
    staff_client.get(url)
    assert staff_client.get(url).status_code == 200
    for name in ("faculty", "reviewer", "team_member_a"):
        client.force_login(personas.people[name])
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")
