"""The dashboard, its downloads and the network view, tested from the outside."""

import csv
import io
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from equitystats import suppress
from pursuing_equity.measures.tests.dashboard_data import make_world, submit, synthetic_rows
from pursuing_equity.measures.tests.factories import measure

LABEL = suppress.label()  # "suppressed (fewer than 11)"


@pytest.fixture
def world(db):
    return make_world(months=12)


def url(measure, name="measure_dashboard", **kwargs):
    return reverse(
        name, kwargs={"team_slug": measure.team.slug, "measure_slug": measure.slug, **kwargs}
    )


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


def small_cells(html: str) -> list[str]:
    """Table cells holding a whole count from 1 to 10."""
    return [
        c for c in re.findall(r"<td>(\d[\d,]*)</td>", html) if 1 <= int(c.replace(",", "")) <= 10
    ]


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


def assert_count_published_or_suppressed(value) -> None:
    text = str(value)
    if text.startswith("suppressed"):
        return
    number = int(text.replace(",", ""))
    assert number == 0 or number > 10, f"count {number} shown outside the team"


# --- who gets in --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_and_sees_no_numbers(client, world):
    response = client.get(url(world.measure))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    for name, kwargs in [
        ("measure_dashboard_export", {"fmt": "csv"}),
        ("measure_chart_image", {"chart": "overall", "fmt": "svg"}),
    ]:
        assert client.get(url(world.measure, name, **kwargs)).status_code == 302
    assert client.get(reverse("measures_network")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,target",
    [
        ("ln_member", "measure"),  # a Learning Network team, another cohort
        ("ac_peer", "ln_measure"),  # an Action Community team reading a Learning Network team
        ("ln_other_small_cohort", "ln_measure"),  # another small cohort
        ("other_faculty", "measure"),  # faculty who do not coach the team
        ("reviewer", "measure"),
        ("applicant", "measure"),
    ],
)
def test_outsiders_get_403_and_no_numbers(client, world, who, target):
    measure = getattr(world, target)
    as_(client, world.people[who])
    for address in [
        url(measure),
        url(measure, "measure_dashboard_export", fmt="csv") + "?table=rates",
        url(measure, "measure_dashboard_export", fmt="xlsx"),
        url(measure, "measure_chart_image", chart="overall", fmt="svg"),
    ]:
        response = client.get(address)
        assert response.status_code == 403, address
        body = response.content.decode()
        assert measure.name not in body
        assert "%" not in body.split("<main", 1)[-1] and not small_cells(body)


@pytest.mark.django_db
def test_unknown_team_or_measure_is_404(client, world):
    as_(client, world.people["staff"])
    bad = reverse("measure_dashboard", kwargs={"team_slug": "nope", "measure_slug": "nope"})
    assert client.get(bad).status_code == 404


# --- what each one sees ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_team_reads_its_own_unsuppressed_dashboard(client, world):
    response = as_(client, world.people["team_member"]).get(url(world.measure))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shared view" not in html
    assert small_cells(html), "the team sees its small counts"
    for heading in (
        "Is the gap closing?",
        "Progress toward the aims",
        "Gaps against White",
        "Is the gap closing?",
        "Disparity measures",
        "Data quality",
    ):
        assert heading in html
    assert "The trend test finds" in html and "over the next 6 months" in html
    assert 'data-measure-chart="overall-spec"' in html and 'id="overall-spec"' in html
    assert "<details>" in html and "<caption>" in html


@pytest.mark.django_db
def test_the_dashboard_leads_with_one_answer_line_per_gap(client, world):
    response = as_(client, world.people["team_member"]).get(url(world.measure))
    html = response.content.decode()
    dashboard = response.context["dashboard"]
    answer = html[html.index('id="answer-heading"') : html.index('id="overall-heading"')]
    assert "gap = group rate − reference rate, in percentage points" in answer
    lines = re.findall(r'<li class="(\w+)">(.*?)</li>', answer, re.S)
    assert [verdict for verdict, _ in lines] == [g.verdict for g in dashboard.gap.groups]
    assert dashboard.gap.groups, "the world has groups to compare"
    for (verdict, line), (n, g) in zip(
        lines, enumerate(dashboard.gap.groups, start=1), strict=True
    ):
        assert verdict in {"closing", "widening", "signal", "none", "unknown"}
        assert g.verdict_label in line and g.label in line
        if verdict != "unknown":
            assert g.evidence in line and "periods with data" in line
            assert ("rule fired" in g.evidence) == (verdict == "none")
        assert f'href="#gap-{n}"' in line and f'id="gap-{n}"' in html
    # The answer comes before every chart and every detail section.
    assert html.index('id="answer-heading"') < html.index('data-measure-chart="overall-spec"')
    assert html.index('id="overall-heading"') < html.index('id="groups-details"')


