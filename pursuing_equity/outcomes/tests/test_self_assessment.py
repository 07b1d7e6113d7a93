"""The equity self-assessment: answering once per round, the team's results, confidentiality."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.outcomes import selectors_self_assessment as selectors
from pursuing_equity.outcomes import services
from pursuing_equity.outcomes.models import Answer, Response
from pursuing_equity.outcomes.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _answer(w, who, value=3, assessment=None, **overrides):
    team = w["team_a"]
    assessment = assessment or selectors.assessment_of(team.cycle)
    return services.self_assessment_answer(
        actor=w[who],
        team=team,
        assessment=assessment,
        round_key="midpoint",
        answers=f.answers(assessment, value, **overrides),
        today=timezone.localdate(),
    )


def test_each_member_answers_once_per_round_and_may_change_it_while_open(w):
    assessment = f.open_round(w["team_a"].cycle)
    _answer(w, "writer", 2, assessment)
    _answer(w, "writer", 4, assessment)
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("value", flat=True)) == {4}
    assert [
        e.action for e in AuditEntry.objects.filter(action__startswith="self_assessment.answer")
    ] == ["self_assessment.answer"]
    assert AuditEntry.objects.filter(action="self_assessment.change").count() == 1


def test_a_closed_round_cannot_be_answered(w):
    cycle = w["team_a"].cycle
    assessment = selectors.assessment_of(cycle)
    baseline = assessment.round("baseline")
    with pytest.raises(ValidationError) as error:
        services.self_assessment_answer(
            actor=w["writer"],
            team=w["team_a"],
            assessment=assessment,
            round_key="baseline",
            answers=f.answers(assessment),
            today=baseline.closes_on + datetime.timedelta(days=1),
        )
    assert "has closed" in error.value.message_dict["round"][0]


def test_every_item_needs_a_value_of_the_scale(w):
    assessment = f.open_round(w["team_a"].cycle)
    answers = f.answers(assessment)
    answers["name_racism"] = 9
    del answers["leaders_speak"]
    with pytest.raises(ValidationError) as error:
        services.self_assessment_answer(
            actor=w["writer"],
            team=w["team_a"],
            assessment=assessment,
            round_key="midpoint",
            answers=answers,
            today=timezone.localdate(),
        )
    assert set(error.value.message_dict) == {"name_racism", "leaders_speak"}


def test_someone_not_on_the_team_cannot_answer_for_it(w):
    assessment = f.open_round(w["team_a"].cycle)
    with pytest.raises(ValidationError):
        _answer(w, "outsider", assessment=assessment)


def test_team_results_give_the_mean_and_the_spread_between_members(w):
    assessment = f.open_round(w["team_a"].cycle)
    _answer(w, "writer", 2, assessment)
    _answer(w, "leader", 4, assessment, equity_in_strategy=5, leaders_speak=5)
    results = {
        (s.round_key, s.component): s for s in selectors.team_results(w["team_a"], assessment)
    }
    strategy = results[("midpoint", "strategic_priority")]
    assert (strategy.n, strategy.mean, strategy.low, strategy.high) == (2, 3.5, 2.0, 5.0)
    assert strategy.sd == pytest.approx(2.12, abs=0.01)
    assert results[("baseline", "strategic_priority")].n == 0


def test_the_summary_gives_quartiles_from_four_scores():
    s = selectors.summarise("r", "c", [1, 2, 3, 4])
    assert s.quartiles == (1.75, 2.5, 3.25) and s.mean == 2.5


def test_the_network_sees_team_means_not_people(w):
    assessment = f.open_round(w["team_a"].cycle)
    _answer(w, "writer", 2, assessment)
    _answer(w, "leader", 4, assessment)
    results = {
        (s.round_key, s.component): s
        for s in selectors.network_distribution(w["team_a"].cycle, assessment)
    }
    assert results[("midpoint", "infrastructure")].n == 1
    assert results[("midpoint", "infrastructure")].mean == 3.0


# --- pages ----------------------------------------------------------------------------------------


def test_a_member_answers_and_sees_the_team_result(client, w):
    assessment = f.open_round(w["team_a"].cycle)
    client.force_login(w["writer"])
    url = reverse("self_assessment_answer", args=[w["team_a"].slug, "midpoint"])
    assert client.get(url).status_code == 200
    response = client.post(url, {k: str(v) for k, v in f.answers(assessment, 4).items()})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"mean 4.0 (n = 1)" in page.content
    assert b"data-vega-chart" in page.content
    # The team's chart is the radar: its layers include a polygon per round and spoke labels.
    marks = [layer["mark"]["type"] for layer in page.context["chart"]["layer"]]
    assert marks.count("line") == 2 and "text" in marks and "point" in marks


def test_a_missing_or_hostile_answer_is_named_not_a_500(client, w):
    assessment = f.open_round(w["team_a"].cycle)
    client.force_login(w["writer"])
    url = reverse("self_assessment_answer", args=[w["team_a"].slug, "midpoint"])
    data = {k: str(v) for k, v in f.answers(assessment).items()}
    data["name_racism"] = "<script>"
    del data["leaders_speak"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert b"Choose an answer for this statement." in response.content
    assert b"Select a valid choice" in response.content
    assert (
        client.get(reverse("self_assessment_answer", args=[w["team_a"].slug, "nope"])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["outsider", "coach_a", "coach_b", "funder", "visitor"])
def test_answers_are_confidential_to_the_team_and_staff(client, w, who):
    f.open_round(w["team_a"].cycle)
    _answer(w, "writer", 4)
    client.force_login(w[who])
    for url in (
        reverse("self_assessment_team", args=[w["team_a"].slug]),
        reverse("self_assessment_answer", args=[w["team_a"].slug, "midpoint"]),
        reverse("self_assessment_network"),
    ):
        assert client.get(url).status_code in (403, 404), (who, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, w):
    response = client.get(reverse("self_assessment_team", args=[w["team_a"].slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_see_the_team_and_the_network_and_set_round_dates(client, w):
    f.open_round(w["team_a"].cycle)
    _answer(w, "writer", 4)
    client.force_login(w["staff"])
    assert client.get(reverse("self_assessment_team", args=[w["team_a"].slug])).status_code == 200
    page = client.get(reverse("self_assessment_network"))
    assert page.status_code == 200 and b"Set by staff" in page.content
    # The network's distribution stays grouped bars with the range between teams.
    marks = [layer["mark"]["type"] for layer in page.context["chart"]["layer"]]
    assert marks == ["bar", "rule"]
    cycle = w["team_a"].cycle
    url = reverse("self_assessment_round", args=["end"])
    bad = client.post(url, {"opens_on": "2000-01-01", "closes_on": "1999-01-01"})
    assert bad.status_code == 400 and b"close on or after" in bad.content
    good = client.post(
        url,
        {
            "opens_on": (cycle.ends_on - datetime.timedelta(days=20)).isoformat(),
            "closes_on": cycle.ends_on.isoformat(),
        },
    )
    assert good.status_code == 302


def test_home_offers_the_open_round_to_answer(client, w):
    f.open_round(w["team_a"].cycle)
    client.force_login(w["writer"])
    page = client.get(reverse("home"))
    assert b"Answer the midpoint equity self-assessment" in page.content
    _answer(w, "writer", 4)
    page = client.get(reverse("home"))
    assert b"Change your midpoint self-assessment" in page.content


def test_the_team_sees_the_change_since_its_first_round(client, w):
    cycle = w["team_a"].cycle
    assessment = selectors.assessment_of(cycle)
    baseline = assessment.round("baseline")
    services.self_assessment_answer(
        actor=w["writer"],
        team=w["team_a"],
        assessment=assessment,
        round_key="baseline",
        answers=f.answers(assessment, 2),
        today=baseline.closes_on,
    )
    f.open_round(cycle)
    _answer(w, "writer", 4)
    client.force_login(w["writer"])
    page = client.get(reverse("self_assessment_team", args=[w["team_a"].slug]))
    assert b"<td>+2.0</td>" in page.content


def test_the_answer_page_renders_each_statement_as_the_form_would(w):
    """Unbound, each statement's radios come from a per-process cache: the same HTML, with the
    person's answers chosen."""
    from pursuing_equity.outcomes.forms import SelfAssessmentForm

    assessment = selectors.assessment_of(w["team_a"].cycle)
    keys = [i.key for i in assessment.items]
    for initial in ({}, {keys[0]: 2, keys[-1]: 5}, {k: 3 for k in keys}):
        form = SelfAssessmentForm(initial=initial, assessment=assessment)
        cached = [str(h) for _, group in form.component_fields_html() for h in group]
        rendered = [str(f.as_field_group()) for _, group in form.component_fields() for f in group]
        assert cached == rendered
        assert "".join(cached).count("checked") == len(initial)
