"""Demo community: a few threads with replies in the whole network's space, each cohort's and
small cohort's space, an announcement from program staff to everyone, and directory entries of
the first members of each team, so that demo personas see a lived-in space.

Deterministic and idempotent: it does nothing when the cycle already has threads, or when there
are no teams. Writes go through the services, so they are audited (and the notifications and the
announcement's emails land in the demo outbox).
"""

from __future__ import annotations

import datetime

from pursuing_equity.accounts.models import Role, User
from pursuing_equity.community import services
from pursuing_equity.community.models import Space, Thread
from pursuing_equity.teams.models import TeamMember

#: (title, opening post, reply) per kind of space.
CONVERSATIONS = {
    Space.Kind.NETWORK: (
        "Introduce your team",
        "Welcome to the network's space! Tell us **who you are** and which gap you chose.",
        "Hello from our team: we are working on hypertension control for Black patients.",
    ),
    Space.Kind.COHORT: (
        "How are you stratifying by language?",
        "We use the patient's *preferred language* from registration. How do you handle "
        "missing values?",
        "We report them as their own group, and track how many there are month to month.",
    ),
    Space.Kind.SMALL_COHORT: (
        "Text reminders in Spanish",
        "We tried text reminders in Spanish for follow-up visits. Has anyone measured "
        "no-shows by language?",
        "Yes: our Spanish-speaking no-shows fell by about a third in three months.",
    ),
}


def populate(*, cycle, organizations=None, today: datetime.date, out) -> None:
    if Thread.objects.filter(space__cycle=cycle).exists():
        out.write("Community: already there.")
        return
    members = list(
        TeamMember.objects.filter(team__cycle=cycle)
        .select_related("user", "team")
        .order_by("team__slug", "part", "user__email")
    )
    if not members:
        out.write("Community: skipped (no teams yet).")
        return
    spaces = services.spaces_ensure(cycle=cycle)
    threads = 0
    for space in spaces:
        conversation = CONVERSATIONS.get(space.kind)
        if conversation is None:
            continue
        writers = _writers(space, members)
        if len(writers) < 2:
            continue
        title, opening, reply = conversation
        thread = services.thread_start(actor=writers[0], space=space, title=title, body=opening)
        services.post_reply(actor=writers[1], thread=thread, body=reply)
        threads += 1
    staff = User.objects.filter(role_assignments__role=Role.PROGRAM_STAFF).order_by("pk").first()
    if staff is not None:
        services.announcement_publish(
            actor=staff,
            cycle=cycle,
            audience="everyone",
            title="Welcome to the discussion spaces",
            body="Each cohort and small cohort now has its own space. Ask, share, and find "
            "peers in the participant directory.",
        )
    listed = set()
    for m in members:
        if m.team_id not in listed:
            listed.add(m.team_id)
            services.directory_entry_save(
                actor=m.user, show_name=True, show_organization=True, show_role=True
            )
    out.write(f"Community: {threads} threads, an announcement, {len(listed)} directory entries.")


def _writers(space: Space, members: list[TeamMember]) -> list[User]:
    """Two people of different teams who read ``space`` (the first member of each team)."""
    seen: dict[int, User] = {}
    for m in members:
        team = m.team
        if team.pk in seen:
            continue
        if (
            (space.kind == Space.Kind.NETWORK)
            or (space.kind == Space.Kind.COHORT and team.cohort_id == space.cohort_id)
            or (
                space.kind == Space.Kind.SMALL_COHORT
                and team.small_cohort_id == space.small_cohort_id
            )
        ):
            seen[team.pk] = m.user
        if len(seen) == 2:
            break
    return list(seen.values())
