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
from pursuing_equity.programs.models import Cycle
from pursuing_equity.programs.services import demo_shift_months, program_load

ACTOR_LABEL = DEMO_ACTOR_LABEL

# What each demo login shows, in the order the table lists them (None: an applicant, no role).
WHAT_THEY_SEE: dict[str | None, str] = {
    Role.PROGRAM_STAFF: "Staff home: organizations, people, audit log, outbox",
    Role.FACULTY: "Their home; every organization's profile",
    Role.REVIEWER: "Their home; every organization's profile",
    Role.TEAM_MEMBER: "Their team's home and their organization",
    Role.SENIOR_LEADER: "Their team's home and their organization, as senior leader",
    Role.COMMUNITY_PARTNER: "Their team's home, as community partner",
    Role.FUNDER: "Their home and the program",
    None: "A home with no role yet (someone about to apply)",
}


# Later apps add their demo data here, in order: each module has
# populate(*, cycle, organizations, today, out), idempotent, run inside the demo's transaction.
DEMO_STEPS: tuple[str, ...] = (
    "pursuing_equity.review.demo",
    "pursuing_equity.teams.demo",
    "pursuing_equity.measures.demo",
    "pursuing_equity.reporting.demo",
    "pursuing_equity.events.demo",
)


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
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the table.",
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
        self.stdout.write(
            f"Demo ready: {cycle} (demo dates, shifted {cycle.date_shift_months:+d} months), "
            f"{len(network.organizations)} organizations, {len(network.people)} people "
            f"({created} new). Everyone and every organization is fictional."
        )
        self.stdout.write(self._logins_table(network, url.rstrip("/")))

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

    def _logins_table(self, network: DemoNetwork, url: str) -> str:
        rows = [("Role", "Email", "Password", "What they will see")]
        for role, sees in WHAT_THEY_SEE.items():
            person = network.people_in(role)[0]
            label = Role(role).label if role else "Applicant (no role)"
            rows.append((label, person.email, DEMO_PASSWORD, sees))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["", "Demo logins (one per role):", ""]
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
