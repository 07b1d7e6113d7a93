"""Reads of the community, named for the pages and panels that show them (a fixed number of
queries each, whatever the number of threads, posts or people)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from pursuing_equity.accounts.models import User
from pursuing_equity.accounts.rules import FACULTY, STAFF, has_role, roles_of
from pursuing_equity.community import rules
from pursuing_equity.community.models import (
    Announcement,
    DirectoryEntry,
    Notification,
    Post,
    PostAttachment,
    Report,
    Space,
    Thread,
)
from pursuing_equity.core.homes import Panel, Task
from pursuing_equity.programs.selectors import current_cycle
from pursuing_equity.teams.membership import membership_of
from pursuing_equity.teams.models import TeamMember

RECENT_DAYS = 14


def readable_spaces(user, cycle) -> list[Space]:
    """The cycle's spaces ``user`` reads, in their order (3 queries: the spaces, the affinity
    groups' facilitators, the person's affinity choices)."""
    if cycle is None:
        return []
    spaces = (
        Space.objects.filter(cycle=cycle)
        .select_related("cycle", "affinity_group")
        .prefetch_related(
            Prefetch("affinity_group__facilitators", queryset=User.objects.only("pk"))
        )
    )
    return [s for s in spaces if rules.can_read_space(user, s)]


def threads_of(space: Space):
    """The space's threads, latest activity first, with their visible post counts."""
    return (
        Thread.objects.filter(space=space)
        .select_related("author")
        .annotate(post_count=Count("posts", filter=Q(posts__hidden_at=None)))
        .order_by("-last_post_at", "-id")
    )


def posts_of(thread: Thread) -> list[Post]:
    """The thread's posts with their authors and files (2 queries)."""
    return list(
        thread.posts.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=PostAttachment.objects.order_by("id"))
        )
    )


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def has_unread(user, *, url_prefix: str) -> bool:
    return Notification.objects.filter(
        recipient=user, read_at=None, url__startswith=url_prefix
    ).exists()


def notifications_of(user, limit: int = 100) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])


