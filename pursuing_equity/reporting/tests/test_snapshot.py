"""The charts a submitted update embeds: the measure dashboard's own, as of the submission day,
in the shared (suppressed) view, with the team's PDSA cycles; drawn again in the PDF digest."""

import datetime
import re

import pytest

from pursuing_equity.measures import stored
from pursuing_equity.reporting import charts, services
from pursuing_equity.reporting.digest import digest_pdf
from pursuing_equity.reporting.tests import factories

GROUPS = {"black": (3, 40), "white": (60, 100), "asian": (30, 50), "hispanic": (45, 90)}


@pytest.fixture
def measure(network):
    m = factories.measure(
        network.ac, name="Blood pressure control", reference_groups={"race_ethnicity": "white"}
    )
    for months_ago in (4, 3, 2, 1):
        factories.counts(m, factories.started_period(network.ac, months_ago), GROUPS)
    return m


def small_counts(entries) -> list[str]:
    """Whole counts from 1 to 10 anywhere in the tables of the entries."""
    cells = [str(cell) for e in entries for row in e["rows"] for cell in row]
    return [c for c in cells if re.fullmatch(r"\d+", c) and 1 <= int(c) <= 10]


@pytest.mark.django_db
def test_the_snapshot_is_the_dashboards_shared_view_as_of_the_day(network, measure):
    as_of = factories.started_period(network.ac, 2) + datetime.timedelta(days=9)
    entries = charts.snapshot(network.ac, as_of)
    assert [(e["measure_id"], e["chart"]) for e in entries] == [
        (measure.pk, "overall"),
        (measure.pk, "gaps"),
    ]
    (view,) = stored.dashboards_as_of([measure], as_of)
    assert entries[0]["spec"] == view.specs["overall"]
    assert entries[1]["spec"] == view.specs["gaps"]
    # three periods had begun by then; the last one had not
    assert len(entries[0]["rows"]) == 3 == len(view.periods)
    assert max(view.periods) < factories.started_period(network.ac, 1)
    # shared beyond the team: no count from 1 to 10, the small group left out and named
    assert small_counts(entries) == []
    points = [p for e in entries for values in e["spec"]["datasets"].values() for p in values]
    labels = [str(p.get(k, "")) for p in points for k in ("numerator", "denominator")]
    assert not [x for x in labels if x.isdigit() and 1 <= int(x) <= 10]
    # complementary suppression hides one more group, so the small one cannot be recovered
    assert "Not shown (counts suppressed): Asian, Black or African American." in entries[1]["note"]
    assert all(row[0] != "Black or African American" for row in entries[1]["rows"])


@pytest.mark.django_db
def test_pdsa_cycles_begun_by_the_day_are_marked_on_the_snapshot(network, measure):
    before = factories.started_period(network.ac, 3) + datetime.timedelta(days=3)
    after = factories.started_period(network.ac, 1) + datetime.timedelta(days=3)
    for day, idea in ((before, "Text reminders"), (after, "Evening clinics")):
        services.pdsa_cycle_save(
            actor=network.member, team=network.ac, change_idea=idea, started_on=day,
            measure=measure,
        )  # fmt: skip
    entries = charts.snapshot(network.ac, factories.started_period(network.ac, 2))
    for entry in entries:
        (marker,) = entry["spec"]["datasets"]["annotations"]
        assert (marker["number"], marker["period"]) == (1, before.isoformat())
        assert marker["change"] == "PDSA: Text reminders"
        # The key printed under the chart (page and PDF digest) uses the same number.
        assert entry["changes"] == [
            [1, f"{before:%B} {before.day}, {before.year}", marker["change"]]
        ]


@pytest.mark.django_db
def test_a_team_without_data_gets_no_charts(network):
    factories.measure(network.ac)
    assert charts.snapshot(network.ac, factories.started_period(network.ac, 1)) == []


@pytest.mark.django_db
def test_the_digest_draws_the_snapshot_charts(network, measure, django_capture_on_commit_callbacks):
    period = factories.started_period(network.ac, 2)
    with django_capture_on_commit_callbacks(execute=True):
        update = factories.update(network.ac, network.member, period, submit=True)
    update.refresh_from_db()
    assert [c["chart"] for c in update.charts] == ["overall", "gaps"]
    for chart in update.charts:
        svg = charts.to_svg(chart["spec"])
        assert svg is not None and svg.lstrip().startswith("<svg")
    pdf = digest_pdf(factories.cycle(), period)
    assert pdf.startswith(b"%PDF-")
