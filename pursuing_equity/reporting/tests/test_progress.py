"""Progress scores on IHI's collaborative assessment scale: the team's and the faculty's."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.reporting.models import ProgressScore


def rate(client, team, rater, score="2.5", month=None, justification="Tests under way."):
    month = month or f"{timezone.localdate():%Y-%m}"
    return client.post(
        reverse("progress", args=[team.slug]),
        {
            "rater": rater,
            f"{rater}-month": month,
            f"{rater}-score": score,
            f"{rater}-justification": justification,
        },
    )


@pytest.mark.django_db
def test_team_and_faculty_ratings_are_shown_side_by_side(client, network):
    client.force_login(network.member)
    page = client.get(reverse("progress", args=[network.ac.slug]))
    assert "Changes tested, but no improvement" in page.text  # the definitions, from the file
    assert (
        rate(client, network.ac, "team", "2.5", justification="Two tests run.").status_code == 302
    )
    client.force_login(network.coach)
    assert (
        rate(client, network.ac, "faculty", "2.0", justification="No data yet.").status_code == 302
    )
    page = client.get(reverse("progress", args=[network.ac.slug]))
    assert "Two tests run." in page.text and "No data yet." in page.text
    assert '"$schema"' in page.text  # the chart, with the table as its alternative
    # A second rating of the same month replaces the first.
    rate(client, network.ac, "faculty", "3.0", justification="Data arrived.")
    assert ProgressScore.objects.get(rater="faculty").score == 3


@pytest.mark.django_db
def test_scores_off_the_scale_and_future_months_are_refused(client, network):
    client.force_login(network.member)
    response = rate(client, network.ac, "team", "2.7")
    assert response.status_code == 400 and "Select a valid choice" in response.text
    response = rate(client, network.ac, "team", month="2099-01")
    assert response.status_code == 400
    response = rate(client, network.ac, "team", justification="")
    assert response.status_code == 400 and "This field is required." in response.text
    assert not ProgressScore.objects.exists()


@pytest.mark.django_db
def test_members_cannot_give_the_faculty_rating_and_other_teams_see_nothing(client, network):
    client.force_login(network.member)
    assert rate(client, network.ac, "faculty").status_code == 403
    client.force_login(network.other_member)
    assert client.get(reverse("progress", args=[network.ac.slug])).status_code == 403
    client.force_login(network.faculty)
    assert rate(client, network.ac, "team").status_code == 403
    assert not ProgressScore.objects.exists()