def announcements_for(user, cycle, limit: int = 20) -> list[Announcement]:
    """Announcements addressed to ``user`` in ``cycle`` (any cycle: None): to everyone
    (participants, faculty and staff), to a cohort they have a team in, or to a role they hold
    (1 query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ties = [t for t in membership_of(user).ties if cycle is None or t.cycle_id == cycle.pk]
    audience = Q(audience=Announcement.Audience.ROLE, role__in=roles_of(user))
    audience |= Q(audience=Announcement.Audience.COHORT, cohort_id__in={t.cohort_id for t in ties})
    if ties or has_role(user, STAFF, FACULTY):
        audience |= Q(audience=Announcement.Audience.EVERYONE)
    announcements = Announcement.objects.filter(audience)
    if cycle is not None:
        announcements = announcements.filter(cycle=cycle)
    return list(
        announcements.select_related("author", "cohort").order_by("-created_at", "-id")[:limit]
    )


def can_read_announcement(user, announcement: Announcement) -> bool:
    if rules.can_announce(user):
        return True
    return any(a.pk == announcement.pk for a in announcements_for(user, announcement.cycle, 10**6))


def open_reports():
    """Reports staff have not dealt with, with the post, its thread and space."""
    return (
        Report.objects.filter(resolved_at=None)
        .select_related("reporter", "post__author", "post__thread__space")
        .order_by("created_at")
    )


# --- the directory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """One person as the directory shows them: only the fields they agreed to show."""

    name: str
    organization: str
    organization_type: str
    region: str
    role: str
    pronouns: str
    clinical_focus: str


def directory(*, org_type: str = "", region: str = "", clinical_area: str = "", q: str = ""):
    """People who agreed to be listed, filtered only by what they agreed to show: a filter on
    organization type or region matches only those showing their organization, on clinical area
    only those showing their clinical focus (so a search never reveals a hidden field). 2 queries.
    """
    entries = DirectoryEntry.objects.filter(show_name=True, user__is_active=True).filter(
        Q(user__team_memberships__isnull=False) | Q(user__role_assignments__role=FACULTY)
    )
    org = "user__team_memberships__team__organization__"
    if org_type:
        entries = entries.filter(show_organization=True, **{f"{org}org_type": org_type})
    if region:
        entries = entries.filter(show_organization=True, **{f"{org}census_region": region})
    if clinical_area:
        entries = entries.filter(show_clinical_focus=True, clinical_focus=clinical_area)
    if q:
        entries = entries.filter(
            Q(user__full_name__icontains=q)
            | Q(user__preferred_name__icontains=q)
            | Q(show_organization=True, **{f"{org}name__icontains": q})
        )
    entries = list(entries.select_related("user").distinct().order_by("user__full_name", "pk"))
    organizations: dict[int, tuple[str, str, str]] = {}
    for user_id, name, kind, region_ in (
        TeamMember.objects.filter(user_id__in=[e.user_id for e in entries])
        .order_by("-team__cycle__starts_on")
        .values_list(
            "user_id",
            "team__organization__name",
            "team__organization__org_type",
            "team__organization__census_region",
        )
    ):
        organizations.setdefault(user_id, (name, kind, region_))
    from pursuing_equity.accounts.models import Organization, OrganizationType

    regions = dict(Organization._meta.get_field("census_region").choices)
    types = dict(OrganizationType.choices)
    listings = []
    for e in entries:
        org_name, kind, region_ = organizations.get(e.user_id, ("", "", ""))
        shown = e.show_organization
        listings.append(
            Listing(
                name=e.user.full_name or e.user.preferred_name or "(no name given)",
                organization=org_name if shown else "",
                organization_type=types.get(kind, "") if shown else "",
                region=regions.get(region_, "") if shown else "",
                role=e.user.title if e.show_role else "",
                pronouns=e.user.pronouns if e.show_pronouns else "",
                clinical_focus=e.get_clinical_focus_display() if e.show_clinical_focus else "",
            )
        )
    return listings


# --- homes -------------------------------------------------------------------------------------


def home_panels(user, day: datetime.date) -> list[Panel]:
    """Announcements addressed to the person, new threads and replies in their spaces, and for
    program staff the reports to review (a fixed number of queries)."""
    if not rules.can_view_community(user):
        return []
    staff = rules.can_moderate(user)
    # Staff wrote the announcements of every cycle; others read those of the current one.
    cycle = None if staff else current_cycle(day)
    panels: list[Panel] = []
    announcements = announcements_for(user, cycle, limit=5)
    links: tuple[tuple[str, str], ...] = (("All announcements", reverse("announcements")),)
    if rules.can_announce(user):
        links += (("Make an announcement", reverse("announcement_create")),)
    panels.append(
        Panel(
            key="announcements",
            heading="Announcements",
            tasks=tuple(
                Task(
                    text=a.title,
                    url=reverse("announcement_detail", args=[a.pk]),
                    detail=f"{a.created_at:%b %-d, %Y}",
                )
                for a in announcements
            ),
            links=links,
            empty="No announcements for you yet this cycle.",
            order=15,
        )
    )
    if staff:
        # Staff read every open space from "Discussions"; their home lists what needs them.
        reports = Report.objects.filter(resolved_at=None).count()
        empty = "No reported message to review."
        tasks = []
        if reports:
            tasks.append(
                Task(
                    text=f"{reports} reported message{'s' if reports != 1 else ''} to review",
                    url=reverse("community_reports"),
                    urgent=True,
                )
            )
    else:
        empty = "No new messages in your spaces in the last two weeks: start a thread."
        since = day - datetime.timedelta(days=RECENT_DAYS)
        spaces = readable_spaces(user, cycle)
        recent = (
            Thread.objects.filter(space__in=spaces, last_post_at__date__gte=since)
            .select_related("space")
            .order_by("-last_post_at")[:5]
            if spaces
            else []
        )
        tasks = [
            Task(text=f"{t.title} ({t.space.name})", url=reverse("community_thread", args=[t.pk]))
            for t in recent
        ]
    panels.append(
        Panel(
            key="community",
            heading="Discussions",
            tasks=tuple(tasks),
            links=(
                ("Discussion spaces", reverse("community")),
                ("Participant directory", reverse("directory")),
            ),
            empty=empty,
            order=16,
        )
    )
    return panels
