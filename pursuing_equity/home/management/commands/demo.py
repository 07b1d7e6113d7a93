"""``manage.py demo``: the program with demo dates and a fictional network, ready to click through.

Running it again changes nothing: organizations are found by name, people by email, roles by
(person, role, organization), and the program file is loaded through ``program_load``. All of it
happens in one transaction, so a failure leaves the database as it was.
"""

from __future__ import annotations

import datetime
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.accounts.demo import (
    DEFAULT_SEED,
    DEMO_ACTOR_LABEL,
    DEMO_PASSWORD,
    DEMO_PERSON_NOTE,
    DemoNetwork,
    demo_network,
)
from pursuing_equity.accounts.models import Organization, Role, RoleAssignment, User
from pursuing_equity.accounts.services import organization_create, person_create, role_assign
from pursuing_equity.core.services import audit_record
from pursuing_equity.core.urls import site_url
from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.services import demo_shift_months, program_load
from pursuing_equity.reporting.models import Update
from pursuing_equity.review.demo import OPEN_CALL_SLUG
from pursuing_equity.teams.models import Team, TeamMember

ACTOR_LABEL = DEMO_ACTOR_LABEL

# What each demo login shows, in the order the table lists them: (label, what they will see).
# Team roles are printed from one Action Community team's roster (and a Learning Network team's),
# the faculty member is the coach of a small cohort, when the demo steps have made them.
STAFF, FACULTY, REVIEWER, FUNDER = "staff", "faculty", "reviewer", "funder"
AC_MEMBER, AC_LEADER, AC_PARTNER, LN_MEMBER, APPLICANT = (
    "ac_member", "ac_leader", "ac_partner", "ln_member", "applicant",
)  # fmt: skip
WHAT_THEY_SEE: dict[str, tuple[str, str]] = {
    STAFF: (
        "Program staff",
        "What needs action: overdue updates and reflections, falling attendance, uploads "
        "pending; review queue, organizations, people, audit log, outbox",
    ),
    FACULTY: (
        "Faculty / coach",
        "The teams and small cohort they coach, updates to comment on, progress to rate, "
        "their coaching slots",
    ),
    REVIEWER: ("Application reviewer", "Their home and the applications assigned to them"),
    AC_MEMBER: (
        "Team member (Action Community)",
        "Their team, each measure with its gap (and any data due), the next update, events",
    ),
    AC_LEADER: (
        "Senior leader (same team)",
        "Their team's updates to reflect on, the team's measures, the leadership workgroup",
    ),
    AC_PARTNER: (
        "Community partner (same team)",
        "Their team, the monthly update they may write, the meetings they are invited to",
    ),
    LN_MEMBER: (
        "Team member (Learning Network)",
        "Their team and small cohort, its measures, updates and events",
    ),
    FUNDER: (
        "Funder",
        "The program at a glance: teams per cohort, participation, updates on time, gaps closing",
    ),
    APPLICANT: ("Applicant (no role)", "A home with no role yet (someone about to apply)"),
}
#: Who stands for each entry when the demo steps made no team (the network alone).
FALLBACK_ROLE: dict[str, str | None] = {
    STAFF: Role.PROGRAM_STAFF,
    FACULTY: Role.FACULTY,
    REVIEWER: Role.REVIEWER,
    AC_MEMBER: Role.TEAM_MEMBER,
    AC_LEADER: Role.SENIOR_LEADER,
    AC_PARTNER: Role.COMMUNITY_PARTNER,
    LN_MEMBER: Role.TEAM_MEMBER,
    FUNDER: Role.FUNDER,
    APPLICANT: None,
}


# Later apps add their demo data here, in order: each module has
# populate(*, cycle, organizations, today, out), idempotent, run inside the demo's transaction.
DEMO_STEPS: tuple[str, ...] = (
    "pursuing_equity.review.demo",
    "pursuing_equity.teams.demo",
    "pursuing_equity.measures.demo",
    "pursuing_equity.reporting.demo",
    "pursuing_equity.events.demo",
    "pursuing_equity.outcomes.demo",
    "pursuing_equity.community.demo",
)


