"""Who is in which racial justice affinity group, read from the teams app.

Membership is private (only the person, the group's facilitators and program staff may know it),
so the calendar asks only the narrow questions it needs and never lists a group's members on a
page other than to the group's facilitators and staff. Events name a group by its key in the
program file (``affinity_groups.groups``); the teams app's AffinityGroup carries the same key.
Until the teams app has affinity groups, every group has no members and no facilitators.
"""

from __future__ import annotations

from django.apps import apps

from pursuing_equity.programs.models import Cycle


def _models():
    try:
        return apps.get_model("teams", "AffinityGroup"), apps.get_model(
            "teams", "AffinityMembership"
        )
    except LookupError:
        return None, None


_CACHE = "_pe_affinity_choices"


def groups_of(user) -> frozenset[tuple[int, str]]:
    """(cycle id, group key) of every affinity group ``user`` chose (1 query, then kept on the
    user object for the request: the calendar asks for each event it shows)."""
    _, membership = _models()
    if membership is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = user.__dict__.get(_CACHE)
    if cached is None:
        cached = frozenset(
            membership.objects.filter(user=user, group__isnull=False).values_list(
                "group__cycle_id", "group__key"
            )
        )
        user.__dict__[_CACHE] = cached
    return cached


def member_ids(cycle: Cycle, key: str) -> set[int]:
    """Ids of the people in the group ``key`` of ``cycle`` (1 query)."""
    _, membership = _models()
    if membership is None:
        return set()
    return set(
        membership.objects.filter(group__cycle=cycle, group__key=key).values_list(
            "user_id", flat=True
        )
    )


def facilitator_ids(cycle: Cycle, key: str) -> set[int]:
    """Ids of the group's facilitators (1 query), none if groups have no facilitators."""
    group, _ = _models()
    if group is None or not any(f.name == "facilitators" for f in group._meta.get_fields()):
        return set()
    return set(
        group.objects.filter(cycle=cycle, key=key)
        .exclude(facilitators=None)
        .values_list("facilitators", flat=True)
    )
