"""The cohort builder: staff run the solver, pin, keep apart, move by hand, name coaches."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.teams import cohorts
from pursuing_equity.teams.models import CohortPin, CohortRun, KeepApart, SmallCohort, Team

pytestmark = pytest.mark.django_db


def build_data(**overrides):
    data = {
        "region_weight": 3,
        "region_direction": "alike",
        "size_weight": 2,
        "size_direction": "alike",
        "org_type_weight": 2,
        "org_type_direction": "diverse",
        "populations_weight": 1,
        "populations_direction": "alike",
        "cohort_count": 2,
    }
    data.update(overrides)
    return data


def groups_of(world):
    teams = Team.objects.filter(cohort=world.ln).order_by("name")
    out: dict[str, set[str]] = {}
    for t in teams:
        out.setdefault(t.small_cohort.name, set()).add(t.name)
    return out


def test_only_staff_open_the_builder(world, login):
    url = reverse("cohort_builder")
    assert login(None).get(url).status_code == 302
    for who in ("faculty", "ln_coach", "ln_member", "funder"):
        assert login(world.people[who]).get(url).status_code == 403
        assert login(world.people[who]).post(url, build_data()).status_code == 403
    assert not CohortRun.objects.exists()


def test_staff_build_cohorts_and_read_why_teams_are_together(world, login):
    client = login(world.people["staff"])
    response = client.post(reverse("cohort_builder"), build_data(), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    run = CohortRun.objects.get()
    assert run.status == CohortRun.Status.DONE
    assert run.result["optimal"] is True
    assert "proven optimal" in body
    # Three Southern, three Western and two Midwestern teams: each sentence names the regions.
    assert "they come from" in body or "are in the" in body
    assert sorted(len(names) for names in groups_of(world).values()) == [4, 4]
    assert AuditEntry.objects.filter(action="cohorts.build.apply").exists()
    assert AuditEntry.objects.filter(
        action="cohorts.build.request", actor=world.people["staff"]
    ).exists()


def test_a_pin_holds_when_the_solver_runs_again(world, login):
    client = login(world.people["staff"])
    client.post(reverse("cohort_builder"), build_data())
    team = Team.objects.get(pk=world.ln_teams[0].pk)
    other = SmallCohort.objects.exclude(pk=team.small_cohort_id).get(cohort=world.ln)
    response = client.post(
        reverse("cohort_pin"), {"pin-team": team.pk, "pin-small_cohort": other.pk}
    )
    assert response.status_code == 302
    client.post(reverse("cohort_builder"), build_data())
    team.refresh_from_db()
    assert team.small_cohort == other
    assert CohortRun.objects.filter(status="done").count() == 2
    assert AuditEntry.objects.filter(action="team.pin").exists()


def test_keep_apart_pairs_are_honoured(world, login):
    client = login(world.people["staff"])
    client.post(reverse("cohort_builder"), build_data())
    a, b = world.ln_teams[0], world.ln_teams[1]
    client.post(reverse("cohort_apart"), {"apart-team": a.pk, "apart-other": b.pk})
    assert KeepApart.objects.count() == 1
    client.post(reverse("cohort_builder"), build_data())
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.small_cohort_id != b.small_cohort_id


def test_staff_move_a_team_by_hand_and_the_page_warns_about_sizes(world, login):
    client = login(world.people["staff"])
    team = world.ln_teams[0]
    target = world.small[1]
    response = client.post(
        reverse("cohort_move"), {"move-team": team.pk, "move-small_cohort": target.pk}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.small_cohort == target
    body = client.get(reverse("cohort_builder")).content.decode()
    assert "the program asks for 4 to 5" in body
    entry = AuditEntry.objects.get(action="team.move")
    assert entry.before == {"small_cohort": world.small[0].pk}


def test_a_full_small_cohort_refuses_one_more_team_next_to_the_field(world, login):
    client = login(world.people["staff"])
    world.ln_teams[1].small_cohort = world.small[1]
    world.ln_teams[1].save()  # small cohort 2 now has five teams
    response = client.post(
        reverse("cohort_move"),
        {"move-team": world.ln_teams[0].pk, "move-small_cohort": world.small[1].pk},
    )
    assert response.status_code == 200
    assert "already has 5 teams" in response.content.decode()


def test_bad_input_is_answered_next_to_the_field(world, login):
    client = login(world.people["staff"])
    response = client.post(reverse("cohort_builder"), build_data(region_weight=9, cohort_count=7))
    body = response.content.decode()
    assert response.status_code == 200
    assert "less than or equal to 5" in body
    assert "Select a valid choice" in body
    response = client.post(reverse("cohort_move"), {"move-team": "x", "move-small_cohort": ""})
    assert response.status_code == 200
    assert not CohortRun.objects.exists()


def test_all_weights_zero_is_refused(world, login):
    client = login(world.people["staff"])
    zero = {f"{k}_weight": 0 for k in cohorts.FACTOR_KEYS}
    response = client.post(reverse("cohort_builder"), build_data(**zero))
    assert "at least one factor" in response.content.decode()


def test_pins_that_cannot_fit_are_refused_before_the_run(world):
    for team in world.ln_teams[:6]:
        CohortPin.objects.create(team=team, small_cohort=world.small[0])
    with pytest.raises(ValidationError, match="pinned teams"):
        cohorts.cohort_build_request(
            actor=world.people["staff"],
            cohort=world.ln,
            preferences=cohorts.DEFAULT_PREFERENCES,
            cohort_count=2,
        )


def test_a_coach_must_be_on_the_faculty(world, login):
    client = login(world.people["staff"])
    response = client.post(
        reverse("cohort_coach"),
        {"coach-small_cohort": world.small[1].pk, "coach-coach": world.people["ln_member"].pk},
    )
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="is not on the faculty"):
        cohorts.small_cohort_coach_set(
            actor=None, small_cohort=world.small[1], coach=world.people["ln_member"]
        )
    client.post(
        reverse("cohort_coach"),
        {"coach-small_cohort": world.small[1].pk, "coach-coach": world.people["faculty"].pk},
    )
    world.small[1].refresh_from_db()
    assert world.small[1].coach == world.people["faculty"]
    assert AuditEntry.objects.filter(action="small_cohort.coach").exists()


def test_fewer_cohorts_remove_the_surplus_small_cohort(world):
    extra = [SmallCohort.objects.create(cycle=world.cycle, cohort=world.ln, name="Small cohort 3")]
    run = cohorts.cohort_build_request(
        actor=world.people["staff"],
        cohort=world.ln,
        preferences=cohorts.DEFAULT_PREFERENCES,
        cohort_count=2,
    )
    run.refresh_from_db()
    assert run.status == "done"
    assert not SmallCohort.objects.filter(pk=extra[0].pk).exists()
    assert SmallCohort.objects.filter(cohort=world.ln).count() == 2


def test_the_builder_page_makes_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries
):
    client = login(world.people["staff"])
    with django_assert_max_num_queries(30):
        client.get(reverse("cohort_builder"))
