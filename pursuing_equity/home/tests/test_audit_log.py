import pytest

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.core.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/staff/audit/", "/staff/outbox/"])
@pytest.mark.parametrize("name", ["applicant", "faculty", "reviewer", "team_member_a", "funder"])
def test_staff_pages_are_forbidden_to_everyone_else(client, personas, url, name):
    client.force_login(personas.people[name])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/staff/audit/", "/staff/outbox/"])
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, url):
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_audit_log_filters_by_action_actor_and_type(staff_client, personas):
    staff, leader = personas.people["staff"], personas.people["senior_leader_a"]
    audit_record(actor=staff, action="organization.update", obj=personas.org_a)
    audit_record(actor=leader, action="role.assign", obj=personas.org_b, note="unique-note")
    text = staff_client.get("/staff/audit/?action=role.assign").text
    assert "role.assign</th>" in text and "organization.update</th>" not in text
    text = staff_client.get(f"/staff/audit/?actor={leader.email}").text
    assert "role.assign</th>" in text and "organization.update</th>" not in text
    text = staff_client.get(
        "/staff/audit/?object_type=accounts.Organization&date_from=2000-01-01"
    ).text
    assert "2 entries" in text


def test_audit_log_survives_bad_filters(staff_client, personas):
    response = staff_client.get("/staff/audit/?date_from=yesterday&action=nope&page=zzz")
    assert response.status_code == 200
    response = staff_client.get("/staff/audit/?date_from=2025-02-01&date_to=2025-01-01")
    assert "The end date is before the start date" in response.text


def test_audit_log_shows_fifty_entries_a_page(staff_client, personas):
    AuditEntry.objects.bulk_create(
        AuditEntry(actor_label="script", action=f"thing.{i}") for i in range(51)
    )
    first = staff_client.get("/staff/audit/").text
    assert first.count('<th scope="row">thing.') == 50
    assert "Page 1 of 2" in first
    assert staff_client.get("/staff/audit/?page=2").text.count('<th scope="row">thing.') == 1


def test_audit_entry_shows_before_and_after_of_each_changed_key(staff_client, personas):
    entry = audit_record(
        actor=personas.people["staff"],
        action="organization.update",
        obj=personas.org_a,
        before={"city": "Springfield", "size": "medium"},
        after={"city": "Shelbyville", "size": "medium"},
    )
    text = staff_client.get(f"/staff/audit/{entry.pk}/").text
    assert "<del>Springfield</del>" in text and "<ins>Shelbyville</ins>" in text
    assert '<th scope="row">size</th>' not in text