@pytest.mark.django_db
def test_gap_sentences_carry_the_sign_the_gap_chart_plots(client, world):
    dashboard = (
        as_(client, world.people["team_member"]).get(url(world.measure)).context["dashboard"]
    )
    assert "group − reference" in str(dashboard.specs["gaps"])
    for g in dashboard.gap.groups:
        if g.last_gap is None or g.verdict == "unknown" or round(g.last_gap, 1) == 0:
            continue
        said = re.search(r" and ([+−]\d+\.\d) in ", g.summary)
        assert said, g.summary
        assert float(said.group(1).replace("−", "-")) == pytest.approx(g.last_gap, abs=0.051)
        # The sentence's number is the mean of the last plotted gaps, sign included.
        k = min(3, len(g.points) // 2)
        plotted = sum(p["gap"] for p in g.points[-k:]) / k
        assert plotted == pytest.approx(g.last_gap, abs=0.02)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["ac_peer", "coach", "staff"])
def test_everyone_outside_the_team_sees_it_suppressed(client, world, who):
    response = as_(client, world.people[who]).get(url(world.measure))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shared view" in html
    assert LABEL in html
    assert small_cells(html) == []
    dashboard = response.context["dashboard"]
    assert dashboard.suppressed
    for spec in dashboard.specs.values():
        for values in spec["datasets"].values():
            for point in values:
                for key in ("numerator", "denominator"):
                    if key in point:
                        assert_count_published_or_suppressed(point[key])


@pytest.mark.django_db
def test_learning_network_small_cohort_peers_and_coach_see_it_suppressed(client, world):
    for who in ("ln_small_cohort_peer", "small_cohort_coach"):
        client.logout()
        response = as_(client, world.people[who]).get(url(world.ln_measure))
        assert response.status_code == 200
        assert "<strong>Shared view.</strong>" in response.content.decode()  # suppressed
        assert small_cells(response.content.decode()) == []


@pytest.mark.django_db
def test_bad_stratifier_is_answered_next_to_the_field(client, world):
    response = as_(client, world.people["team_member"]).get(url(world.measure) + "?stratifier=<b>x")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="stratifier-errors"' in html and "not one of the available choices" in html
    ok = client.get(url(world.measure) + "?stratifier=language")
    assert ok.context["dashboard"].stratifier == "language"


