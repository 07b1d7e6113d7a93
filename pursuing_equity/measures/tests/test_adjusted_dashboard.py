"""The dashboard's age-adjusted section, from the outside: there for a measure fed by an extract
with ages, absent otherwise, suppressed for a peer, toggled between adjusted and crude."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pursuing_equity.measures import charts, choices, services
from pursuing_equity.measures.models import AgeCount, Measure
from pursuing_equity.measures.sample_extract import age_extract_csv
from pursuing_equity.measures.stored import measure_dashboard
from pursuing_equity.measures.tests.dashboard_data import make_world
from pursuing_equity.measures.tests.factories import measure

TODAY = datetime.date(2024, 6, 15)
HEADING = "Rates by race and ethnicity: Age-adjusted (2000 U.S. standard)"


def extract_fed(team, actor, *, patients=1500) -> Measure:
    m = measure(team, actor, name="Blood pressure control (EHR extract)")
    data = age_extract_csv(start=datetime.date(2024, 1, 1), months=3, patients=patients, seed=3)
    checked, upload = services.submission_validate(
        measure=m,
        actor=actor,
        source="upload_extract",
        file=SimpleUploadedFile("bp.csv", data),
        today=TODAY,
    )
    assert checked.ok, checked.problems[:3]
    services.submission_confirm(upload=upload, actor=actor)
    return m


@pytest.fixture
def world(db):
    world = make_world(months=3)
    world.extract_measure = extract_fed(world.ac_team, world.people["team_member"])
    return world


def page(client, user, m, query=""):
    client.force_login(user)
    url = reverse("measure_dashboard", kwargs={"team_slug": m.team.slug, "measure_slug": m.slug})
    response = client.get(url + query)
    assert response.status_code == 200
    return response.text


def adjusted_rows(html: str) -> dict[str, list[list[str]]]:
    """Rows of the age-adjusted table by group: the cells after the group's header cell."""
    section = html.split('id="adjusted"', 1)[1].split("</section>", 1)[0]
    out: dict[str, list[list[str]]] = {}
    for group, cells in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', section):
        out.setdefault(group, []).append(re.findall(r"<td>(.*?)</td>", cells))
    return out


@pytest.mark.django_db
def test_the_team_sees_age_adjusted_rates_for_the_measure_fed_by_an_extract_with_ages(
    client, world
):
    html = page(client, world.people["team_member"], world.extract_measure)
    assert HEADING in html
    assert 'data-measure-chart="adjusted-spec"' in html
    assert '<strong aria-current="true">Age-adjusted (2000 U.S. standard)</strong>' in html
    rows = adjusted_rows(html)
    white = rows["White"]
    assert len(white) == 3 and all(r[3] != "—" for r in white)  # an adjusted rate each month
    black = rows["Black or African American"]
    assert all(r[5] != "—" for r in black)  # a gap against White on adjusted rates
    stored = measure_dashboard(world.extract_measure, world.people["team_member"])
    assert stored.adjusted.bands == ("15-44", "45-64", "65-74", "75+")
    assert "adjusted" in stored.specs and "adjusted_crude" in stored.specs
    charts.validate(stored.specs["adjusted"])
    charts.validate(stored.specs["adjusted_crude"])


@pytest.mark.django_db
def test_no_age_adjusted_section_for_a_measure_without_ages(client, world):
    html = page(client, world.people["team_member"], world.measure)
    assert 'id="adjusted"' not in html
    assert "Age-adjusted" not in html


@pytest.mark.django_db
def test_the_section_shows_crude_rates_when_asked_and_says_so(client, world):
    html = page(client, world.people["team_member"], world.extract_measure, "?rates=crude")
    assert "Rates by race and ethnicity: Crude</h2>" in html
    assert '<strong aria-current="true">Crude rates</strong>' in html
    assert "rates=adjusted#adjusted" in html


@pytest.mark.django_db
def test_a_peer_sees_no_adjusted_rate_built_on_a_small_cell(client, world):
    peer = world.people["ac_peer"]
    html = page(client, peer, world.extract_measure)
    assert HEADING in html
    assert "Outside the team an age-adjusted rate is shown only where" in html
    rows = adjusted_rows(html)
    threshold = choices.chart_settings(world.ac_team.cycle).threshold
    cells = AgeCount.objects.filter(
        submission__measure=world.extract_measure, submission__is_current=True
    )
    small = {
        (c.submission.period.strftime("%Y-%m"), c.group)
        for c in cells.select_related("submission")
        if 0 < c.numerator <= threshold or 0 < c.denominator <= threshold
    }
    assert ("2024-01", "aian") in small  # the sample's smallest group has small age cells
    labels = {"aian": "American Indian or Alaska Native", "white": "White"}
    assert labels["aian"] in rows
    for period, group in small:
        if group not in labels:
            continue
        for r in rows.get(labels[group], []):
            if r[0] == period:
                assert r[1:4] == ["—", "—", "—"], (group, period, r)
                assert r[-1].startswith("hidden outside the team")
    # and the team itself sees that group's rate where every band has patients
    team_rows = adjusted_rows(page(client, world.people["team_member"], world.extract_measure))
    assert any(r[3] != "—" for r in team_rows[labels["aian"]]) or all(
        r[-1].startswith("no patients") for r in team_rows[labels["aian"]]
    )


def export(client, user, m, table="adjusted"):
    client.force_login(user)
    url = reverse(
        "measure_dashboard_export",
        kwargs={"team_slug": m.team.slug, "measure_slug": m.slug, "fmt": "csv"},
    )
    return client.get(f"{url}?table={table}")


@pytest.mark.django_db
def test_the_adjusted_rates_download_as_csv_as_the_viewer_sees_them(client, world):
    import csv
    import io

    def rows(user):
        response = export(client, user, world.extract_measure)
        assert response.status_code == 200
        text = b"".join(response.streaming_content if response.streaming else [response.content])
        return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))

    team = rows(world.people["team_member"])
    assert {r["standard"] for r in team} == {"Age-adjusted (2000 U.S. standard)"}
    assert all(r["adjusted_rate_percent"] for r in team if r["group"] == "white")
    peer = rows(world.people["ac_peer"])
    hidden = [r for r in peer if r["note"].startswith("hidden outside the team")]
    assert hidden and all(r["adjusted_rate_percent"] == "" for r in hidden)
    assert export(client, world.people["team_member"], world.measure).status_code == 404


@pytest.mark.django_db
def test_the_upload_pages_say_ages_are_welcome_and_were_counted(client, world):
    m = measure(world.ac_team, world.people["team_member"], name="Diabetes A1c control")
    client.force_login(world.people["team_member"])
    kwargs = {"team_slug": m.team.slug, "measure_slug": m.slug}
    form = client.get(reverse("measure_upload_extract", kwargs=kwargs)).text
    assert "Add an <code>age</code> column" in form
    data = age_extract_csv(start=datetime.date(2024, 1, 1), months=1, patients=50, seed=1)
    response = client.post(
        reverse("measure_upload_extract", kwargs=kwargs),
        {"file": SimpleUploadedFile("e.csv", data)},
        follow=True,
    )
    assert "its groups were also counted by age band" in response.text
