import pytest

from pursuing_equity.accounts.tests.factories import OrganizationFactory, UserFactory, with_totp
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.core.services import audit_record, model_snapshot

pytestmark = pytest.mark.django_db


def test_audit_entry_keeps_who_what_and_before_after():
    actor, org = UserFactory(email="actor@example.org"), OrganizationFactory()
    entry = audit_record(
        actor=actor, action="organization.update", obj=org, before={"a": 1}, after={"a": 2, "b": 3}
    )
    assert (entry.actor_label, entry.object_type, entry.object_id) == (
        "actor@example.org",
        "accounts.Organization",
        str(org.pk),
    )
    assert entry.changed_keys == ["a", "b"]


def test_system_actions_are_labelled():
    entry = audit_record(actor=None, action="program.load", actor_label="load_program")
    assert entry.actor is None and entry.actor_label == "load_program"


def test_the_label_survives_the_account():
    actor = UserFactory(email="gone@example.org")
    entry = audit_record(actor=actor, action="x")
    actor.delete()
    entry.refresh_from_db()
    assert entry.actor is None and entry.actor_label == "gone@example.org"


def test_snapshot_is_json_ready():
    snapshot = model_snapshot(OrganizationFactory(), ["name", "created_at"])
    assert isinstance(snapshot["created_at"], str)


def test_audit_log_is_read_only_in_the_admin(client):
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))  # superusers need MFA
    entry = audit_record(actor=admin, action="x")
    client.force_login(admin)
    assert client.get("/admin/core/auditentry/").status_code == 200
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "tampered"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "x"
    for url in [
        "/admin/accounts/user/",
        "/admin/accounts/organization/",
        "/admin/accounts/roleassignment/",
        "/admin/core/capturedemail/",
    ]:
        assert client.get(url).status_code == 200, url
