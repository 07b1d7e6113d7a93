"""Who reads a submitted update follows the program file's ``[measures.sharing]``: tested from
the outside by changing the cycle's document."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.reporting import selectors, services
from pursuing_equity.reporting.tests import factories


def set_sharing(cycle, **sharing) -> None:
    cycle.document["measures"]["sharing"].update(sharing)
    cycle.save()


def submitted(team, writer):
    """The team's update or reflection for its last period whose due day has passed."""
    rule = services.rule_of(team)
    today = timezone.localdate()
    period = selectors.started_periods(team.cycle, rule, today)[-2]
    return factories.update(
        team, writer, period, submit=True, now=factories.on_due_day(team, period)
    )


def detail(update):
    return reverse("update_detail", args=[update.team.slug, update.period_key])


@pytest.mark.django_db
def test_action_community_updates_stay_in_the_team_when_the_program_says_so(client, network):
    update = submitted(network.ac, network.member)
    client.force_login(network.other_member)
    assert client.get(detail(update)).status_code == 200
    assert update in client.get(reverse("updates")).context["shared"]

    set_sharing(network.ac.cycle, action_community="team")
    response = client.get(detail(update))
    assert response.status_code == 403
    assert update.progress not in response.content.decode()
    listing = client.get(reverse("updates"))
    assert update not in listing.context["shared"]
    assert network.ac.name not in listing.content.decode()
    client.force_login(network.leader)
    assert client.get(detail(update)).status_code == 200


@pytest.mark.django_db
def test_learning_network_reflections_reach_the_whole_cohort_when_the_program_says_so(
    client, network
):
    update = submitted(network.ln, network.ln_member)
    client.force_login(network.ln_far)
    assert client.get(detail(update)).status_code == 403

    set_sharing(network.ac.cycle, learning_network="cohort")
    assert client.get(detail(update)).status_code == 200
    assert update in client.get(reverse("updates")).context["shared"]
    client.force_login(network.other_member)  # the Action Community: never
    assert client.get(detail(update)).status_code == 403
