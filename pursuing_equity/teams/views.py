"""Team pages, the cohort builder, affinity groups and the leadership workgroup."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pursuing_equity.accounts.rules import is_program_staff, rule_required
from pursuing_equity.core.forms import form_write
from pursuing_equity.programs.selectors import CycleInView, current_cycle, cycle_in_view
from pursuing_equity.teams import cohorts, groups, services
from pursuing_equity.teams import rules as team_rules
from pursuing_equity.teams.forms import (
    AffinityChoiceForm,
    ApartForm,
    BuildForm,
    CoachForm,
    FacilitatorForm,
    MoveForm,
    PinForm,
    TeamCoachForm,
    faculty,
    share_choices,
)
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import AffinityGroup, KeepApart, Team, TeamMember


def _cycle_or_404():
    cycle = current_cycle()
    if cycle is None:
        raise Http404("No program cycle is loaded yet.")
    return cycle


# --- teams -----------------------------------------------------------------------------------


def _team(request, slug):
    return get_object_or_404(
        Team.objects.select_related(
            "cohort__cycle", "organization", "small_cohort__coach", "coach", "cycle"
        ),
        slug=slug,
    )


def _in_view(request) -> CycleInView:
    """The cycle a staff page of teams shows: chosen by the page's selector, else the running
    (or next) cycle."""
    return cycle_in_view(request.GET, default=current_cycle)


@rule_required(team_rules.can_list_teams)
def team_list(request):
    """The cycle's teams; computed only when the kept page is stale (``{% fresh %}``)."""
    in_view = _in_view(request)
    cycle = in_view.cycle
    user = request.user

    def page() -> dict:
        teams = (
            list(
                Team.objects.filter(cycle=cycle)
                .select_related("cohort", "organization", "small_cohort__coach", "coach")
                # one cycle: its program document (a large JSON) decoded once, not once per team
                .prefetch_related("cohort__cycle")
                .order_by("cohort__position", "small_cohort__pk", "name")
            )
            if cycle
            else []
        )
        return {
            "rows": [(team, team_rules.can_view_team(user, team)) for team in teams],
            "coached": [team for team in teams if membership_of(user).is_coach(team)],
            "can_assign_coaches": team_rules.can_assign_coaches(user),
            "can_build_cohorts": team_rules.can_build_cohorts(user),
        }

    context = {"cycle": cycle, "in_view": in_view, "page": page}
    return render(request, "teams/team_list.html", context)


@rule_required(team_rules.can_view_team, get_object=_team)
def team_detail(request, slug, obj: Team):
    """The team's facts, members, events, milestones and measures; computed only when the kept
    page is stale (``{% fresh %}``)."""
    team = obj
    user = request.user

    def page() -> dict:
        members = list(
            TeamMember.objects.filter(team=team)
            .select_related("user")
            .order_by("part", "user__full_name")
        )
        peers = (
            list(
                Team.objects.filter(small_cohort_id=team.small_cohort_id)
                .exclude(pk=team.pk)
                .order_by("name")
            )
            if team.small_cohort_id
            else []
        )
        ties = membership_of(user)
        is_member = ties.is_member(team)
        cycle = team.cycle
        return {
            "members": members,
            "peers": [(p, team_rules.can_view_team(user, p)) for p in peers],
            "sees_people": is_member or ties.is_coach(team) or is_program_staff(user),
            "can_remove_members": team_rules.can_remove_team_member(user, team),
            "can_name_leaders": team_rules.can_name_team_leaders(user, team),
            "affinity_link": is_member and groups.is_affinity_participant(user, cycle),
            "workgroup_link": team_rules.can_view_leadership_workgroup(user, cycle)
            and team.cohort.key == (cycle.document.get("leadership_workgroup") or {}).get("cohort"),
        }

    return render(request, "teams/team_detail.html", {"team": team, "page": page})


def _team_member(request, slug, pk):
    return get_object_or_404(
        TeamMember.objects.select_related("team__organization", "user"), team__slug=slug, pk=pk
    )


