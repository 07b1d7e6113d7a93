"""Writes about teams: creating a team from an accepted application, naming its leaders.

Team membership (TeamMember) decides what a person may see of a team; the person's roles
(accounts.RoleAssignment at the team's organization) decide their home page and navigation. These
services keep the two in step: every team member holds the team member (or community partner)
role at the organization, and the senior leader and the alternate hold the senior leader role.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pursuing_equity.accounts.models import Role, RoleAssignment, User
from pursuing_equity.accounts.services import person_invite, role_assign, role_revoke
from pursuing_equity.core.services import audit_record
from pursuing_equity.programs.models import ActivityMonth, Cycle
from pursuing_equity.teams.membership import forget
from pursuing_equity.teams.models import SmallCohort, Team, TeamMember
from pursuing_equity.teams.rules import can_name_team_leaders

#: The roles that admit a person to their organization's teams; a leader's part needs the senior
#: leader role besides.
TEAM_ROLES = (Role.TEAM_MEMBER, Role.SENIOR_LEADER, Role.COMMUNITY_PARTNER)

Part = TeamMember.Part
LEADER_PARTS = (Part.SENIOR_LEADER, Part.ALTERNATE_LEADER)


def _team_slug(team: Team) -> str:
    """The organization's slug; with the cycle's year, then a number, when that is taken."""
    base = team.organization.slug[:180]
    candidates = [base, f"{base}-{team.cycle.starts_on:%Y}"]
    taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    n = 2
    while f"{candidates[1]}-{n}" in taken:
        n += 1
    return f"{candidates[1]}-{n}"


def _hold_role(*, actor: Any, user: User, role: str, organization) -> None:
    if not RoleAssignment.objects.filter(user=user, role=role, organization=organization).exists():
        role_assign(actor=actor, user=user, role=role, organization=organization)


@transaction.atomic
def team_create_from_application(*, actor: Any, application) -> Team:
    """The team of an accepted application, in the cohort where it was accepted.

    Each person on the roster becomes a team member: someone without an account is invited
    (``accounts.services.person_invite`` emails a link to set a password); someone with an account
    gets the role at the organization. Community partners on the roster join as community partners.
    Running it again for the same application returns its team unchanged.
    """
    if application.team_id:
        return application.team
    if application.state != "accepted":
        raise ValidationError("Only an accepted application becomes a team.")
    organization = application.organization
    team = Team(
        cycle=application.cycle,
        cohort=application.current_cohort,
        organization=organization,
        name=organization.name,
    )
    team.slug = _team_slug(team)
    team.full_clean()
    team.save()

    roster = list(application.roster.order_by("position", "pk"))
    existing = {
        u.email.lower(): u for u in User.objects.filter(email__in=[m.email.lower() for m in roster])
    }
    invited = []
    for member in roster:
        role = Role.COMMUNITY_PARTNER if member.community_partner else Role.TEAM_MEMBER
        user = existing.get(member.email.lower())
        if user is None:
            user = person_invite(
                actor=actor,
                email=member.email,
                full_name=member.full_name,
                role=role,
                organization=organization,
            )
            invited.append(user.email)
        else:
            _hold_role(actor=actor, user=user, role=role, organization=organization)
        if not user.title and member.title:
            user.title = member.title
            user.save(update_fields=["title"])
        row = TeamMember(
            team=team,
            user=user,
            part=Part.COMMUNITY_PARTNER if member.community_partner else Part.MEMBER,
            lenses=list(member.lenses),
        )
        row.full_clean()
        row.save()

    application.team = team
    application.save(update_fields=["team"])
    audit_record(
        actor=actor,
        action="team.create",
        obj=team,
        after={
            "application": application.pk,
            "cohort": team.cohort.key,
            "organization": organization.slug,
            "members": [m.email.lower() for m in roster],
            "invited": invited,
        },
    )
    return team


def leaders_required(team: Team) -> tuple[int, int]:
    """(senior leaders, alternates) the program file asks of this team's cohort; (0, 0) if none.

    The leadership workgroup's cohort (the Action Community) names one senior leader and one
    alternate (``leadership_workgroup`` in the program file).
    """
    workgroup = team.cycle.document.get("leadership_workgroup") or {}
    if workgroup.get("cohort") != team.cohort.key:
        return (0, 0)
    return (
        int(workgroup.get("senior_leaders_per_team", 1)),
        int(workgroup.get("alternate_senior_leaders_per_team", 0)),
    )


@transaction.atomic
def team_leaders_name(
    *, actor: Any, team: Team, senior_leader: User, alternate: User | None
) -> Team:
    """Name the team's senior leader and alternate (both required where the program asks).

    Both must be on the team and be two different people. Whoever held either part before goes
    back to being a team member; the senior leader role at the organization follows the parts.
    Only program staff and the team's current senior leader may name them (``actor`` None: the
    program itself, as in the demo): the part gives a role, so nobody names themselves into it.
    """
    if actor is not None and not can_name_team_leaders(actor, team):
        raise ValidationError(
            "Only program staff and the team's current senior leader name the team's leaders."
        )
    members = {
        m.user_id: m
        for m in TeamMember.objects.select_for_update().select_related("user").filter(team=team)
    }
    errors: dict[str, str] = {}
    if senior_leader is None or senior_leader.pk not in members:
        errors["senior_leader"] = "Choose a member of the team."
    if alternate is not None and alternate.pk not in members:
        errors["alternate"] = "Choose a member of the team."
    if alternate is not None and senior_leader is not None and alternate.pk == senior_leader.pk:
        errors["alternate"] = "The alternate must be someone other than the senior leader."
    _, alternates_needed = leaders_required(team)
    if alternates_needed and alternate is None:
        errors["alternate"] = (
            f"The {team.cohort.name} asks every team to name an alternate senior leader."
        )
    if errors:
        raise ValidationError(errors)

    before = {m.part: m.user.email for m in members.values() if m.part in LEADER_PARTS}
    wanted = {senior_leader.pk: Part.SENIOR_LEADER}
    if alternate is not None:
        wanted[alternate.pk] = Part.ALTERNATE_LEADER
    # Step down first: each team has at most one senior leader and one alternate at any moment.
    for member in members.values():
        if member.part in LEADER_PARTS and wanted.get(member.user_id) != member.part:
            member.part = Part.MEMBER
            member.save(update_fields=["part"])
    for user_id, part in wanted.items():
        member = members[user_id]
        if member.part != part:
            member.part = part
            member.full_clean()
            member.save(update_fields=["part"])

    organization = team.organization
    for member in members.values():
        leads = (
            member.part in LEADER_PARTS
            or TeamMember.objects.filter(
                user_id=member.user_id, team__organization=organization, part__in=LEADER_PARTS
            )
            .exclude(team=team)
            .exists()
        )
        held = RoleAssignment.objects.filter(
            user_id=member.user_id, role=Role.SENIOR_LEADER, organization=organization
        ).first()
        if leads and held is None:
            role_assign(
                actor=actor, user=member.user, role=Role.SENIOR_LEADER, organization=organization
            )
        elif not leads and held is not None:
            # Stepping down leaves them a member: the member role keeps them on the team once the
            # senior leader role goes (see on_role_revoked).
            _hold_role(
                actor=actor, user=member.user, role=Role.TEAM_MEMBER, organization=organization
            )
            role_revoke(actor=actor, assignment=held)

    after = {
        Part.SENIOR_LEADER: senior_leader.email,
        **({Part.ALTERNATE_LEADER: alternate.email} if alternate else {}),
    }
    audit_record(
        actor=actor,
        action="team.leaders",
        obj=team,
        before={str(k): v for k, v in before.items()},
        after={str(k): v for k, v in after.items()},
    )
    return team


def _member_drop(*, actor: Any, member: TeamMember, note: str) -> None:
    before = {"team": member.team.slug, "user": member.user.email, "part": member.part}
    audit_record(
        actor=actor, action="team.member.remove", obj=member.team, before=before, note=note
    )
    member.delete()
    forget(member.user)


@transaction.atomic
def team_member_remove(*, actor: Any, member: TeamMember) -> None:
    """Take ``member`` off their team: from the next request they no longer see or edit anything
    of it (every rule reads TeamMember through :mod:`.membership`).

    When that was their last team at the organization, their team roles there go too (through
    ``role_revoke``, audited), so their home and navigation stop offering the organization.
    """
    member = (
        TeamMember.objects.select_for_update()
        .select_related("team__organization", "user")
        .get(pk=member.pk)
    )
    team, user = member.team, member.user
    _member_drop(actor=actor, member=member, note="Removed from the team by program staff.")
    if not TeamMember.objects.filter(user=user, team__organization=team.organization).exists():
        for held in RoleAssignment.objects.filter(
            user=user, organization=team.organization, role__in=TEAM_ROLES
        ):
            role_revoke(actor=actor, assignment=held)


def on_role_revoked(*, actor: Any, user: User, role: str, organization) -> None:
    """After ``role_revoke``: a person left without a team role at the organization leaves its
    teams; one left without the senior leader role steps down to member; one left without the
    faculty role coaches no team and no small cohort. Registered from ``TeamsConfig.ready()``."""
    if role == Role.FACULTY:
        if RoleAssignment.objects.filter(user=user, role=Role.FACULTY).exists():
            return
        for team in Team.objects.filter(coach=user):
            coach_save(actor=actor, obj=team, coach=None, action="team.coach")
        for small in SmallCohort.objects.filter(coach=user):
            coach_save(actor=actor, obj=small, coach=None, action="small_cohort.coach")
        forget(user)
        return
    if role not in TEAM_ROLES or organization is None:
        return
    held = set(
        RoleAssignment.objects.filter(
            user=user, organization=organization, role__in=TEAM_ROLES
        ).values_list("role", flat=True)
    )
    members = TeamMember.objects.select_for_update().select_related("team", "user")
    for member in members.filter(user=user, team__organization=organization):
        if not held:
            _member_drop(actor=actor, member=member, note=f"Their {role} role was revoked.")
        elif member.part in LEADER_PARTS and Role.SENIOR_LEADER not in held:
            before = {"part": member.part}
            member.part = Part.MEMBER
            member.save(update_fields=["part"])
            audit_record(
                actor=actor,
                action="team.member.part",
                obj=member.team,
                before={**before, "user": user.email},
                after={"part": member.part, "user": user.email},
                note="Their senior leader role was revoked.",
            )
    forget(user)


# --- 1:1 coaches ------------------------------------------------------------------------------


def one_to_one_cohort_ids(cycle: Cycle) -> set[int]:
    """The cohorts whose teams get 1:1 coaching: those with an activity for one team in the
    program file's grid (the seed: "1:1 Coaching Sessions" for the Action Community)."""
    return set(
        ActivityMonth.objects.filter(
            activity__cycle=cycle, activity__audience="one_team"
        ).values_list("cohort_id", flat=True)
    )


