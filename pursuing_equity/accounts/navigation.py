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
            ]
        elif rules.organizations_of(user):
            items.append(("My organization", reverse("organization_mine")))
    return [NavItem(label, url, _is_current(url, path)) for label, url in items]


def _is_current(url: str, path: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