@rule_required(team_rules.can_remove_team_member, get_object=_team_member)
def team_member_remove(request, slug, pk, obj: TeamMember):
    """Ask, then take the person off the team (their access ends on their next request)."""
    if request.method == "POST":
        services.team_member_remove(actor=request.user, member=obj)
        messages.success(request, f"{obj.user.display_name} is no longer on {obj.team.name}.")
        return redirect("team_detail", slug=obj.team.slug)
    return render(request, "teams/team_member_remove.html", {"member": obj, "team": obj.team})


# --- 1:1 coaches ------------------------------------------------------------------------------


def _coached_teams(cycle):
    return Team.objects.filter(
        cycle=cycle, cohort_id__in=services.one_to_one_cohort_ids(cycle)
    ).order_by("cohort__position", "name")


@rule_required(team_rules.can_assign_coaches)
def team_coaches(request):
    """Program staff name each Action Community team's 1:1 coach (one form per team)."""
    in_view = _in_view(request)
    cycle = in_view.cycle
    if cycle is None:
        raise Http404("No program cycle is loaded yet.")
    teams = _coached_teams(cycle)
    failed = None
    if request.method == "POST":
        form = TeamCoachForm(request.POST, teams=teams)
        if form_write(
            form,
            lambda data: services.team_coach_assign(
                actor=request.user, team=data["team"], coach=data["coach"]
            ),
        ):
            team, coach = form.cleaned_data["team"], form.cleaned_data["coach"]
            messages.success(
                request,
                f"{team.name}: "
                + (f"{coach.display_name} is the 1:1 coach." if coach else "no 1:1 coach now."),
            )
            return redirect(reverse("team_coaches") + in_view.suffix)
        failed = form

    def page() -> dict:
        """The rows (one form per team), computed only when the kept page is stale."""
        rows = []
        unmatched = failed
        coaches = faculty()
        choices = TeamCoachForm(teams=teams, coaches=coaches).coach_choices()
        for team in teams.select_related("coach", "organization", "cohort"):
            if failed is not None and failed.data.get("team") == str(team.pk):
                form, unmatched = failed, None
            else:
                form = TeamCoachForm(
                    teams=teams,
                    coaches=coaches,
                    coach_choices=choices,
                    initial={"team": team.pk, "coach": team.coach_id},
                )
            form.auto_id = f"id_team{team.pk}_%s"
            rows.append((team, form))
        return {"rows": rows, "unmatched": unmatched}

    return render(
        request,
        "teams/team_coaches.html",
        {
            "cycle": cycle,
            "in_view": in_view,
            "page": page,
            # Errors of a post that names no team of the page (missing or unknown): no row can
            # show them, so the page shows them at the top (``unmatched``).
            "has_errors": failed is not None,
        },
        status=400 if failed is not None else 200,
    )


# --- the cohort builder ----------------------------------------------------------------------


def _builder_cohort(request) -> tuple[CycleInView, object]:
    """The cycle the builder shows (its selector, carried in every form's action as
    ``?cycle=``) and that cycle's cohort of small cohorts, if any."""
    in_view = _in_view(request)
    cycle = in_view.cycle
    return in_view, (cohorts.builder_cohort(cycle) if cycle else None)


def _builder_url(in_view: CycleInView) -> str:
    return reverse("cohort_builder") + in_view.suffix


