"""PDSA cycles: logged by the team, linked as ramps, shown as annotations on the measure's charts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.reporting import selectors, services
from pursuing_equity.reporting.models import PdsaCycle
from pursuing_equity.reporting.tests import factories


def form(**fields):
    data = {
        "change_idea": "Text reminders in Spanish",
        "started_on": "2023-03-01",
        "prediction": "More returns",
        "decision": "",
    }
    data.update(fields)
    return data


@pytest.mark.django_db
def test_a_member_logs_a_cycle_and_a_second_one_of_the_same_ramp(client, network):
    measure = factories.measure(network.ac)
    client.force_login(network.member)
    url = reverse("pdsa_create", args=[network.ac.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, form(measure=measure.pk, decision="adapt"))
    assert response.status_code == 302
    first = PdsaCycle.objects.get()
    response = client.post(
        url,
        form(
            change_idea="Reminders in Spanish and Haitian Creole",
            parent=first.pk,
            started_on="2023-04-03",
            measure=measure.pk,
        ),
    )
    second = PdsaCycle.objects.exclude(pk=first.pk).get()
    assert second.parent == first
    page = client.get(reverse("pdsa_detail", args=[network.ac.slug, first.pk]))
    assert "Reminders in Spanish and Haitian Creole" in page.text  # the ramp's next cycle
    pages = [reverse("pdsa_detail", args=[network.ac.slug, c.pk]) for c in (first, second)]
    assert selectors.pdsa_annotations(measure) == [
        (datetime.date(2023, 3, 1), "PDSA: Text reminders in Spanish (adapt)", pages[0]),
        (datetime.date(2023, 4, 3), "PDSA: Reminders in Spanish and Haitian Creole", pages[1]),
    ]


@pytest.mark.django_db
def test_bad_input_is_answered_next_to_the_field(client, network):
    client.force_login(network.member)
    url = reverse("pdsa_create", args=[network.ac.slug])
    response = client.post(url, form(change_idea="", started_on="not a date", decision="maybe"))
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Enter a valid date." in response.text
    assert not PdsaCycle.objects.exists()


@pytest.mark.django_db
def test_another_teams_measure_or_cycle_cannot_be_linked(client, network):
    foreign_measure = factories.measure(network.ac_other)
    client.force_login(network.member)
    url = reverse("pdsa_create", args=[network.ac.slug])
    response = client.post(url, form(measure=foreign_measure.pk))
    assert response.status_code == 400 and not PdsaCycle.objects.exists()


@pytest.mark.django_db
def test_a_ramp_cannot_loop(network):
    first = services.pdsa_cycle_save(
        actor=network.member, team=network.ac, change_idea="A", started_on=datetime.date(2023, 3, 1)
    )
    second = services.pdsa_cycle_save(
        actor=network.member,
        team=network.ac,
        change_idea="B",
        started_on=datetime.date(2023, 4, 1),
        parent=first,
    )
    with pytest.raises(ValidationError, match="cannot build on itself"):
        services.pdsa_cycle_save(
            actor=network.member,
            team=network.ac,
            cycle=first,
            change_idea="A",
            started_on=datetime.date(2023, 3, 1),
            parent=second,
        )


@pytest.mark.django_db
def test_who_sees_and_edits_cycles(client, network):
    cycle = services.pdsa_cycle_save(
        actor=network.ln_member,
        team=network.ln,
        change_idea="Interpreter huddles",
        started_on=datetime.date(2023, 3, 1),
    )
    detail = reverse("pdsa_detail", args=[network.ln.slug, cycle.pk])
    edit = reverse("pdsa_edit", args=[network.ln.slug, cycle.pk])
    assert client.get(detail).status_code == 302
    client.force_login(network.ln_far)
    response = client.get(detail)
    assert response.status_code == 403 and "Interpreter huddles" not in response.text
    client.force_login(network.ln_peer)
    assert client.get(detail).status_code == 200
    assert client.get(edit).status_code == 403
    client.force_login(network.ln_member)
    assert client.get(edit).status_code == 200


@pytest.mark.django_db
def test_the_cycles_appear_on_the_measure_dashboard_charts_and_table(client, network):
    measure = factories.measure(network.ac)
    for months_ago in (3, 2, 1):
        factories.counts(
            measure,
            factories.started_period(network.ac, months_ago),
            {"black": (40, 100), "white": (60, 100)},
        )
    started = factories.started_period(network.ac, 2) + datetime.timedelta(days=5)
    services.pdsa_cycle_save(
        actor=network.member, team=network.ac, change_idea="Text reminders in Spanish",
        started_on=started, measure=measure, decision="adapt",
    )  # fmt: skip
    url = reverse("measure_dashboard", args=[network.ac.slug, measure.slug])
    for viewer in (network.member, network.other_member):  # the team, and a peer team
        client.force_login(viewer)
        page = client.get(url)
        dashboard = page.context["dashboard"]
        cycle = PdsaCycle.objects.get()
        detail = reverse("pdsa_detail", args=[network.ac.slug, cycle.pk])
        assert dashboard.annotations == (
            (started, "PDSA: Text reminders in Spanish (adapt)", detail),
        )
        for chart in ("overall", "gaps"):
            (marker,) = dashboard.specs[chart]["datasets"]["annotations"]
            assert (marker["number"], marker["period"]) == (1, started.isoformat())
        # The key under the chart: the marker's number, the date, the change linked to its page.
        assert "Changes tested (PDSA cycles), numbered as on the charts" in page.text
        assert f'<a href="{detail}">PDSA: Text reminders in Spanish (adapt)</a>' in page.text
