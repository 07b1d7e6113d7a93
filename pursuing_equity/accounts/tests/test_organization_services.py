import pytest
from django.core.exceptions import ValidationError

from pursuing_equity.accounts.models import Organization
from pursuing_equity.accounts.services import organization_create, organization_update
from pursuing_equity.accounts.tests.factories import OrganizationFactory, UserFactory
from pursuing_equity.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def create(actor, **overrides):
    values = {
        "name": "Lakeside Community Health",
        "org_type": Organization.Type.FQHC,
        "state": "GA",
        "size": Organization.Size.SMALL,
        "populations_served": ["black", "rural"],
    }
    return organization_create(actor=actor, **{**values, **overrides})


def test_new_organization_gets_its_census_region_from_the_state():
    organization = create(UserFactory())
    assert organization.census_region == "South"
    assert organization.slug == "lakeside-community-health"


def test_organizations_with_the_same_name_get_different_slugs():
    actor = UserFactory()
    slugs = [create(actor).slug for _ in range(3)]
    assert slugs == [
        "lakeside-community-health",
        "lakeside-community-health-2",
        "lakeside-community-health-3",
    ]


def test_creating_an_organization_is_audited_with_its_facts():
    actor = UserFactory()
    organization = create(actor)
    entry = AuditEntry.objects.get(action="organization.create")
    assert entry.actor == actor
    assert entry.object_id == str(organization.pk)
    assert entry.after["state"] == "GA"
    assert entry.after["populations_served"] == ["black", "rural"]


def test_unknown_population_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as error:
        create(UserFactory(), populations_served=["martians"])
    assert "populations_served" in error.value.message_dict
    assert not Organization.objects.exists()
    assert not AuditEntry.objects.exists()


def test_unknown_state_is_refused():
    with pytest.raises(ValidationError) as error:
        create(UserFactory(), state="XX")
    assert "state" in error.value.message_dict


def test_update_moves_the_census_region_with_the_state_and_records_before_and_after():
    actor = UserFactory()
    organization = OrganizationFactory(state="IL", census_region="Midwest")
    organization_update(actor=actor, organization=organization, state="CA", city="Oakland")
    organization.refresh_from_db()
    assert (organization.state, organization.census_region, organization.city) == (
        "CA",
        "West",
        "Oakland",
    )
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.before["state"] == "IL" and entry.after["state"] == "CA"
    assert set(entry.changed_keys) == {"state", "census_region", "city"}


def test_update_that_changes_nothing_writes_no_audit_entry():
    organization = OrganizationFactory()
    organization_update(actor=UserFactory(), organization=organization, name=organization.name)
    assert not AuditEntry.objects.exists()


def test_update_keeps_the_slug_so_saved_links_still_work():
    organization = OrganizationFactory(slug="old-name")
    organization_update(actor=UserFactory(), organization=organization, name="A New Name")
    organization.refresh_from_db()
    assert organization.slug == "old-name"


def test_update_refuses_fields_that_are_not_editable():
    with pytest.raises(ValueError):
        organization_update(actor=UserFactory(), organization=OrganizationFactory(), slug="hijack")