def _render_builder(request, in_view, cohort, status: int = 200, **bound):
    """The builder of ``cohort``; its runs, small cohorts and forms are computed only when the
    kept page is stale (``{% fresh %}``), or always for a form shown again (``bound``)."""
    if cohort is None:
        return render(
            request,
            "teams/cohort_builder.html",
            {"cohort": None, "in_view": in_view},
            status=status,
        )

    def page() -> dict:
        built = cohorts.builder_page(cohort)
        counts = cohorts.cohort_count_choices(cohort)
        current = (
            len(built.cohorts) if len(built.cohorts) in counts else (counts[0] if counts else None)
        )
        teams = [(t.pk, t.name) for t in sorted(built.teams, key=lambda t: (t.name, t.pk))]
        small = [(view.small_cohort.pk, view.small_cohort.name) for view in built.cohorts]
        coaches = [(person.pk, person.display_name) for person in faculty()]
        forms = {
            "build_form": BuildForm(
                initial=BuildForm.initial_from(built.preferences, current),
                counts=counts,
                teams=len(built.teams),
            ),
            "move_form": share_choices(MoveForm(cohort=cohort), team=teams, small_cohort=small),
            "pin_form": share_choices(PinForm(cohort=cohort), team=teams, small_cohort=small),
            "apart_form": share_choices(ApartForm(cohort=cohort), team=teams, other=teams),
            "coach_form": share_choices(
                CoachForm(cohort=cohort), small_cohort=small, coach=coaches
            ),
        }
        forms.update(bound)
        return {"page": built, "enough_teams": bool(counts), **forms}

    return render(
        request,
        "teams/cohort_builder.html",
        {"cohort": cohort, "in_view": in_view, "page": page},
        status=status,
    )


@rule_required(team_rules.can_build_cohorts)
def cohort_builder(request):
    in_view, cohort = _builder_cohort(request)
    if request.method != "POST" or cohort is None:
        return _render_builder(request, in_view, cohort)
    counts = cohorts.cohort_count_choices(cohort)
    form = BuildForm(request.POST, counts=counts, teams=Team.objects.filter(cohort=cohort).count())
    if done := form_write(
        form,
        lambda data: cohorts.cohort_build_request(
            actor=request.user,
            cohort=cohort,
            preferences=form.preferences(),
            cohort_count=data["cohort_count"],
        ),
    ):
        run = done.value
        run.refresh_from_db()
        if run.status == run.Status.FAILED:
            messages.error(request, f"The solver could not build cohorts: {run.error}")
        elif run.status == run.Status.DONE:
            retired = run.result.get("retired")
            messages.success(
                request,
                " ".join(
                    [
                        "The small cohorts were rebuilt.",
                        *(
                            [
                                "Kept but no longer in use, for their calendar history: "
                                f"{', '.join(retired)}."
                            ]
                            if retired
                            else []
                        ),
                        *run.result.get("calendar", []),
                    ]
                ),
            )
        else:
            messages.info(request, "The solver is working on it. Reload this page in a minute.")
        return redirect(_builder_url(in_view))
    return _render_builder(request, in_view, cohort, build_form=form)


def _builder_post(request, form_class, key: str, apply, success: str):
    in_view, cohort = _builder_cohort(request)
    if cohort is None:
        raise Http404("There is no cohort to build.")
    form = form_class(request.POST, cohort=cohort)
    if form_write(form, apply):
        messages.success(request, success)
        return redirect(_builder_url(in_view))
    return _render_builder(request, in_view, cohort, **{key: form})


@require_POST
@rule_required(team_rules.can_build_cohorts)
def cohort_move(request):
    return _builder_post(
        request,
        MoveForm,
        "move_form",
        lambda d: cohorts.team_move(
            actor=request.user, team=d["team"], small_cohort=d["small_cohort"]
        ),
        "The team was moved.",
    )


@require_POST
@rule_required(team_rules.can_build_cohorts)
def cohort_pin(request):
    return _builder_post(
        request,
        PinForm,
        "pin_form",
        lambda d: cohorts.cohort_pin_set(
            actor=request.user, team=d["team"], small_cohort=d["small_cohort"]
        ),
        "The pin was saved; it counts from the next run.",
    )


@require_POST
@rule_required(team_rules.can_build_cohorts)
def cohort_apart(request):
    return _builder_post(
        request,
        ApartForm,
        "apart_form",
        lambda d: cohorts.keep_apart_add(actor=request.user, team=d["team"], other=d["other"]),
        "The two teams will be kept apart from the next run.",
    )


