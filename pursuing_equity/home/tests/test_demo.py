"""The demo: a deterministic fictional network, and ``manage.py demo`` that loads it idempotently."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from pursuing_equity.accounts.demo import DEMO_PASSWORD, demo_network
from pursuing_equity.accounts.geography import REGIONS, census_region
from pursuing_equity.accounts.models import (
    Organization,
    OrganizationType,
    Role,
    RoleAssignment,
    User,
)
from pursuing_equity.core.models import AuditEntry
from pursuing_equity.programs.models import ActivityMonth, Cohort, Cycle

CENSUS_REGIONS = {"Northeast", "Midwest", "South", "West"}


@pytest.fixture(autouse=True)
def _demo_settings(settings):
    settings.PE_DEMO = True  # as `make demo` runs it; without it the command refuses


@pytest.fixture(autouse=True)
def _network_only(monkeypatch):
    """These tests are about the network; each app tests its own demo step (DEMO_STEPS)."""
    monkeypatch.setattr("pursuing_equity.home.management.commands.demo.DEMO_STEPS", ())


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organization,
            User,
            RoleAssignment,
            EmailAddress,
            Cycle,
            Cohort,
            ActivityMonth,
        )
    }


# --- the network, without a database -----------------------------------------------------------


def test_the_same_seed_gives_the_same_network_and_another_seed_a_different_one():
    assert demo_network(7) == demo_network(7)
    assert demo_network(7) != demo_network(8)


def test_about_sixty_organizations_of_every_type_in_every_region_and_a_territory():
    organizations = demo_network().organizations
    assert 55 <= len(organizations) <= 65
    assert {o.org_type for o in organizations} == set(OrganizationType.values)
    regions = {census_region(o.state) for o in organizations}
    assert regions >= CENSUS_REGIONS and "Territories" in regions
    assert len({o.size for o in organizations}) >= 3
    assert len({p for o in organizations for p in o.populations_served}) >= 10
    assert len({o.name for o in organizations}) == len(organizations)


def test_organizations_and_people_are_fictional_on_reserved_domains():
    network = demo_network()
    assert all(o.website.endswith(".example.org") for o in network.organizations)
    assert all(p.email.endswith("example.org") for p in network.people)
    assert all(p.email.isascii() for p in network.people)
    assert len({p.email for p in network.people}) == len(network.people)


def test_a_dozen_teams_of_three_to_seven_with_two_senior_leaders_and_some_partners():
    network = demo_network()
    teams = network.team_organizations
    assert len(teams) == 12
    for name in teams:
        members = [p for p in network.people if p.organization == name]
        assert 3 <= sum(p.role == Role.TEAM_MEMBER for p in members) <= 7
        assert sum(p.role == Role.SENIOR_LEADER for p in members) == 2
    with_partner = {p.organization for p in network.people_in(Role.COMMUNITY_PARTNER)}
    assert 0 < len(with_partner) < len(teams)


def test_program_wide_roles_and_one_applicant_without_a_role():
    network = demo_network()
    expected = {Role.PROGRAM_STAFF: 3, Role.FACULTY: 6, Role.REVIEWER: 6, Role.FUNDER: 2, None: 1}
    for role, count in expected.items():
        assert len(network.people_in(role)) == count, role


# --- manage.py demo ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_the_demo_twice_gives_the_same_data():
    run_demo()
    first = counts()
    run_demo()
    assert counts() == first
    assert first["Organization"] == len(demo_network().organizations)
    assert first["User"] == len(demo_network().people)
    assert first["Cycle"] == 1


@pytest.mark.django_db
def test_every_role_has_a_person_and_organizations_span_regions_and_types():
    run_demo()
    for role in Role.values:
        assert RoleAssignment.objects.filter(role=role).exists(), role
    # the four census regions and the territories
    assert set(Organization.objects.values_list("census_region", flat=True)) == set(REGIONS)
    assert set(Organization.objects.values_list("org_type", flat=True)) == set(
        OrganizationType.values
    )


@pytest.mark.django_db
def test_demo_loads_the_program_so_that_today_is_in_its_ninth_month():
    run_demo()
    cycle = Cycle.objects.get()
    assert cycle.demo_dates
    assert cycle.month_number(timezone.localdate()) == 9


@pytest.mark.django_db
def test_demo_people_sign_in_with_the_shared_password_and_a_verified_address():
    run_demo()
    person = demo_network().people_in(Role.TEAM_MEMBER)[0]
    address = EmailAddress.objects.get(email=person.email)
    assert address.verified and address.primary
    assert Client().login(email=person.email, password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_writes_go_through_the_audited_services():
    run_demo()
    network = demo_network()
    assert AuditEntry.objects.filter(action="organization.create").count() == len(
        network.organizations
    )
    assert AuditEntry.objects.filter(action="role.assign").count() == RoleAssignment.objects.count()
    assert AuditEntry.objects.filter(action="person.create").count() == len(network.people)


@pytest.mark.django_db
def test_demo_prints_one_login_per_role_and_the_address():
    output = run_demo("--url", "http://demo.test:8000/")
    network = demo_network()
    for role in [*Role.values, None]:
        assert network.people_in(role)[0].email in output, role
    assert DEMO_PASSWORD in output
    assert "http://demo.test:8000/accounts/login/" in output


@pytest.mark.django_db
def test_reset_deletes_and_recreates_the_demo_people_and_organizations():
    run_demo()
    person = demo_network().people_in(Role.FUNDER)[0]
    User.objects.filter(email=person.email).update(full_name="Changed")
    before = counts()
    run_demo("--reset")
    assert counts() == before
    assert User.objects.get(email=person.email).full_name == person.full_name


@pytest.mark.django_db
def test_every_demo_login_reaches_its_home_page(settings):
    settings.PE_REQUIRE_MFA = False  # as `make demo` runs it
    run_demo()
    network = demo_network()
    for role in [*Role.values, None]:
        client = Client()
        assert client.login(email=network.people_in(role)[0].email, password=DEMO_PASSWORD), role
        response = client.get("/home/")
        assert response.status_code == 200, role
        assert "Demo dates" in response.text, role


@pytest.mark.django_db
def test_demo_refuses_to_run_without_demo_settings(settings):
    from django.core.management.base import CommandError

    settings.PE_DEMO = False
    with pytest.raises(CommandError, match="PE_DEMO=1"):
        run_demo()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_printed_team_logins_are_on_real_rosters_and_the_coach_coaches_their_small_cohort():
    from pursuing_equity.teams.models import SmallCohort, Team, TeamMember

    run_demo()
    network = demo_network()
    cycle = Cycle.objects.get()
    partner = network.people_in(Role.COMMUNITY_PARTNER)[0]
    colleagues = [p for p in network.people if p.organization == partner.organization]
    leader = next(p for p in colleagues if p.role == Role.SENIOR_LEADER)
    member = next(p for p in colleagues if p.role == Role.TEAM_MEMBER)
    ac = Team.objects.create(
        cycle=cycle,
        cohort=cycle.cohorts.get(key="action_community"),
        organization=Organization.objects.get(name=partner.organization),
        name=partner.organization,
        slug="ac-team",
    )
    for person, part in ((leader, "senior_leader"), (member, "member")):
        TeamMember.objects.create(team=ac, user=User.objects.get(email=person.email), part=part)
    coach = User.objects.get(email=network.people_in(Role.FACULTY)[-1].email)
    ln_cohort = cycle.cohorts.get(key="learning_network")
    small = SmallCohort.objects.create(cycle=cycle, cohort=ln_cohort, name="Small 1", coach=coach)
    other = next(p for p in network.people_in(Role.TEAM_MEMBER) if p.organization != ac.name)
    ln = Team.objects.create(
        cycle=cycle,
        cohort=ln_cohort,
        organization=Organization.objects.get(name=other.organization),
        name=other.organization,
        slug="ln-team",
        small_cohort=small,
    )
    TeamMember.objects.create(team=ln, user=User.objects.get(email=other.email), part="member")

    output = run_demo()
    lines = {line.split("  ")[0]: line for line in output.splitlines()}
    assert partner.email in lines["Community partner (same team)"]
    assert TeamMember.objects.filter(team=ac, user__email=partner.email).exists()
    assert leader.email in lines["Senior leader (same team)"]
    assert member.email in lines["Team member (Action Community)"]
    assert other.email in lines["Team member (Learning Network)"]
    assert coach.email in lines["Faculty / coach"]
    run_demo()
    assert TeamMember.objects.filter(team=ac, user__email=partner.email).count() == 1