def coach_save(*, actor: Any, obj: Team | SmallCohort, coach: User | None, action: str) -> None:
    """Set ``obj.coach`` (a team's 1:1 coach or a small cohort's) and audit it as ``action``.

    Only a member of the faculty can coach; None (no coach yet) is always allowed."""
    if (
        coach is not None
        and not RoleAssignment.objects.filter(user=coach, role=Role.FACULTY).exists()
    ):
        raise ValidationError({"coach": f"{coach.display_name} is not on the faculty."})
    if obj.coach_id == (coach.pk if coach else None):
        return
    before = {"coach": obj.coach_id}
    obj.coach = coach
    obj.full_clean()
    obj.save(update_fields=["coach"])
    audit_record(actor=actor, action=action, obj=obj, before=before, after={"coach": obj.coach_id})


@transaction.atomic
def team_coach_assign(*, actor: Any, team: Team, coach: User | None) -> Team:
    """Name the faculty member who coaches ``team`` one to one (None: no coach yet).

    Only teams of a cohort with 1:1 coaching sessions have such a coach, and only a person with
    the faculty / coach role can be one. The coach leads the team's 1:1 sessions on the calendar
    (from the next calendar generation) and the team books the coach's slots.
    """
    if team.cohort_id not in one_to_one_cohort_ids(team.cycle):
        raise ValidationError(
            {"team": f"{team} is not in a cohort with 1:1 coaching ({team.cohort})."}
        )
    coach_save(actor=actor, obj=team, coach=coach, action="team.coach")
    return team
