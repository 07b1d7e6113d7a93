"""The main navigation: one table of places, each shown to exactly the people its app's rule admits.

A row is (label, where, rule[, about]): ``where`` is a URL name or a function of the person's own
places (their team) giving a URL; ``rule`` is the owning app's ``can_<verb>_<noun>(user, obj)``;
``about`` picks the object the rule is asked about (the person's team, the cycle they lead in).
A row whose URL is built from that object (the team page) is not shown when there is none (no
team yet); other rules are asked about ``None`` and decide for themselves.

It runs on every page, so it reads only what the rules cache for the request (roles, team
membership, whose ties carry each team's slug in :func:`teams_of`'s order): no team row, and the
cycle's row (with its program document) only for a team's leader, whom the leadership
workgroup's rule asks about it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as _django_reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from pursuing_equity.accounts import rules as account_rules
from pursuing_equity.community import rules as community_rules
from pursuing_equity.events import rules as event_rules
from pursuing_equity.measures import rules as measure_rules
from pursuing_equity.outcomes import rules as outcome_rules
from pursuing_equity.programs.models import Cycle
from pursuing_equity.reporting import rules as reporting_rules
from pursuing_equity.review import rules as review_rules
from pursuing_equity.teams import rules as team_rules
from pursuing_equity.teams.membership import Tie, membership_of


@functools.lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple, prefix: str, urlconf) -> str:
    return _django_reverse(name, args=args or None, urlconf=urlconf)


def reverse(name: str, args=()) -> str:
    """The URL of ``name``, reversed once per process (per URL configuration and script prefix):
    the menu asks the same thirty names on every page."""
    return _reversed(name, tuple(args), get_script_prefix(), get_urlconf())


@dataclass(frozen=True)
class MyTeam:
    """What the menu's rules and links read of the person's team, taken from their :class:`Tie`
    (the rules ask only about ids; the links need the slug)."""

    pk: int
    slug: str
    cycle_id: int
    cohort_id: int
    small_cohort_id: int | None

    @classmethod
    def of(cls, tie: Tie) -> MyTeam:
        return cls(tie.team_id, tie.slug, tie.cycle_id, tie.cohort_id, tie.small_cohort_id)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


class Mine:
    """The person's own places, read lazily so that people without a team cost no query."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def tie(self) -> Tie | None:
        # Team services give every person on a team a role at its organization, so the roles
        # (already read) tell who may have a team before the membership is read.
        if not account_rules.organizations_of(self.user):
            return None
        ties = membership_of(self.user).ties
        return ties[0] if ties else None

    @cached_property
    def team(self) -> MyTeam | None:
        """The person's first team (:func:`~pursuing_equity.teams.membership.teams_of`'s order)."""
        return MyTeam.of(self.tie) if self.tie else None

    @cached_property
    def led_cycle(self):
        """The cycle of the team the person leads (the leadership workgroup's rule asks it)."""
        if not (self.tie and self.tie.is_leader):
            return None
        return Cycle.objects.filter(pk=self.tie.cycle_id).first()


@dataclass(frozen=True)
class Place:
    label: str
    where: str | Callable[[Mine], str]
    rule: Callable[[Any, Any], bool]
    about: Callable[[Mine], Any] | None = None


def _anyone(user, obj: Any = None) -> bool:
    return True


def _with_organization(user, obj: Any = None) -> bool:
    """People linked to an organization other than staff, who reach every one from "Organizations"."""
    return bool(account_rules.organizations_of(user)) and not account_rules.can_list_organizations(
        user
    )


def _coaching(user, obj: Any = None) -> bool:
    """Coaches publish slots, teams book them: the coaching page is for both."""
    return event_rules.can_publish_slot(user) or event_rules.can_book_slot(user)


def _my_team(mine: Mine):
    return mine.team


