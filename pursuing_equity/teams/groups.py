"""Racial justice affinity groups and the leadership workgroup.

Affinity groups come from the program file (``affinity_groups``: the cohort whose participants
join, and the groups — people of color; white participants). Each participant privately chooses
one, or chooses not to say. Membership is private: only the person, the group's facilitators and
program staff may know it (``teams.rules``), so nothing here is ever shown on a team page.

The leadership workgroup is not stored: it is the senior leaders and alternates (TeamMember parts)
of the teams in the program file's ``leadership_workgroup.cohort``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pursuing_equity.accounts.models import Role, RoleAssignment, User
from pursuing_equity.core.services import audit_record
from pursuing_equity.programs.models import Cycle
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import AffinityGroup, AffinityMembership, TeamMember

NOT_SAY = "not_say"
LEADER_PARTS = (TeamMember.Part.SENIOR_LEADER, TeamMember.Part.ALTERNATE_LEADER)


def affinity_facts(cycle: Cycle) -> dict[str, Any]:
    return cycle.document.get("affinity_groups") or {}


def affinity_description(cycle: Cycle) -> list[str]:
    """The glossary's words on affinity groups, as the program file has them."""
    term = affinity_facts(cycle).get("glossary_term")
    for entry in cycle.document.get("glossary", []):
        if entry.get("key") == term:
            return list(entry.get("definition", []))
    return []


@transaction.atomic
def affinity_groups_ensure(*, cycle: Cycle) -> list[AffinityGroup]:
    """The cycle's affinity groups, created from the program file the first time they are needed."""
    existing = {g.key: g for g in AffinityGroup.objects.filter(cycle=cycle)}
    groups = []
    for position, facts in enumerate(affinity_facts(cycle).get("groups", [])):
        group = existing.get(facts["key"])
        if group is None:
            group = AffinityGroup(
                cycle=cycle, key=facts["key"], name=facts["name"], position=position
            )
            group.full_clean()
            group.save()
            audit_record(
                actor=None,
                actor_label="program file",
                action="affinity_group.create",
                obj=group,
                after={"key": group.key, "name": group.name},
            )
        groups.append(group)
    return groups


def is_affinity_participant(user, cycle: Cycle) -> bool:
    """Members of a team in the cohort the program file names (the Action Community)."""
    cohort_key = affinity_facts(cycle).get("cohort")
    return bool(cohort_key) and membership_of(user).in_cohort(cycle.pk, cohort_key)


@transaction.atomic
def affinity_choose(*, actor: User, cycle: Cycle, choice: str) -> AffinityMembership:
    """The person's own choice: a group's key, or ``not_say``. Nobody chooses for someone else."""
    if not is_affinity_participant(actor, cycle):
        raise ValidationError(
            {"choice": "Only participants of the cohort with affinity groups choose one."}
        )
    groups = {g.key: g for g in affinity_groups_ensure(cycle=cycle)}
    if choice != NOT_SAY and choice not in groups:
        raise ValidationError({"choice": "Choose one of the groups, or choose not to say."})
    membership = AffinityMembership.objects.filter(cycle=cycle, user=actor).first()
    before = {"group": membership.group.key if membership and membership.group else None}
    membership = membership or AffinityMembership(cycle=cycle, user=actor)
    membership.group = groups.get(choice)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="affinity.choose",
        obj=membership,
        before=before,
        after={"group": membership.group.key if membership.group else None},
        note="Private: visible to the person, the group's facilitators and program staff.",
    )
    return membership


@transaction.atomic
def affinity_facilitator_add(*, actor: Any, group: AffinityGroup, user: User) -> AffinityGroup:
    """Make a member of the faculty a facilitator of ``group``."""
    if not RoleAssignment.objects.filter(user=user, role=Role.FACULTY).exists():
        raise ValidationError({"user": f"{user} is not on the faculty."})
    if group.facilitators.filter(pk=user.pk).exists():
        raise ValidationError({"user": f"{user} already facilitates {group}."})
    group.facilitators.add(user)
    audit_record(
        actor=actor, action="affinity_group.facilitator.add", obj=group, after={"user": user.pk}
    )
    return group


@transaction.atomic
def affinity_facilitator_remove(*, actor: Any, group: AffinityGroup, user: User) -> AffinityGroup:
    group.facilitators.remove(user)
    audit_record(
        actor=actor, action="affinity_group.facilitator.remove", obj=group, before={"user": user.pk}
    )
    return group


# --- reads -----------------------------------------------------------------------------------


def my_affinity_choice(user, cycle: Cycle) -> AffinityMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return AffinityMembership.objects.filter(cycle=cycle, user=user).select_related("group").first()


def affinity_members(group: AffinityGroup) -> list[User]:
    """The people in ``group`` — only for its facilitators and staff (checked by the view)."""
    return list(
        User.objects.filter(affinity_memberships__group=group).order_by("full_name", "email")
    )


@dataclass(frozen=True)
class WorkgroupMember:
    person: User
    part: str
    part_label: str
    team_name: str
    team_slug: str


def leadership_workgroup(cycle: Cycle) -> list[WorkgroupMember]:
    """Senior leaders and alternates of the workgroup's cohort, by team (1 query)."""
    cohort_key = (cycle.document.get("leadership_workgroup") or {}).get("cohort")
    rows = (
        TeamMember.objects.filter(
            team__cycle=cycle, team__cohort__key=cohort_key, part__in=LEADER_PARTS
        )
        .select_related("user", "team")
        .order_by("team__name", "-part")
    )
    return [
        WorkgroupMember(m.user, m.part, m.get_part_display(), m.team.name, m.team.slug)
        for m in rows
    ]


def is_workgroup_leader(user, cycle: Cycle) -> bool:
    cohort_key = (cycle.document.get("leadership_workgroup") or {}).get("cohort")
    return bool(cohort_key) and membership_of(user).in_cohort(
        cycle.pk, cohort_key, leaders_only=True
    )
