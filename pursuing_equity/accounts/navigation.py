"""The navigation each person sees, by role. Links only where the rules let them in."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from pursuing_equity.accounts import rules


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def navigation_for(user, path: str) -> list[NavItem]:
    items: list[tuple[str, str]] = [("Program", reverse("program"))]
    if getattr(user, "is_authenticated", False):
        items.append(("My home", reverse("home")))
        if rules.can_view_staff_home(user):
            items += [
                ("Organizations", reverse("organization_list")),
                ("People", reverse("people")),
                ("Audit log", reverse("audit_log")),
                ("Outbox", reverse("outbox")),
                ("Review", reverse("review_queue")),
            ]
        elif rules.organizations_of(user):
            items.append(("My organization", reverse("organization_mine")))
        if rules.has_role(user, rules.STAFF, rules.FACULTY):
            items.append(("Teams", reverse("team_list")))
        if rules.can_view_staff_home(user):
            items.append(("Cohort builder", reverse("cohort_builder")))
        if rules.has_role(user, rules.REVIEWER):
            items.append(("My reviews", reverse("review_assigned")))
        if rules.has_role(user, rules.STAFF, rules.FACULTY) or rules.organizations_of(user):
            items.append(("Updates", reverse("updates")))
        if rules.has_role(user, rules.STAFF, rules.FACULTY):
            items.append(("Equity gaps", reverse("measures_network")))
        from pursuing_equity.events import rules as event_rules

        if event_rules.can_view_calendar(user):
            items.append(("Calendar", reverse("calendar_mine")))
        if event_rules.can_view_attendance(user):
            items.append(("Attendance", reverse("attendance_overview")))
    return [NavItem(label, url, _is_current(url, path)) for label, url in items]


def _is_current(url: str, path: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