PLACES: tuple[Place, ...] = (
    Place("Program", "program", _anyone),
    Place("My home", "home", account_rules.can_view_home),
    Place(
        "My team",
        lambda mine: reverse("team_detail", args=[mine.team.slug]),
        team_rules.can_view_team,
        _my_team,
    ),
    Place(
        "Measures",
        lambda mine: reverse("measure_list", args=[mine.team.slug]),
        measure_rules.can_view_team_data,
        _my_team,
    ),
    Place(
        "Milestones",
        lambda mine: reverse("team_outcomes", args=[mine.team.slug]),
        outcome_rules.can_view_team_milestones,
        _my_team,
    ),
    Place(
        "Partners",
        lambda mine: reverse("team_partners", args=[mine.team.slug]),
        outcome_rules.can_view_team_partners,
        _my_team,
    ),
    Place("Shared measures", "measures_shared", measure_rules.can_view_shared_measures),
    Place("Updates", "updates", reporting_rules.can_view_reporting),
    Place("Calendar", "calendar_mine", event_rules.can_view_calendar),
    Place("Coaching", "coaching", _coaching),
    Place("Library", "library", event_rules.can_view_library),
    Place("Pre-work", "checklists", event_rules.can_do_checklists),
    Place("Discussions", "community", community_rules.can_view_community),
    Place("Directory", "directory", community_rules.can_view_directory),
    Place("Affinity groups", "affinity_groups", team_rules.can_view_affinity_groups),
    Place(
        "Leadership workgroup",
        "leadership_workgroup",
        team_rules.can_view_leadership_workgroup,
        lambda mine: mine.led_cycle,
    ),
    Place("My organization", "organization_mine", _with_organization),
    Place("Teams", "team_list", team_rules.can_list_teams),
    Place("Attendance", "attendance_overview", event_rules.can_view_attendance),
    Place("Pre-work progress", "checklist_progress", event_rules.can_view_checklist_progress),
    Place("Submissions", "submission_grid", reporting_rules.can_view_submission_grid),
    Place("Equity gaps", "measures_network", measure_rules.can_view_network),
    Place("Milestone board", "milestone_board", outcome_rules.can_view_milestone_board),
    Place(
        "Self-assessment",
        "self_assessment_network",
        outcome_rules.can_view_network_self_assessment,
    ),
    Place("Case studies", "case_study_gallery", _anyone),
    Place("Case study approvals", "case_study_queue", outcome_rules.can_view_case_study_queue),
    Place("Program report", "program_report", outcome_rules.can_view_program_report),
    Place("Partnership", "partnership_network", outcome_rules.can_view_network_partnership),
    Place("My reviews", "review_assigned", review_rules.can_view_assigned_reviews),
    Place("Review", "review_queue", review_rules.can_view_review_queue),
    Place("Cohort builder", "cohort_builder", team_rules.can_build_cohorts),
    Place("Organizations", "organization_list", account_rules.can_list_organizations),
    Place("People", "people", account_rules.can_view_people),
    Place("Reported messages", "community_reports", community_rules.can_moderate),
    Place("Audit log", "audit_log", account_rules.can_view_audit_log),
    Place("Outbox", "outbox", account_rules.can_view_outbox),
)


def navigation_for(user, path: str) -> list[NavItem]:
    mine = Mine(user)
    places: list[tuple[str, str]] = []
    for place in PLACES:
        obj = place.about(mine) if place.about else None
        if callable(place.where) and obj is None:
            continue
        if not place.rule(user, obj):
            continue
        url = place.where(mine) if callable(place.where) else reverse(place.where)
        places.append((place.label, url))
    current = _current(path, [url for _, url in places])
    return [NavItem(label, url, url == current) for label, url in places]


def menu_html(items: list[NavItem]) -> SafeString:
    """The menu's list items, joined in Python (the base layout prints them as they are): a
    template loop over thirty items costs more than the rest of the layout."""
    return format_html_join(
        "",
        '<li><a href="{}"{}>{}</a></li>',
        ((item.url, _CURRENT if item.current else "", item.label) for item in items),
    )


_CURRENT = SafeString(' aria-current="page"')


def _current(path: str, urls: list[str]) -> str | None:
    """The place the page belongs to: the longest URL that ``path`` starts with ("/" only itself)."""
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default=None)
