"""Demo step: Learning Network small cohorts from the solver, their coaches, affinity choices.

Runs after the step that creates teams (review). Does nothing without Learning Network teams;
idempotent: cohorts are built only when the Learning Network has none, coaches are given only to
small cohorts without one, and nobody's affinity choice is changed once made. Deterministic. The
solver gets a short time limit so the step stays fast; the builder page says whether the demo's
assignment was proven optimal.
"""

from __future__ import annotations

from pursuing_equity.accounts.models import Role, User
from pursuing_equity.teams import cohorts, groups, services
from pursuing_equity.teams.models import AffinityMembership, SmallCohort, Team

DEMO_SOLVER_SECONDS = 10.0


def populate(*, cycle, organizations, today, out) -> None:
    cohort = cohorts.builder_cohort(cycle)
    if cohort is None or not Team.objects.filter(cohort=cohort).exists():
        out.write("Small cohorts: skipped (no Learning Network teams).")
        return
    faculty = list(
        User.objects.filter(role_assignments__role=Role.FACULTY).distinct().order_by("email")
    )
    built = ""
    counts = cohorts.cohort_count_choices(cohort)
    if counts and not SmallCohort.objects.filter(cohort=cohort).exists():
        run = cohorts.cohort_build_request(
            actor=None,
            cohort=cohort,
            preferences=cohorts.DEFAULT_PREFERENCES,
            cohort_count=counts[0],
            background=False,
            time_limit=DEMO_SOLVER_SECONDS,
        )
        built = f" built by the solver ({run.status}, gap {run.result.get('gap_percent', '?')} %)"
    for i, small in enumerate(cohorts.small_cohorts_of(cohort)):
        if small.coach_id is None and faculty:
            cohorts.small_cohort_coach_set(
                actor=None, small_cohort=small, coach=faculty[i % len(faculty)]
            )
    coached = _one_to_one_coaches(cycle, faculty)
    chosen = _affinity(cycle, faculty)
    out.write(
        f"Small cohorts: {SmallCohort.objects.filter(cohort=cohort).count()}{built}, with coaches; "
        f"1:1 coaches for {coached} teams; affinity choices: {chosen}."
    )


def _one_to_one_coaches(cycle, faculty: list[User]) -> int:
    """Each Action Community team without a 1:1 coach gets one, in turn among the faculty."""
    teams = Team.objects.filter(
        cycle=cycle, cohort_id__in=services.one_to_one_cohort_ids(cycle)
    ).order_by("slug")
    for i, team in enumerate(teams):
        if team.coach_id is None and faculty:
            services.team_coach_assign(actor=None, team=team, coach=faculty[i % len(faculty)])
    return teams.filter(coach__isnull=False).count()


def _affinity(cycle, faculty: list[User]) -> int:
    """Facilitators for each group; three in four Action Community participants choose (one of
    them "not to say")."""
    group_list = groups.affinity_groups_ensure(cycle=cycle)
    for group, facilitator in zip(group_list, reversed(faculty), strict=False):
        if not group.facilitators.exists():
            groups.affinity_facilitator_add(actor=None, group=group, user=facilitator)
    cohort_key = groups.affinity_facts(cycle).get("cohort")
    people = list(
        User.objects.filter(
            team_memberships__team__cycle=cycle, team_memberships__team__cohort__key=cohort_key
        )
        .distinct()
        .order_by("email")
    )
    done = set(AffinityMembership.objects.filter(cycle=cycle).values_list("user_id", flat=True))
    choices = [g.key for g in group_list] + [groups.NOT_SAY]
    for i, person in enumerate(people):
        if person.pk in done or i % 4 == 3:
            continue
        groups.affinity_choose(actor=person, cycle=cycle, choice=choices[i % 4])
    return AffinityMembership.objects.filter(cycle=cycle).count()
