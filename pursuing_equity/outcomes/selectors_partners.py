"""Reads of community partnership and lived experience: partners with their engagements and
payments, totals per team, cohort and network, and the finance tables (fixed query counts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from pursuing_equity.outcomes.models import Engagement, Partner, Payment
from pursuing_equity.outcomes.selectors_milestones import TEAMS
from pursuing_equity.teams.models import Team


@dataclass(frozen=True)
class PartnerTotals:
    """Counts and sums of a team's (or the network's) partnership: people are counted whether
    or not they consented to be named."""

    people: int = 0
    unnamed: int = 0
    organizations: int = 0
    engagements: int = 0
    hours: Decimal = Decimal("0")
    payments: int = 0
    paid: Decimal = Decimal("0")

    def __add__(self, other: PartnerTotals) -> PartnerTotals:
        return PartnerTotals(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


def totals(partners: Iterable[Partner]) -> PartnerTotals:
    partners = list(partners)
    engagements = [e for p in partners for e in p.engagements.all()]
    payments = [x for p in partners for x in p.payments.all()]
    return PartnerTotals(
        people=sum(p.kind == Partner.Kind.PERSON for p in partners),
        unnamed=sum(not p.named for p in partners),
        organizations=sum(p.kind == Partner.Kind.ORGANIZATION for p in partners),
        engagements=len(engagements),
        hours=sum((e.hours for e in engagements), Decimal("0")),
        payments=len(payments),
        paid=sum((x.amount for x in payments), Decimal("0")),
    )


def partners_with_records(**filters):
    return (
        Partner.objects.filter(**filters)
        .select_related("user", "team")
        .prefetch_related(
            Prefetch("engagements", queryset=Engagement.objects.order_by("-on", "-id")),
            Prefetch("payments", queryset=Payment.objects.order_by("-paid_on", "-id")),
        )
    )


def team_partnership(team: Team) -> tuple[list[Partner], PartnerTotals]:
    """The team's partners with their engagements and payments, and the team's totals (3 queries)."""
    partners = list(partners_with_records(team=team))
    return partners, totals(partners)


def network_partnership(cycle) -> tuple[list[tuple[Team, PartnerTotals]], PartnerTotals]:
    """Each team of the cycle with its totals (teams without partners too), and the network's
    (4 queries)."""
    teams = list(TEAMS.filter(cycle=cycle).order_by("cohort__position", "name"))
    by_team: dict[int, list[Partner]] = defaultdict(list)
    for p in partners_with_records(team__cycle=cycle):
        by_team[p.team_id].append(p)
    rows = [(t, totals(by_team[t.pk])) for t in teams]
    return rows, sum((r for _, r in rows), PartnerTotals())


def cohort_compensation(cycle) -> dict[int, PartnerTotals]:
    """Totals per cohort id (for the program report; 3 queries)."""
    by_cohort: dict[int, list[Partner]] = defaultdict(list)
    for p in partners_with_records(team__cycle=cycle):
        by_cohort[p.team.cohort_id].append(p)
    return {cohort_id: totals(ps) for cohort_id, ps in by_cohort.items()}


def finance_tables(cycle) -> dict[str, tuple[list[str], list[list]]]:
    """What finance reads: one row per payment and one per engagement, people named only with
    their consent (3 queries)."""
    partners = list(partners_with_records(team__cycle=cycle).order_by("team__name", "id"))
    payments = [
        [p.team.name, p.get_kind_display(), p.label, x.paid_on, x.amount, x.currency,
         x.get_method_display()]
        for p in partners
        for x in p.payments.all()
    ]  # fmt: skip
    engagements = [
        [p.team.name, p.get_kind_display(), p.label, e.on, e.activity, e.hours]
        for p in partners
        for e in p.engagements.all()
    ]
    return {
        "Payments": (
            ["team", "kind", "partner", "paid_on", "amount", "currency", "method"],
            payments,
        ),
        "Engagements": (["team", "kind", "partner", "date", "activity", "hours"], engagements),
    }