@require_POST
@rule_required(team_rules.can_build_cohorts)
def cohort_apart_remove(request, pk: int):
    pair = get_object_or_404(KeepApart, pk=pk)
    cohorts.keep_apart_remove(actor=request.user, pair=pair)
    messages.success(request, "The two teams may be grouped together again.")
    return redirect(_builder_url(_in_view(request)))


@require_POST
@rule_required(team_rules.can_build_cohorts)
def cohort_coach(request):
    return _builder_post(
        request,
        CoachForm,
        "coach_form",
        lambda d: cohorts.small_cohort_coach_set(
            actor=request.user, small_cohort=d["small_cohort"], coach=d["coach"]
        ),
        "The coach was saved.",
    )


# --- affinity groups and the leadership workgroup --------------------------------------------


@rule_required(team_rules.can_view_affinity_groups)
def affinity_groups(request):
    cycle = _cycle_or_404()
    group_list = groups.affinity_groups_ensure(cycle=cycle)
    can_choose = team_rules.can_choose_affinity_group(request.user, cycle)
    mine = groups.my_affinity_choice(request.user, cycle) if can_choose else None
    initial = {"choice": (mine.group.key if mine.group else groups.NOT_SAY)} if mine else {}
    form = AffinityChoiceForm(initial=initial, groups=group_list) if can_choose else None
    if request.method == "POST" and can_choose:
        form = AffinityChoiceForm(request.POST, groups=group_list)
        if form_write(
            form,
            lambda data: groups.affinity_choose(
                actor=request.user, cycle=cycle, choice=data["choice"]
            ),
        ):
            messages.success(
                request,
                "Your choice was saved. Only you, the group's "
                "facilitators and program staff can see it.",
            )
            return redirect("affinity_groups")
    visible = [(g, team_rules.can_view_affinity_members(request.user, g)) for g in group_list]
    return render(
        request,
        "teams/affinity_groups.html",
        {
            "cycle": cycle,
            "groups": visible,
            "description": groups.affinity_description(cycle),
            "form": form,
            "mine": mine,
        },
    )


def _affinity_group(request, key):
    cycle = _cycle_or_404()
    groups.affinity_groups_ensure(cycle=cycle)
    return get_object_or_404(AffinityGroup, cycle=cycle, key=key)


@rule_required(team_rules.can_view_affinity_members, get_object=_affinity_group)
def affinity_group_members(request, key, obj: AffinityGroup):
    group = obj
    can_manage = team_rules.can_manage_affinity_facilitators(request.user, group)
    form = FacilitatorForm() if can_manage else None
    if request.method == "POST" and can_manage:
        remove = request.POST.get("remove")
        if remove:
            person = group.facilitators.filter(pk=remove).first()
            if person:
                groups.affinity_facilitator_remove(actor=request.user, group=group, user=person)
                messages.success(request, f"{person} no longer facilitates {group}.")
            return redirect("affinity_group_members", key=group.key)
        form = FacilitatorForm(request.POST)
        if form_write(
            form,
            lambda data: groups.affinity_facilitator_add(
                actor=request.user, group=group, user=data["user"]
            ),
        ):
            messages.success(request, "The facilitator was added.")
            return redirect("affinity_group_members", key=group.key)
    return render(
        request,
        "teams/affinity_group_members.html",
        {
            "group": group,
            "members": groups.affinity_members(group),
            "facilitators": list(group.facilitators.order_by("full_name")),
            "form": form,
        },
    )


@rule_required(team_rules.can_view_leadership_workgroup, get_object=lambda r: _cycle_or_404())
def leadership_workgroup(request, obj):
    cycle = obj
    facts = cycle.document.get("leadership_workgroup") or {}
    activity = next(
        (a for a in cycle.document.get("activities", []) if a["key"] == facts.get("activity")),
        None,
    )
    return render(
        request,
        "teams/leadership_workgroup.html",
        {"cycle": cycle, "members": groups.leadership_workgroup(cycle), "activity": activity},
    )
