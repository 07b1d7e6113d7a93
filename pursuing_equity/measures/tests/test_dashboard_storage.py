"""Dashboards computed ahead and stored in the database: after new data, used while current,
recomputed when anything in their key changes; the as-of view a monthly update embeds."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from pursuing_equity.measures import choices, publication, results, services
from pursuing_equity.measures import dashboard as assembly
from pursuing_equity.measures import stored as stored_results
from pursuing_equity.measures.models import DashboardResult
from pursuing_equity.measures.selectors import current_counts
from pursuing_equity.measures.tests.dashboard_data import make_world, submit, synthetic_rows
from pursuing_equity.measures.tests.factories import measure
from pursuing_equity.programs.models import Cycle

SETTINGS = choices.ChartSettings()


@pytest.fixture
def world(db):
    return make_world(months=12)


def url(m):
    return reverse("measure_dashboard", kwargs={"team_slug": m.team.slug, "measure_slug": m.slug})


def stored(m) -> dict[tuple[str, str], DashboardResult]:
    return {(r.kind, r.variant): r for r in DashboardResult.objects.filter(measure=m)}


def no_computing(monkeypatch):
    """Make any computing fail: what is served must come from the stored results."""

    def refuse(*args, **kwargs):
        raise AssertionError("computed although a current result was stored")

    for module, name in (
        (stored_results, "compute"),
        (stored_results, "publish"),
        (stored_results, "publish_release"),
        (stored_results, "focal_panel"),
        (assembly, "publish"),
    ):
        monkeypatch.setattr(module, name, refuse)


# --- the codec -----------------------------------------------------------------------------------


def test_a_dashboard_survives_the_trip_through_json_unchanged():
    rows = synthetic_rows(months=14, strata=("race_ethnicity", "language"))
    for suppressed in (True, False):
        dashboard = assembly.compute(
            _plain_measure(), rows, aims=[], suppressed=suppressed, stratifier=None,
            settings=SETTINGS,
        )  # fmt: skip
        text = json.dumps(results.encode(dashboard), allow_nan=False)  # PostgreSQL has no NaN
        assert results.decode(assembly.Dashboard, json.loads(text)) == dashboard
    published = publication.publish(rows, suppressed=True, threshold=11)
    text = json.dumps(results.encode(published), allow_nan=False)
    assert results.decode(publication.Published, json.loads(text)) == published


def _plain_measure():
    from pursuing_equity.measures.models import Measure

    return Measure(
        pk=1,
        name="Blood pressure control",
        slug="bp",
        frequency="monthly",
        improvement="increase",
        stratifiers=["race_ethnicity", "language"],
        reference_groups={"race_ethnicity": "white"},
    )


# --- computed after new data, used while current ------------------------------------------------


@pytest.mark.django_db
def test_confirming_data_stores_the_dashboards_and_the_network_panel(world):
    rows = stored(world.measure)
    assert set(rows) == {
        ("published", "shared"),
        ("dashboard", "shared"),
        ("dashboard", "team"),
        ("panel", "shared"),
    }
    shared = results.decode(assembly.Dashboard, json.loads(rows["dashboard", "shared"].data))
    team = results.decode(assembly.Dashboard, json.loads(rows["dashboard", "team"].data))
    assert shared.suppressed and not team.suppressed
    # the stored shared view is exactly what computing it now gives: suppression unchanged
    counts = current_counts(world.measure)
    fresh = assembly.compute(
        world.measure, counts, aims=[], suppressed=True, stratifier=None, settings=SETTINGS
    )
    assert shared == fresh
    assert any(r["suppressed"] for r in shared.table)
    assert not any(r["suppressed"] for r in team.table)


@pytest.mark.django_db
def test_pages_use_the_stored_results_without_computing(client, world, monkeypatch):
    no_computing(monkeypatch)
    client.force_login(world.people["ac_peer"])
    page = client.get(url(world.measure))
    assert page.status_code == 200 and page.context["dashboard"].suppressed
    client.force_login(world.people["team_member"])
    page = client.get(url(world.measure))
    assert page.status_code == 200 and not page.context["dashboard"].suppressed
    client.force_login(world.people["staff"])
    panels = client.get(reverse("measures_network")).context["panels"]
    assert {p.team for p in panels} == {world.ac_team.name, world.ln_a.name}


def set_aim(world, target_gap="4"):
    return services.aim_set(
        measure=world.measure,
        actor=world.people["team_member"],
        stratifier="race_ethnicity",
        group="black",
        reference="white",
        baseline_gap=Decimal("12"),
        target_gap=Decimal(target_gap),
        target_date=datetime.date(2025, 12, 31),
    )


@pytest.mark.django_db
def test_a_stale_result_is_computed_again_and_stored(client, world, settings):
    # the worker has not run the queued task yet
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    before = stored(world.measure)["dashboard", "shared"].key
    set_aim(world)
    assert stored(world.measure)["dashboard", "shared"].key == before
    client.force_login(world.people["ac_peer"])
    page = client.get(url(world.measure))
    assert [a.target_gap for a in page.context["dashboard"].aims] == [4.0]
    after = stored(world.measure)
    assert after["dashboard", "shared"].key != before
    # an aim does not change what is published: the costly suppression was not redone
    assert after["published", "shared"].computed_at < after["dashboard", "shared"].computed_at


@pytest.mark.django_db
def test_a_new_aim_is_computed_ahead_keeping_the_published_counts(client, world, monkeypatch):
    before = stored(world.measure)
    set_aim(world)
    after = stored(world.measure)
    for kind in (("dashboard", "shared"), ("dashboard", "team"), ("panel", "shared")):
        assert after[kind].key != before[kind].key, kind
    published = after["published", "shared"]
    assert (published.key, published.computed_at) == (
        before["published", "shared"].key,
        before["published", "shared"].computed_at,
    )
    no_computing(monkeypatch)  # the next reader finds everything stored
    client.force_login(world.people["ac_peer"])
    page = client.get(url(world.measure))
    assert [a.target_gap for a in page.context["dashboard"].aims] == [4.0]
    client.force_login(world.people["staff"])
    assert client.get(reverse("measures_network")).status_code == 200


@pytest.mark.django_db
def test_a_new_definition_is_computed_ahead(client, world, monkeypatch):
    before = stored(world.measure)
    services.measure_update(
        measure=world.measure, actor=world.people["team_member"], name="BP under control"
    )
    after = stored(world.measure)
    assert after["dashboard", "team"].key != before["dashboard", "team"].key
    assert after["published", "shared"].computed_at == before["published", "shared"].computed_at
    no_computing(monkeypatch)
    client.force_login(world.people["team_member"])
    page = client.get(url(world.measure))
    assert page.context["dashboard"].overall.title == "BP under control: everyone"


@pytest.mark.django_db
def test_a_new_version_of_a_period_replaces_the_stored_results(world):
    before = {k: r.key for k, r in stored(world.measure).items()}
    rows = synthetic_rows(months=1, seed=9, start="2024-12")
    submit(world.measure, rows, world.people["team_member"])
    after = {k: r.key for k, r in stored(world.measure).items()}
    assert set(after) == set(before)
    assert all(after[k] != before[k] for k in before)
    shared = results.decode(
        assembly.Dashboard, json.loads(stored(world.measure)["dashboard", "shared"].data)
    )
    assert shared.periods[-1] == datetime.date(2024, 12, 1)


@pytest.mark.django_db
def test_changing_the_programs_chart_settings_invalidates_stored_results(client, world):
    client.force_login(world.people["ac_peer"])
    assert client.get(url(world.measure)).context["dashboard"].overall.chart_type == "run"
    cycle = Cycle.objects.get(pk=world.ac_team.cycle_id)
    cycle.document = {**cycle.document, "measures": {"control_limits_min_points": 8}}
    cycle.save(update_fields=["document"])
    cache.clear()  # a new process: only the database is shared
    before = stored(world.measure)["dashboard", "shared"].key
    page = client.get(url(world.measure))
    assert page.context["dashboard"].overall.chart_type == "p"
    assert stored(world.measure)["dashboard", "shared"].key != before


@pytest.mark.django_db
def test_new_chart_rules_keep_the_stored_published_counts(client, world, monkeypatch):
    published = stored(world.measure)["published", "shared"]
    cycle = Cycle.objects.get(pk=world.ac_team.cycle_id)
    cycle.document = {**cycle.document, "measures": {"chart_rules": "anhoej"}}
    cycle.save(update_fields=["document"])

    def refuse(*args, **kwargs):
        raise AssertionError("suppressed again although only the chart rules changed")

    monkeypatch.setattr(stored_results, "publish_release", refuse)
    client.force_login(world.people["ac_peer"])
    page = client.get(url(world.measure))
    assert page.status_code == 200 and page.context["dashboard"].suppressed
    after = stored(world.measure)["published", "shared"]
    assert (after.key, after.computed_at) == (published.key, published.computed_at)


@pytest.mark.django_db
def test_a_new_threshold_publishes_the_counts_again(client, world):
    before = stored(world.measure)["published", "shared"].key
    cycle = Cycle.objects.get(pk=world.ac_team.cycle_id)
    cycle.document = {**cycle.document, "measures": {"suppression_threshold": 20}}
    cycle.save(update_fields=["document"])
    client.force_login(world.people["ac_peer"])
    assert client.get(url(world.measure)).status_code == 200
    assert stored(world.measure)["published", "shared"].key != before


@pytest.mark.django_db
def test_a_shared_panel_never_falls_back_to_unsuppressed_counts(client, world, monkeypatch):
    DashboardResult.objects.filter(kind="panel").delete()
    monkeypatch.setattr(stored_results, "_shared_published", lambda *args: {})
    client.force_login(world.people["staff"])
    with pytest.raises(KeyError):
        client.get(reverse("measures_network"))
    assert not DashboardResult.objects.filter(kind="panel").exists()


@pytest.mark.django_db
def test_another_stratifier_is_stored_as_its_own_result(client, world):
    client.force_login(world.people["ac_peer"])
    page = client.get(url(world.measure) + "?stratifier=language")
    assert page.context["dashboard"].stratifier == "language"
    assert ("dashboard", "shared:language") in stored(world.measure)


# --- as of a date --------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [4, 7, 11])
def test_published_until_equals_publishing_only_the_periods_by_then(months):
    """Suppression protects each period on its own, so cutting the published table equals
    publishing the cut counts (what lets a monthly update reuse the stored suppression)."""
    rows = synthetic_rows(months=12, patients=(40, 120), completeness="poor", seed=3)
    periods = sorted({r.period for r in rows})
    as_of = periods[months - 1] + datetime.timedelta(days=9)
    full = publication.publish(rows, suppressed=True, threshold=11)
    assert any(c.numerator is None for g in full.cells.values() for cs in g.values() for c in cs)
    cut = [r for r in rows if r.period <= as_of]
    present = {(r.stratifier, r.group) for r in cut}
    expected = publication.publish(cut, suppressed=True, threshold=11)
    assert publication.published_until(full, as_of, present) == expected


@pytest.mark.django_db
def test_dashboards_as_of_show_the_shared_view_up_to_that_day(world):
    periods = sorted({r.period for r in current_counts(world.measure)})
    as_of = periods[5] + datetime.timedelta(days=12)
    notes = {world.measure.pk: [(periods[2], "Text reminders"), (periods[8], "Later change")]}
    (view,) = stored_results.dashboards_as_of([world.measure], as_of, annotations=notes)
    assert view.suppressed
    assert view.periods == tuple(periods[:6])
    assert [(note.day, note.label) for note in view.annotations] == [(periods[2], "Text reminders")]
    (marker,) = view.specs["overall"]["datasets"]["annotations"]
    assert (marker["period"], marker["number"]) == (periods[2].isoformat(), 1)
    counts = [r for r in current_counts(world.measure) if r.period <= as_of]
    direct = assembly.compute(
        world.measure, counts, aims=[], suppressed=True, stratifier=None, settings=SETTINGS
    )
    assert view.table == direct.table and view.gap == direct.gap


@pytest.mark.django_db
def test_a_measure_without_data_gives_an_empty_view_as_of_any_day(world):
    empty = measure(world.ac_team, world.people["team_member"], name="No data yet")
    (view,) = stored_results.dashboards_as_of([empty], datetime.date(2024, 6, 1))
    assert not view.has_data and view.specs == {}


@pytest.mark.django_db
def test_the_kept_page_body_shows_a_new_period_and_a_renamed_team_at_once(client, world):
    client.force_login(world.people["team_member"])
    before = client.get(url(world.measure)).content.decode()
    assert "January 2025" not in before
    submit(
        world.measure,
        synthetic_rows(months=1, seed=9, start="2025-01"),
        world.people["team_member"],
    )
    after = client.get(url(world.measure)).content.decode()
    assert "January 2025" in after
    world.ac_team.name = "Renamed Health Center"
    world.ac_team.save(update_fields=["name"])
    assert "Renamed Health Center" in client.get(url(world.measure)).content.decode()


@pytest.mark.django_db
def test_the_kept_network_results_follow_new_data(client, world):
    client.force_login(world.people["staff"])
    network = reverse("measures_network")
    before = client.get(network).content.decode()
    assert "January 2025" not in before
    submit(
        world.measure,
        synthetic_rows(months=1, seed=9, start="2025-01"),
        world.people["team_member"],
    )
    assert "January 2025" in client.get(network).content.decode()
