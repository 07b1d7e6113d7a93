import pytest

from pursuing_equity.reporting.tests import factories
from pursuing_equity.teams.models import TeamMember


class Network:
    """Two Action Community teams, two Learning Network teams in different small cohorts,
    a coach, faculty, staff and an outsider."""

    def __init__(self):
        from pursuing_equity.accounts.models import Role
        from pursuing_equity.accounts.tests.factories import person

        self.staff = person(Role.PROGRAM_STAFF)
        self.faculty = person(Role.FACULTY)
        self.coach = person(Role.FACULTY)
        self.applicant = person()
        self.ac = factories.team(name="Riverbend Health", slug="riverbend", coach=self.coach)
        self.member = factories.member(self.ac)
        self.member2 = factories.member(self.ac)
        self.leader = factories.member(self.ac, TeamMember.Part.SENIOR_LEADER)
        self.alternate = factories.member(self.ac, TeamMember.Part.ALTERNATE_LEADER)
        self.partner = factories.member(self.ac, TeamMember.Part.COMMUNITY_PARTNER)
        self.ac_other = factories.team(name="Cedar Hollow Clinic", slug="cedar")
        self.other_member = factories.member(self.ac_other)
        self.small_x = factories.small_cohort("Cohort X")
        self.small_y = factories.small_cohort("Cohort Y")
        self.ln = factories.team("learning_network", small_cohort=self.small_x, slug="ln-x1")
        self.ln_member = factories.member(self.ln)
        self.ln_peer_team = factories.team(
            "learning_network", small_cohort=self.small_x, slug="ln-x2"
        )
        self.ln_peer = factories.member(self.ln_peer_team)
        self.ln_far_team = factories.team(
            "learning_network", small_cohort=self.small_y, slug="ln-y1"
        )
        self.ln_far = factories.member(self.ln_far_team)


@pytest.fixture
def network(db):
    return Network()
