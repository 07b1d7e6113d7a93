"""Community partnership and lived experience: names only with consent and only to the team and
staff, engagements and payments with clear refusals, totals, the finance export, the partner's home."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.core.models import AuditEntry
from pursuing_equity.outcomes import selectors_partners as selectors
from pursuing_equity.outcomes import services
from pursuing_equity.outcomes.models import Payment
from pursuing_equity.outcomes.tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SECRET = "Rosalind Quixote"


@pytest.fixture
def w():
    w = f.world()
    team = w["team_a"]
    w["unnamed"] = services.partner_save(
        actor=w["writer"], team=team, kind="person", name=SECRET, role="Patient advisor"
    )
    w["named"] = services.partner_save(
        actor=w["writer"],
        team=team,
        kind="person",
        name="Maya Okafor",
        consent_on=TODAY,
        user=w["partner"],
    )
    w["org"] = services.partner_save(
        actor=w["leader"], team=team, kind="organization", name="Eastside Tenants Union"
    )
    for p, hours, amount in ((w["unnamed"], "2.5", "100.00"), (w["named"], "3", "150.50")):
        services.engagement_add(
            actor=w["writer"], partner=p, on=TODAY, activity="Focus group", hours=Decimal(hours)
        )
        services.payment_add(
            actor=w["writer"], partner=p, paid_on=TODAY, amount=Decimal(amount), method="check"
        )
    return w


def _page(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def test_a_person_without_consent_is_counted_but_never_named(client, w):
    team = w["team_a"]
    for who in ("writer", "leader", "partner", "staff"):
        page = _page(client, w[who], "team_partners", team.slug)
        assert page.status_code == 200
        text = page.content.decode()
        assert SECRET not in text and "not named: no consent" in text
        assert "Maya Okafor" in text and "Eastside Tenants Union" in text
    network = _page(client, w["staff"], "partnership_network").content.decode()
    assert SECRET not in network and "Maya Okafor" not in network
    export = _page(client, w["staff"], "partnership_export", "csv").content.decode()
    assert SECRET not in export and "Maya Okafor" in export and "not named" in export
    assert not AuditEntry.objects.filter(after__name=SECRET).exists()


def test_only_the_team_and_staff_see_partners(client, w):
    team = w["team_a"]
    for who in ("coach_a", "outsider", "funder", "visitor"):
        assert _page(client, w[who], "team_partners", team.slug).status_code in (403, 404)
    for who in ("writer", "leader", "coach_a", "funder"):
        assert _page(client, w[who], "partnership_network").status_code == 403
        assert _page(client, w[who], "partnership_export", "xlsx").status_code == 403
    client.force_login(w["partner"])
    url = reverse("payment_add", args=[team.slug, w["named"].pk])
    assert client.post(url, {"p-paid_on": TODAY.isoformat()}).status_code == 403


def test_totals_per_team_and_for_the_network(w):
    _, totals = selectors.team_partnership(w["team_a"])
    assert (totals.people, totals.unnamed, totals.organizations) == (2, 1, 1)
    assert totals.hours == Decimal("5.5") and totals.paid == Decimal("250.50")
    rows, network = selectors.network_partnership(w["team_a"].cycle)
    assert network.paid == Decimal("250.50")
    assert {t.slug: r.paid for t, r in rows}[w["team_b"].slug] == Decimal("0")


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"amount": "abc"}, "amount", "Enter a number"),
        ({"amount": "-5"}, "amount", "greater than or equal to 0.01"),
        ({"amount": "1e400"}, "amount", ""),
        ({"amount": "12.345"}, "amount", "decimal places"),
        ({"paid_on": "2999-01-01"}, "paid_on", "cannot be in the future"),
        ({"paid_on": "31/31/2020"}, "paid_on", "Enter a valid date"),
        ({"method": "bitcoin"}, "method", "Select a valid choice"),
    ],
)
def test_a_hostile_payment_is_refused_with_a_message_naming_the_field(
    client, w, fields, field, message
):
    client.force_login(w["writer"])
    data = {"paid_on": TODAY.isoformat(), "amount": "10.00", "method": "check"} | fields
    url = reverse("payment_add", args=[w["team_a"].slug, w["named"].pk])
    response = client.post(url, {f"p{w['named'].pk}-{k}": v for k, v in data.items()})
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["partner"] == w["named"])
    errors = row["payment_form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert Payment.objects.filter(partner=w["named"]).count() == 1


def test_engagement_hours_and_dates_are_checked(w):
    p = w["named"]
    with pytest.raises(ValidationError) as error:
        services.engagement_add(
            actor=w["writer"], partner=p, on=TODAY, activity="Co-design", hours=Decimal("30")
        )
    assert "hours" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.engagement_add(
            actor=w["writer"],
            partner=p,
            on=TODAY + datetime.timedelta(days=3),
            activity="Co-design",
            hours=Decimal("1"),
        )
    assert "on" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.engagement_add(
            actor=w["writer"], partner=p, on=TODAY, activity="  ", hours=Decimal("1")
        )
    assert "activity" in error.value.error_dict


def test_the_database_refuses_a_payment_in_another_currency(w):
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            partner=w["named"], paid_on=TODAY, amount=Decimal("5"), currency="EUR", method="cash"
        )


def test_an_account_outside_the_team_cannot_be_linked(w):
    with pytest.raises(ValidationError) as error:
        services.partner_save(
            actor=w["writer"], team=w["team_a"], kind="person", name="X", user=w["outsider"]
        )
    assert "user" in error.value.error_dict


def test_a_member_adds_a_partner_and_records_an_engagement_from_the_page(client, w):
    team = w["team_a"]
    client.force_login(w["writer"])
    response = client.post(
        reverse("partner_add", args=[team.slug]),
        {"kind": "organization", "name": "Northside Food Bank", "role": "Outreach"},
    )
    assert response.status_code == 302
    partner = team.partners.get(name="Northside Food Bank")
    response = client.post(
        reverse("engagement_add", args=[team.slug, partner.pk]),
        {f"e{partner.pk}-on": TODAY.isoformat(), f"e{partner.pk}-activity": "Listening session",
         f"e{partner.pk}-hours": "1.5"},
        follow=True,
    )  # fmt: skip
    assert "Listening session" in response.content.decode()
    assert AuditEntry.objects.filter(action="partner.engagement_add").count() == 3


def test_the_consent_given_later_names_the_person(client, w):
    client.force_login(w["leader"])
    p = w["unnamed"]
    url = reverse("partner_edit", args=[w["team_a"].slug, p.pk])
    assert SECRET not in client.get(url).content.decode()
    response = client.post(
        url, {"kind": "person", "name": "", "role": "", "consent_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.name == SECRET and p.named


def test_the_finance_export_writes_formulas_as_text(client, w):
    services.engagement_add(
        actor=w["writer"],
        partner=w["org"],
        on=TODAY,
        activity='=HYPERLINK("http://evil.example","x")',
        hours=Decimal("1"),
    )
    response = _page(client, w["staff"], "partnership_export", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    activities = [row[4] for row in book["Engagements"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example","x")' in activities
    payments = list(book["Payments"].iter_rows(min_row=2, values_only=True))
    assert {row[4] for row in payments} == {100, 150.5}


def test_the_partners_home_shows_what_was_recorded_for_them(client, w):
    client.force_login(w["partner"])
    text = client.get(reverse("home")).content.decode()
    assert "Your work with your team" in text and "$150.50 USD" in text
    assert reverse("team_partners", args=[w["team_a"].slug]) in text
    assert SECRET not in text


def test_staff_reach_the_network_totals_from_home(client, w):
    client.force_login(w["staff"])
    text = client.get(reverse("home")).content.decode()
    assert reverse("partnership_network") in text


def test_a_payment_recorded_by_mistake_is_removed_by_the_team_not_its_partner(client, w):
    payment = w["named"].payments.get()
    url = reverse(
        "partner_record_remove", args=[w["team_a"].slug, w["named"].pk, "payments", payment.pk]
    )
    client.force_login(w["partner"])
    assert client.post(url).status_code == 403
    client.force_login(w["outsider"])
    assert client.post(url).status_code == 403
    client.force_login(w["leader"])
    assert client.post(url).status_code == 302
    assert not Payment.objects.filter(pk=payment.pk).exists()
    entry = AuditEntry.objects.get(action="partner.payment_remove")
    assert entry.before["amount"] == "150.50"


def test_each_partner_has_its_own_engagement_and_payment_forms(client, w):
    """The blank forms are rendered once per process and given each partner's prefix."""
    from pursuing_equity.outcomes.forms import PLACEHOLDER

    html = _page(client, w["writer"], "team_partners", w["team_a"].slug).content.decode()
    for p in (w["unnamed"], w["named"], w["org"]):
        assert f'name="e{p.pk}-activity"' in html and f'id="id_p{p.pk}-amount"' in html
    assert PLACEHOLDER not in html
