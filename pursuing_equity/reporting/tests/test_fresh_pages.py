"""The reporting pages keep their HTML ({% fresh %}): a page requested again shows a change made
through the app's services at once, and keeping it for one person never opens it to another."""

import pytest
from django.urls import reverse

from pursuing_equity.core.tests.query_counts import read_twice
from pursuing_equity.reporting import services
from pursuing_equity.reporting.tests import factories


def refused(client, people, url) -> None:
    for who in people:
        client.force_login(who)
        assert client.get(url).status_code == 403, who
    client.logout()
    assert client.get(url).status_code == 302


@pytest.fixture
def submitted(network):
    """Last month's update of the Action Community team, submitted."""
    return factories.update(
        network.ac, network.member, factories.started_period(network.ac, 1), submit=True
    )


def detail_url(update):
    return reverse("update_detail", args=[update.team.slug, update.period_key])


@pytest.mark.django_db
def test_the_updates_page_shows_a_submitted_update_and_a_reflection_at_once(
    client, network, submitted
):
    page = read_twice(client, network.leader, reverse("updates"))
    assert "Waiting for your reflection" in page
    services.reflection_write(actor=network.leader, update=submitted, text="Well done.")
    assert "Waiting for your reflection" not in client.get(reverse("updates")).text
    period = factories.started_period(network.ac, 2)
    link = reverse("update_detail", args=[network.ac.slug, f"{period:%Y-%m}"])
    assert link not in read_twice(client, network.member, reverse("updates"))
    factories.update(network.ac, network.member, period, submit=True)
    assert link in client.get(reverse("updates")).text


@pytest.mark.django_db
def test_the_updates_page_kept_for_a_team_shows_another_team_its_own(client, network, submitted):
    assert network.ac.name in read_twice(client, network.member, reverse("updates"))
    client.force_login(network.ln_far)
    page = client.get(reverse("updates")).text
    assert network.ln_far_team.name in page and network.ac.name not in page
    client.logout()
    assert client.get(reverse("updates")).status_code == 302


@pytest.mark.django_db
def test_an_update_shows_a_comment_and_a_reflection_at_once(client, network, submitted):
    url = detail_url(submitted)
    page = read_twice(client, network.leader, url)
    assert "Send my reflection" in page and "No comments yet." in page
    services.comment_add(actor=network.coach, update=submitted, text="Strong learning here.")
    assert "Strong learning here." in client.get(url).text
    services.reflection_write(actor=network.leader, update=submitted, text="Proud of this team.")
    page = client.get(url).text
    assert "Proud of this team." in page and "Send my reflection" not in page


@pytest.mark.django_db
def test_a_kept_update_still_answers_a_bad_reflection_with_its_error(client, network, submitted):
    read_twice(client, network.leader, detail_url(submitted))
    response = client.post(
        reverse("reflection_write", args=[network.ac.slug, submitted.period_key]), {"text": ""}
    )
    assert response.status_code == 400
    assert "Please correct the problem shown below." in response.text


@pytest.mark.django_db
def test_a_draft_kept_for_its_team_stays_refused_to_others(client, network):
    draft = factories.update(network.ac, network.member, factories.started_period(network.ac, 0))
    url = detail_url(draft)
    read_twice(client, network.member, url)
    refused(client, [network.other_member, network.ln_far, network.applicant], url)


@pytest.mark.django_db
def test_the_grid_shows_a_new_submission_at_once(client, network):
    period = factories.started_period(network.ac, 1)
    link = f"{reverse('team_updates', args=[network.ac.slug])}{period:%Y-%m}/"
    assert link not in read_twice(client, network.staff, reverse("submission_grid"))
    factories.update(network.ac, network.member, period, submit=True)
    assert link in client.get(reverse("submission_grid")).text


@pytest.mark.django_db
def test_the_grid_kept_for_staff_stays_refused_to_teams_and_visitors(client, network):
    read_twice(client, network.staff, reverse("submission_grid"))
    refused(client, [network.member, network.leader, network.applicant], reverse("submission_grid"))
