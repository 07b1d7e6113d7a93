"""Who sees and writes what: the sharing rules as a matrix of people × reports."""

import pytest

from pursuing_equity.core.tests.shared_data import shared
from pursuing_equity.reporting import rules
from pursuing_equity.reporting.tests import factories
from pursuing_equity.reporting.tests.conftest import Network

PEOPLE = [
    "anonymous",
    "applicant",
    "staff",
    "faculty",
    "coach",
    "member",
    "leader",
    "alternate",
    "partner",
    "other_member",
    "ln_member",
    "ln_peer",
    "ln_far",
]

# Who can read: a draft AC update, a submitted AC update, a submitted LN reflection (team ln).
VIEW = {
    "anonymous": (False, False, False),
    "applicant": (False, False, False),
    "staff": (True, True, True),
    "faculty": (False, True, True),
    "coach": (True, True, True),
    "member": (True, True, False),
    "leader": (True, True, False),
    "alternate": (True, True, False),
    "partner": (True, True, False),
    "other_member": (False, True, False),
    "ln_member": (False, False, True),
    "ln_peer": (False, False, True),
    "ln_far": (False, False, False),
}
WRITE = {"member", "partner"}
REFLECT = {"leader", "alternate"}
COMMENT = {"staff", "faculty", "coach"}
PROGRESS = {"staff", "faculty", "coach", "member", "leader", "alternate", "partner"}


def _network_and_reports():
    network = Network()
    return network, _reports(network)


# One network and its reports for the module, rolled back after each test
# (see core/tests/shared_data.py).
built, built_once = shared(_network_and_reports, name="built")


@pytest.fixture
def network(built):
    return built[0]


@pytest.fixture
def reports(built):
    return built[1]


def _reports(network):
    draft = factories.update(network.ac, network.member)
    submitted = factories.update(
        network.ac, network.member, factories.started_period(network.ac, 2), submit=True
    )
    ln_start = factories.cycle().starts_on
    reflection = factories.update(network.ln, network.ln_member, ln_start, submit=True)
    return draft, submitted, reflection


def who(network, name):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if name == "anonymous" else getattr(network, name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_who_can_read_each_report(network, reports, name):
    user = who(network, name)
    assert tuple(rules.can_view_update(user, r) for r in reports) == VIEW[name]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PEOPLE)
def test_who_can_write_reflect_comment_and_see_progress(network, reports, name):
    user = who(network, name)
    draft, submitted, _ = reports
    assert rules.can_edit_update(user, draft) == (name in WRITE)
    assert rules.can_edit_update(user, submitted) is False
    assert rules.can_reflect_on_update(user, submitted) == (name in REFLECT)
    assert rules.can_reflect_on_update(user, draft) is False
    assert rules.can_comment_on_update(user, submitted) == (name in COMMENT)
    assert rules.can_comment_on_update(user, draft) is False
    assert rules.can_view_progress(user, network.ac) == (name in PROGRESS)
    assert rules.can_view_submission_grid(user) == (name in {"staff", "faculty", "coach"})


@pytest.mark.django_db
def test_learning_network_leaders_are_not_asked_for_a_reflection(network, reports):
    from pursuing_equity.teams.models import TeamMember

    leader = factories.member(network.ln, TeamMember.Part.SENIOR_LEADER)
    assert not rules.can_reflect_on_update(leader, reports[2])