# --- downloads ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_export_outside_the_team_is_suppressed(client, world):
    as_(client, world.people["ac_peer"])
    rows = csv_rows(
        client.get(url(world.measure, "measure_dashboard_export", fmt="csv") + "?table=rates")
    )
    assert rows and {"numerator", "denominator", "rate_percent"} <= set(rows[0])
    for row in rows:
        assert_count_published_or_suppressed(row["numerator"])
        assert_count_published_or_suppressed(row["denominator"])
        if row["numerator"].startswith("suppressed"):
            assert row["rate_percent"] == "" and row["ci_low"] == ""
    assert any(row["numerator"] == LABEL for row in rows)
    for table in ("gaps", "disparity", "comparisons", "quality", "aims"):
        response = client.get(
            url(world.measure, "measure_dashboard_export", fmt="csv") + f"?table={table}"
        )
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_xlsx_export_outside_the_team_is_suppressed(client, world):
    as_(client, world.people["staff"])
    response = client.get(url(world.measure, "measure_dashboard_export", fmt="xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["rates", "gaps", "disparity", "comparisons", "quality", "aims"]
    rows = list(book["rates"].iter_rows(values_only=True))
    header = rows[0]
    num, den = header.index("numerator"), header.index("denominator")
    for row in rows[1:]:
        assert_count_published_or_suppressed(row[num])
        assert_count_published_or_suppressed(row[den])
    assert any(row[num] == LABEL for row in rows[1:])


@pytest.mark.django_db
def test_the_team_downloads_its_own_counts(client, world):
    as_(client, world.people["team_member"])
    rows = csv_rows(client.get(url(world.measure, "measure_dashboard_export", fmt="csv")))
    assert not any(r["numerator"].startswith("suppressed") for r in rows)
    assert any(1 <= int(r["numerator"].replace(",", "")) <= 10 for r in rows)


@pytest.mark.django_db
def test_comparisons_download_has_score_intervals_and_says_which_groups_are_summarised(
    client, world
):
    as_(client, world.people["team_member"])
    export = url(world.measure, "measure_dashboard_export", fmt="csv") + "?table=comparisons"
    rows = csv_rows(client.get(export))
    assert rows and set(rows[0]) >= {"difference_points", "difference_low", "ratio_high"}
    for row in rows:
        assert float(row["difference_low"]) <= float(row["difference_points"])
        assert float(row["difference_points"]) <= float(row["difference_high"])
        assert row["in_summary_measures"] in ("yes", "no")


@pytest.mark.django_db
def test_charts_download_as_svg_and_png(client, world):
    as_(client, world.people["ac_peer"])
    svg = client.get(url(world.measure, "measure_chart_image", chart="gaps", fmt="svg"))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    png = client.get(url(world.measure, "measure_chart_image", chart="overall", fmt="png"))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,kwargs,query",
    [
        ("measure_dashboard_export", {"fmt": "pdf"}, ""),
        ("measure_dashboard_export", {"fmt": "csv"}, "?table=secrets"),
        ("measure_chart_image", {"chart": "nope", "fmt": "svg"}, ""),
        ("measure_chart_image", {"chart": "overall", "fmt": "gif"}, ""),
    ],
)
def test_bad_download_requests_are_404_not_500(client, world, name, kwargs, query):
    as_(client, world.people["team_member"])
    assert client.get(url(world.measure, name, **kwargs) + query).status_code == 404


# --- speed ----------------------------------------------------------------------------------------


def _queries(client, address) -> list[str]:
    """The queries of the page computed (not served from what ``{% fresh %}`` kept)."""
    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(address).status_code == 200
    return [q["sql"] for q in context.captured_queries]


@pytest.mark.django_db
def test_dashboard_makes_a_fixed_number_of_queries(client, world):
    """The measure, the aims, the current submission ids and (cold cache only) the counts,
    however many periods and groups; the layout's own queries (session, user, navigation) come
    on top and are the same on every page."""
    as_(client, world.people["ac_peer"])
    cold = _queries(client, url(world.measure))
    warm = _queries(client, url(world.measure))
    ours = [q for q in cold if '"measures_' in q.split("FROM", 1)[-1].split("WHERE", 1)[0]]
    assert len(ours) == 4, ours
    assert len(cold) == len(warm) + 1
    small = measure(world.ac_team, world.people["team_member"], name="Small measure")
    submit(small, synthetic_rows(months=2, strata=("race_ethnicity",)), world.people["team_member"])
    assert len(_queries(client, url(small))) == len(cold)


# --- the network view ------------------------------------------------------------------------


@pytest.mark.django_db
def test_network_view_shows_staff_every_team_with_a_table(client, world):
    response = as_(client, world.people["staff"]).get(reverse("measures_network"))
    assert response.status_code == 200
    panels = response.context["panels"]
    assert {p.team for p in panels} == {world.ac_team.name, world.ln_a.name}
    html = response.content.decode()
    assert 'id="network-spec"' in html and "<caption>" in html
    assert small_cells(html) == []


@pytest.mark.django_db
def test_network_view_filters_by_cohort_area_and_signal(client, world):
    as_(client, world.people["staff"])
    ln = client.get(reverse("measures_network") + "?cohort=learning_network").context["panels"]
    assert [p.team for p in ln] == [world.ln_a.name]
    area = client.get(reverse("measures_network") + "?focus_area=colorectal_cancer_screening")
    assert [p.measure for p in area.context["panels"]] == [world.ln_measure.name]
    closing = client.get(reverse("measures_network") + "?signal=closing").context["panels"]
    assert all(p.closing for p in closing)
    quiet = client.get(reverse("measures_network") + "?signal=none").context["panels"]
    assert all(not p.signal for p in quiet)
    assert len(closing) + len(quiet) <= 2


@pytest.mark.django_db
def test_network_view_bad_filter_is_answered_next_to_the_field(client, world):
    response = as_(client, world.people["staff"]).get(reverse("measures_network") + "?signal=maybe")
    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()


@pytest.mark.django_db
def test_faculty_see_only_the_teams_they_coach_in_the_network(client, world):
    panels = as_(client, world.people["coach"]).get(reverse("measures_network")).context["panels"]
    assert [p.team for p in panels] == [world.ac_team.name]
    client.logout()
    other = as_(client, world.people["other_faculty"]).get(reverse("measures_network"))
    assert other.context["panels"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["team_member", "ac_peer", "ln_member", "funder"])
def test_network_view_is_forbidden_to_teams(client, world, who):
    response = as_(client, world.people[who]).get(reverse("measures_network"))
    assert response.status_code == 403
    assert world.ac_team.name not in response.content.decode()


@pytest.mark.django_db
def test_network_csv_is_suppressed_summary_only(client, world):
    as_(client, world.people["staff"])
    rows = csv_rows(client.get(reverse("measures_network") + "?format=csv"))
    assert {r["team"] for r in rows} == {world.ac_team.name, world.ln_a.name}
    assert set(rows[0]) >= {"first_gap", "last_gap", "signal", "closing"}
