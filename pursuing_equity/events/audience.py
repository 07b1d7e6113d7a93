"""Who an event is for: the groups a person belongs to (their team, cohort, small cohort, the
leadership workgroup, affinity groups) and the events of those groups or that they facilitate.
Read by the rules and the selectors alike, so it imports neither."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from pursuing_equity.events import affinity
from pursuing_equity.events.models import Event
from pursuing_equity.teams.membership import membership_of


@dataclass(frozen=True)
class Groups:
    """The groups a person belongs to, as ids (what "my calendar" is made of)."""

    team_ids: frozenset[int]
    cohort_ids: frozenset[int]
    small_cohort_ids: frozenset[int]
    leader_cohort_ids: frozenset[int]
    cycle_ids: frozenset[int]
    affinity: frozenset[tuple[int, str]]


def groups_of(user) -> Groups:
    """Built from :func:`pursuing_equity.teams.membership.membership_of` (read once per request)
    and the person's affinity choices (1 query, only for people on a team)."""
    ties = membership_of(user).ties
    return Groups(
        team_ids=frozenset(t.team_id for t in ties),
        cohort_ids=frozenset(t.cohort_id for t in ties),
        small_cohort_ids=frozenset(t.small_cohort_id for t in ties if t.small_cohort_id),
        leader_cohort_ids=frozenset(t.cohort_id for t in ties if t.is_leader),
        cycle_ids=frozenset(t.cycle_id for t in ties),
        affinity=affinity.groups_of(user) if ties else frozenset(),
    )


def _audience_q(groups: Groups) -> Q:
    A = Event.Audience
    q = (
        Q(audience=A.COHORT, cohort_id__in=groups.cohort_ids)
        | Q(audience=A.SMALL_COHORT, small_cohort_id__in=groups.small_cohort_ids)
        | Q(audience=A.TEAM, team_id__in=groups.team_ids)
        | Q(audience=A.LEADERS, cohort_id__in=groups.leader_cohort_ids)
        | Q(audience=A.CYCLE, cycle_id__in=groups.cycle_ids)
    )
    for cycle_id, key in groups.affinity:
        q |= Q(audience=A.AFFINITY_GROUP, cycle_id=cycle_id, affinity_group=key)
    return q


def facilitated_q(user) -> Q:
    return Q(pk__in=Event.facilitators.through.objects.filter(user=user).values("event_id"))


def events_for_person(user) -> QuerySet[Event]:
    """Every event of the groups ``user`` belongs to, and those they facilitate."""
    if not getattr(user, "is_authenticated", False):
        return Event.objects.none()
    return Event.objects.filter(_audience_q(groups_of(user)) | facilitated_q(user))


def is_in_audience(user, event: Event) -> bool:
    """Whether ``event`` is one of ``user``'s groups' events (no query once groups are cached)."""
    g = groups_of(user)
    A = Event.Audience
    return {
        A.COHORT: lambda: event.cohort_id in g.cohort_ids,
        A.SMALL_COHORT: lambda: event.small_cohort_id in g.small_cohort_ids,
        A.TEAM: lambda: event.team_id in g.team_ids,
        A.LEADERS: lambda: event.cohort_id in g.leader_cohort_ids,
        A.CYCLE: lambda: event.cycle_id in g.cycle_ids,
        A.AFFINITY_GROUP: lambda: (event.cycle_id, event.affinity_group) in g.affinity,
    }[event.audience]()


def is_facilitator(user, event: Event) -> bool:
    """Whether ``user`` facilitates ``event``: from its prefetched facilitators when the page
    loaded them (several rules ask on one page), else 1 query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if "facilitators" in getattr(event, "_prefetched_objects_cache", {}):
        return any(person.pk == user.pk for person in event.facilitators.all())
    return event.facilitators.filter(pk=user.pk).exists()
