"""Milestones: statuses, evidence that must be the team's own, proposals from data, the board."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.measures.services import aim_set
from pursuing_equity.outcomes import selectors, selectors_milestones, services
from pursuing_equity.outcomes.models import Evidence, Milestone
from pursuing_equity.outcomes.proposals import GapFacts, TeamFacts, propose
from pursuing_equity.outcomes.tests import factories as f
from pursuing_equity.reporting.tests import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _aim(team, actor):
    measure = rf.measure(team)
    period = rf.started_period(team, 1)
    rf.counts(measure, period, {"white": (20, 40), "black": (15, 40)})
    return aim_set(
        measure=measure,
        actor=actor,
        stratifier="race_ethnicity",
        group="black",
        reference="white",
        baseline_gap=Decimal("10"),
        target_gap=Decimal("2"),
        target_date=period.replace(year=period.year + 1),
    )


# --- proposals (pure) ---------------------------------------------------------------------------


def test_a_closing_gap_proposes_the_capability_to_close_gaps_achieved():
    gap = GapFacts("BP control", "narrowed", True, True, "Narrowed from 12 to 4 points.")
    proposal = propose("gap_closing", TeamFacts(gaps=(gap,)))
    assert proposal.status == "achieved" and "BP control" in proposal.reason


def test_a_narrowing_gap_without_a_signal_is_only_in_progress():
    gap = GapFacts("BP control", "narrowed", False, False, "Narrowed a little.")
    assert propose("gap_closing", TeamFacts(gaps=(gap,))).status == "in_progress"
    assert propose("gap_closing", TeamFacts()).status == "not_started"


def test_an_aim_proposes_key_aims_achieved_and_a_measure_alone_in_progress():
    assert propose("aim_set", TeamFacts(measures=("BP",), aims=1)).status == "achieved"
    assert propose("aim_set", TeamFacts(measures=("BP",))).status == "in_progress"
    assert propose("", TeamFacts()) is None


def test_six_periods_of_stratified_data_show_an_equity_lens_on_data():
    assert propose("stratified_data", TeamFacts(stratified_periods=6)).status == "achieved"
    assert propose("stratified_data", TeamFacts(stratified_periods=2)).status == "in_progress"


# --- services -------------------------------------------------------------------------------------


def test_confirming_a_status_records_who_and_when_and_is_audited(w):
    team, staff = w["team_a"], w["staff"]
    m = services.milestone_status_set(
        actor=staff, team=team, key="close_equity_gaps", status="achieved", note="Sustained."
    )
    assert m.status == "achieved" and m.changed_by == staff and m.status_on is not None
    entry = AuditEntry.objects.get(action="milestone.status")
    assert entry.after["status"] == "achieved" and entry.before["status"] == "not_started"


def test_a_milestone_of_another_cohort_or_a_future_date_is_refused(w):
    with pytest.raises(ValidationError) as error:
        services.milestone_status_set(
            actor=w["staff"], team=w["team_a"], key="key_aims", status="achieved"
        )
    assert "key" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.milestone_status_set(
            actor=w["staff"],
            team=w["team_a"],
            key="close_equity_gaps",
            status="in_progress",
            status_on=datetime.date.today() + datetime.timedelta(days=3),
        )
    assert "status_on" in error.value.message_dict


def test_evidence_must_belong_to_the_team(w):
    aim_b = _aim(w["team_b"], w["outsider"])
    with pytest.raises(ValidationError) as error:
        services.milestone_evidence_add(
            actor=w["writer"],
            team=w["team_a"],
            key="clinical_progress",
            kind="aim",
            object_id=aim_b.pk,
        )
    assert "is not one of" in error.value.message_dict["evidence"][0]
    assert not Evidence.objects.exists()


def test_evidence_links_once_and_is_audited(w):
    aim = _aim(w["team_a"], w["writer"])
    services.milestone_evidence_add(
        actor=w["writer"], team=w["team_a"], key="clinical_progress", kind="aim", object_id=aim.pk
    )
    with pytest.raises(ValidationError):
        services.milestone_evidence_add(
            actor=w["writer"],
            team=w["team_a"],
            key="clinical_progress",
            kind="aim",
            object_id=aim.pk,
        )
    assert AuditEntry.objects.filter(action="milestone.evidence_add").count() == 1


def test_the_database_refuses_evidence_whose_link_does_not_match_its_kind(w):
    aim = _aim(w["team_a"], w["writer"])
    milestone = Milestone.objects.create(team=w["team_a"], key="clinical_progress")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(milestone=milestone, kind="update", aim=aim)


def test_the_proposal_comes_from_the_teams_data(w):
    _aim(w["team_a"], w["writer"])
    views = selectors_milestones.milestone_views([w["team_a"]])[w["team_a"].pk]
    long_haul = next(v for v in views if v.key == "long_haul_capacity")
    assert long_haul.proposal.status == "in_progress" and long_haul.to_confirm


# --- pages ----------------------------------------------------------------------------------------


def test_staff_confirm_a_proposed_milestone_on_the_board(client, w):
    _aim(w["team_a"], w["writer"])
    client.force_login(w["staff"])
    page = client.get(reverse("milestone_board"), {"cohort": "action_community"})
    assert page.status_code == 200
    assert b"Confirm: In progress" in page.content
    response = client.post(
        reverse("milestone_status", args=[w["team_a"].slug, "long_haul_capacity"]),
        {"long_haul_capacity-status": "in_progress", "back": "board", "cohort": "action_community"},
    )
    assert response.status_code == 302 and "cohort=action_community" in response["Location"]
    assert Milestone.objects.get(team=w["team_a"], key="long_haul_capacity").status == "in_progress"


def test_a_team_member_adds_evidence_from_the_team_page_but_cannot_set_a_status(client, w):
    aim = _aim(w["team_a"], w["writer"])
    client.force_login(w["writer"])
    page = client.get(reverse("team_outcomes", args=[w["team_a"].slug]))
    assert page.status_code == 200 and b"Add evidence" in page.content
    assert b"Record the status" not in page.content
    response = client.post(
        reverse("milestone_evidence_add", args=[w["team_a"].slug, "clinical_progress"]),
        {"clinical_progress-evidence-evidence": f"aim:{aim.pk}"},
    )
    assert response.status_code == 302
    page = client.get(reverse("team_outcomes", args=[w["team_a"].slug]))
    assert b"Aim: Reduce the gap" in page.content
    refused = client.post(
        reverse("milestone_status", args=[w["team_a"].slug, "clinical_progress"]),
        {"clinical_progress-status": "achieved"},
    )
    assert refused.status_code == 403


def test_hostile_evidence_input_gets_a_message_not_a_500(client, w):
    client.force_login(w["writer"])
    url = reverse("milestone_evidence_add", args=[w["team_a"].slug, "clinical_progress"])
    response = client.post(url, {"clinical_progress-evidence-evidence": "aim:99999999"})
    assert response.status_code == 400
    unknown = client.post(
        reverse("milestone_evidence_add", args=[w["team_a"].slug, "nope"]),
        {"nope-evidence-evidence": "aim:1"},
    )
    assert unknown.status_code in (400, 404)


@pytest.mark.parametrize("who", ["outsider", "coach_b", "funder", "visitor"])
def test_milestones_are_not_shown_outside_the_team_its_coach_and_staff(client, w, who):
    client.force_login(w[who])
    assert client.get(reverse("team_outcomes", args=[w["team_a"].slug])).status_code == 403


def test_the_board_shows_a_coach_only_their_teams(client, w):
    client.force_login(w["coach_b"])
    page = client.get(reverse("milestone_board"))
    assert w["team_b"].name.encode() in page.content
    assert w["team_a"].name.encode() not in page.content


def test_the_board_makes_the_same_number_of_queries_for_more_teams(client, w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _aim(w["team_a"], w["writer"])
    client.force_login(w["staff"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("milestone_board")).status_code == 200
    for _ in range(3):
        team = f.team("action_community")
        _aim(team, f.member(team))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("milestone_board"))
    assert len(many) == len(few)


def test_staff_home_lists_milestones_to_confirm_in_a_fixed_number_of_queries(w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = datetime.date.today()
    _aim(w["team_a"], w["writer"])
    selectors.home_panels(w["staff"], today)  # the person's roles, cached for the request
    with CaptureQueriesContext(connection) as few:
        panels = selectors.home_panels(w["staff"], today)
    confirm = next(p for p in panels if p.key == "milestones-to-confirm")
    assert any(w["team_a"].name in t.text for t in confirm.tasks)
    for _ in range(3):
        team = f.team("learning_network")
        _aim(team, f.member(team))
    with CaptureQueriesContext(connection) as many:
        selectors.home_panels(w["staff"], today)
    assert len(many) == len(few)


def test_the_coachs_home_links_to_the_board_and_the_members_home_to_the_milestones(client, w):
    client.force_login(w["coach_a"])
    assert reverse("milestone_board").encode() in client.get(reverse("home")).content
    client.force_login(w["partner"])
    page = client.get(reverse("home"))
    assert reverse("team_outcomes", args=[w["team_a"].slug]).encode() in page.content


def test_the_team_page_has_a_milestones_section_for_the_team_not_for_peers(client, w):
    services.milestone_status_set(
        actor=w["staff"], team=w["team_a"], key="close_equity_gaps", status="achieved"
    )
    client.force_login(w["writer"])
    page = client.get(reverse("team_detail", args=[w["team_a"].slug]))
    assert b"1 of 5 expected outcomes achieved" in page.content
    assert reverse("self_assessment_team", args=[w["team_a"].slug]).encode() in page.content
    peer = f.member(f.team("action_community"))
    client.force_login(peer)
    page = client.get(reverse("team_detail", args=[w["team_a"].slug]))
    assert page.status_code == 200 and b"expected outcomes achieved" not in page.content


def test_the_teams_coach_confirms_a_status_and_another_cohorts_coach_cannot(client, w):
    url = reverse("milestone_status", args=[w["team_a"].slug, "clinical_progress"])
    data = {
        "clinical_progress-status": "in_progress",
        "clinical_progress-note": "Seen at coaching.",
    }
    client.force_login(w["coach_b"])
    assert client.post(url, data).status_code == 403
    client.force_login(w["coach_a"])
    assert client.post(url, data).status_code == 302
    milestone = Milestone.objects.get(team=w["team_a"], key="clinical_progress")
    assert milestone.changed_by == w["coach_a"] and milestone.note == "Seen at coaching."
    bad = client.post(url, {"clinical_progress-status": "done"})
    assert bad.status_code == 400 and b"Select a valid choice" in bad.content


def test_evidence_is_removed_by_the_team_not_by_its_partner(client, w):
    aim = _aim(w["team_a"], w["writer"])
    evidence = services.milestone_evidence_add(
        actor=w["writer"], team=w["team_a"], key="clinical_progress", kind="aim", object_id=aim.pk
    )
    url = reverse(
        "milestone_evidence_remove", args=[w["team_a"].slug, "clinical_progress", evidence.pk]
    )
    client.force_login(w["partner"])
    assert client.post(url).status_code == 403
    client.force_login(w["leader"])
    assert client.post(url).status_code == 302
    assert not Evidence.objects.exists()
    assert AuditEntry.objects.filter(action="milestone.evidence_remove").count() == 1


def test_each_milestone_has_its_own_forms_and_a_failed_one_keeps_what_was_typed(client, w):
    """The blank forms are rendered once per page and given each milestone's prefix."""
    from pursuing_equity.outcomes.forms import PLACEHOLDER

    _aim(w["team_a"], w["writer"])
    services.milestone_status_set(
        actor=w["staff"], team=w["team_a"], key="scale_or_sustain", status="achieved", note="Kept."
    )
    client.force_login(w["staff"])
    url = reverse("team_outcomes", args=[w["team_a"].slug])
    html = client.get(url).content.decode()
    keys = ["clinical_progress", "population_process_progress", "scale_or_sustain"]
    for key in keys:
        assert f'name="{key}-status"' in html and f'id="id_{key}-status_on"' in html
        assert f'name="{key}-evidence-evidence"' in html
    assert PLACEHOLDER not in html
    assert html.count("\nKept.</textarea>") == 1
    failed = client.post(
        reverse("milestone_status", args=[w["team_a"].slug, "clinical_progress"]),
        {"clinical_progress-status": "nope", "clinical_progress-note": "Typed here"},
    )
    assert failed.status_code == 400
    html = failed.content.decode()
    assert "\nTyped here</textarea>" in html and html.count('name="scale_or_sustain-note"') == 1


# --- kept pages ({% fresh %}): a change shows at once, nobody else sees them ---------------------


def test_a_kept_board_and_team_page_show_a_confirmed_status_at_once(client, w):
    client.force_login(w["staff"])
    board = reverse("milestone_board")
    team_page = reverse("team_outcomes", args=[w["team_a"].slug])
    for _ in range(2):
        assert b"since" not in client.get(team_page).content
        client.get(board)
    services.milestone_status_set(
        actor=w["staff"], team=w["team_a"], key="clinical_progress", status="achieved"
    )
    assert b"Achieved</strong> since" in client.get(team_page).content
    assert b"Achieved" in client.get(board).content


def test_a_kept_team_page_is_still_refused_to_another_team(client, w):
    url = reverse("team_outcomes", args=[w["team_a"].slug])
    client.force_login(w["writer"])
    assert client.get(url).status_code == 200
    client.force_login(w["outsider"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