def demo_logins(network: DemoNetwork, on_rosters: dict[str, str]) -> dict[str, str]:
    """One email per persona: the person on a real roster, else the first with the fallback role."""
    return {
        key: on_rosters.get(key) or network.people_in(FALLBACK_ROLE[key])[0].email
        for key in WHAT_THEY_SEE
    }


class Command(BaseCommand):
    help = (
        "Load the program with its dates moved to the present and a fictional network of about 60 "
        "organizations with people in every role. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Seed of the fictional network."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo people and organizations first, then create them again.",
        )
        parser.add_argument(
            "--program",
            type=Path,
            default=settings.PE_PROGRAM_FILE,
            help="The program file to load.",
        )
        parser.add_argument(
            "--url",
            default=site_url(),
            help="Where the site is served, for the table (default: PE_SITE_URL).",
        )

    def handle(self, *args, seed: int, reset: bool, program: Path, url: str, **options):
        if not settings.PE_DEMO:
            # The demo people share a published password: never let them into a real site.
            raise CommandError(
                "The demo creates fictional people whose password is published, so it runs only "
                "with demo settings: set PE_DEMO=1 (make demo does). Never run it in production."
            )
        network = demo_network(seed)
        with transaction.atomic():
            if reset:
                self._reset(network)
            cycle = self._load_program(program, timezone.localdate())
            organizations = self._organizations(network)
            created = self._people(network, organizations)
            for step in DEMO_STEPS:
                import_module(step).populate(
                    cycle=cycle,
                    organizations=organizations,
                    today=timezone.localdate(),
                    out=self.stdout,
                )
            logins = demo_logins(network, self._on_rosters(network, cycle))
        self.stdout.write(
            f"Demo ready: {cycle} (demo dates, shifted {cycle.date_shift_months:+d} months), "
            f"{len(network.organizations)} organizations, {len(network.people)} people "
            f"({created} new). Everyone and every organization is fictional."
        )
        self.stdout.write(self._logins_table(network, logins, url.rstrip("/")))

    def _reset(self, network: DemoNetwork) -> None:
        emails = [p.email for p in network.people]
        names = [o.name for o in network.organizations]
        users = User.objects.filter(email__in=emails)
        organizations = Organization.objects.filter(name__in=names)
        for qs, action in (
            (users, "demo.reset.people"),
            (organizations, "demo.reset.organizations"),
        ):
            count = qs.count()
            qs.delete()
            audit_record(
                actor=None, actor_label=ACTOR_LABEL, action=action, after={"deleted": count}
            )

    def _load_program(self, path: Path, today: datetime.date) -> Cycle:
        """The cycle with demo dates: shifted so that today falls in the program's ninth month."""
        return program_load(
            path=path, actor=None, shift_months=demo_shift_months(path, today)
        ).cycle

    def _organizations(self, network: DemoNetwork) -> dict[str, Organization]:
        existing = {
            o.name: o
            for o in Organization.objects.filter(name__in=[o.name for o in network.organizations])
        }
        for org in network.organizations:
            if org.name not in existing:
                existing[org.name] = organization_create(
                    actor=None,
                    name=org.name,
                    org_type=org.org_type,
                    state=org.state,
                    size=org.size,
                    populations_served=org.populations_served,
                    city=org.city,
                    website=org.website,
                )
        return existing

    def _people(self, network: DemoNetwork, organizations: dict[str, Organization]) -> int:
        """Create the people who are missing and give everyone their role; returns how many are new."""
        users = {
            u.email: u for u in User.objects.filter(email__in=[p.email for p in network.people])
        }
        held = set(
            RoleAssignment.objects.filter(user__in=users.values()).values_list(
                "user__email", "role", "organization_id"
            )
        )
        password = None
        created = 0
        for person in network.people:
            user = users.get(person.email)
            if user is None:
                # One hash for everyone: hashing a hundred passwords would take most of the run.
                password = password or make_password(DEMO_PASSWORD)
                user = person_create(
                    actor=None,
                    actor_label=ACTOR_LABEL,
                    note=DEMO_PERSON_NOTE,
                    email=person.email,
                    full_name=person.full_name,
                    pronouns=person.pronouns,
                    title=person.title,
                    password_hash=password,
                )
                users[person.email] = user
                created += 1
            if person.role is None:
                continue
            organization = organizations[person.organization] if person.organization else None
            org_id = organization.pk if organization else None
            if (person.email, person.role, org_id) not in held:
                role_assign(actor=None, user=user, role=person.role, organization=organization)
        return created

    def _on_rosters(self, network: DemoNetwork, cycle: Cycle) -> dict[str, str]:
        """Emails of real team members for the table: a member, the senior leader and a
        community partner of one Action Community team (the partner joins its roster if the
        application had none), a Learning Network member and their small cohort's coach."""
        found: dict[str, str] = {}
        partners = {p.organization: p.email for p in network.people_in(Role.COMMUNITY_PARTNER)}
        waiting = Update.objects.filter(status=Update.Status.SUBMITTED, reflection__isnull=True)
        ac = (
            Team.objects.filter(
                cycle=cycle,
                cohort__key="action_community",
                organization__name__in=list(partners),
                members__part=TeamMember.Part.SENIOR_LEADER,
            )
            .select_related("organization")
            # a team whose leader has an update to reflect on, so that the leader's home shows one
            .annotate(waiting=Exists(waiting.filter(team=OuterRef("pk"))))
            .order_by("-waiting", "slug")
            .first()
        )
        if ac is not None:
            partner = User.objects.get(email=partners[ac.organization.name])
            if not TeamMember.objects.filter(team=ac, user=partner).exists():
                row = TeamMember(team=ac, user=partner, part=TeamMember.Part.COMMUNITY_PARTNER)
                row.full_clean()
                row.save()
                audit_record(
                    actor=None,
                    actor_label=ACTOR_LABEL,
                    action="demo.team.partner",
                    obj=ac,
                    after={"community_partner": partner.email},
                )
            parts = dict(
                TeamMember.objects.filter(team=ac)
                .order_by("-part", "user__email")
                .values_list("part", "user__email")
            )
            found[AC_MEMBER] = parts.get(TeamMember.Part.MEMBER, "")
            found[AC_LEADER] = parts.get(TeamMember.Part.SENIOR_LEADER, "")
            found[AC_PARTNER] = partner.email
        ln = (
            TeamMember.objects.filter(
                team__cycle=cycle,
                team__cohort__key="learning_network",
                team__small_cohort__coach__isnull=False,
                part=TeamMember.Part.MEMBER,
            )
            .select_related("team__small_cohort__coach")
            .order_by("team__slug", "user__email")
            .first()
        )
        if ln is not None:
            found[LN_MEMBER] = ln.user.email
            found[FACULTY] = ln.team.small_cohort.coach.email
        return {key: email for key, email in found.items() if email}

    def logins(self, *, seed: int = DEFAULT_SEED) -> dict[str, str]:
        """The demo login of each persona (WHAT_THEY_SEE's keys) in a database the demo built."""
        cycle = Cycle.objects.exclude(slug=OPEN_CALL_SLUG).order_by("-pk").first()
        if cycle is None:
            raise CommandError("No program is loaded: run `manage.py demo` first.")
        network = demo_network(seed)
        return demo_logins(network, self._on_rosters(network, cycle))

    def _logins_table(self, network: DemoNetwork, emails: dict[str, str], url: str) -> str:
        rows = [("Role", "Email", "Password", "What they will see")]
        for key, (label, sees) in WHAT_THEY_SEE.items():
            rows.append((label, emails[key], DEMO_PASSWORD, sees))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["", "Demo logins (one per role; the team roles are on real teams):", ""]
        for index, row in enumerate(rows):
            lines.append(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if index == 0:
                lines.append("  ".join("-" * width for width in widths))
        lines += [
            "",
            f"Sign in at {url}{reverse('account_login')}  ·  the program: {url}{reverse('program')}",
        ]
        if settings.PE_REQUIRE_MFA:
            lines.append(
                "Two-factor authentication is required (PE_REQUIRE_MFA): program staff and reviewers "
                "set it up when they first sign in. `make demo` turns this off."
            )
        return "\n".join(lines)
