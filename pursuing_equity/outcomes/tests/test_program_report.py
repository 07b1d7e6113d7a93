"""The program report: counts by cohort, suppressed before anything is shared (page, PDF, XLSX,
the funder's home); only staff and funders read it."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from pursuing_equity.outcomes import report, services
from pursuing_equity.outcomes.tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
COUNT = re.compile(r"^\d[\d,]*$")


def _people(team, actor, n: int, amount: str):
    for i in range(n):
        p = services.partner_save(actor=actor, team=team, kind="person", name=f"P{i}")
        services.engagement_add(
            actor=actor, partner=p, on=TODAY, activity="Focus group", hours=Decimal("2.5")
        )
        services.payment_add(
            actor=actor, partner=p, paid_on=TODAY, amount=Decimal(amount), method="check"
        )


@pytest.fixture
def w():
    w = f.world()
    # Learning Network: 12 people with lived experience (shown); Action Community: 7 (hidden).
    _people(w["team_b"], w["outsider"], 12, "50.00")
    _people(w["team_a"], w["writer"], 7, "125.00")
    return w


def _no_small_count(cells, threshold):
    small = [c for c in cells if COUNT.match(c) and 0 < int(c.replace(",", "")) <= threshold]
    assert not small, f"small counts published: {small}"


def test_no_published_cell_is_a_small_count(w):
    built = report.program_report(w["team_a"].cycle, TODAY)
    assert built.threshold == 10
    _no_small_count(built.cells(), built.threshold)
    people = next(
        r for s in built.sections for r in s.rows if r.label == "People with lived experience"
    )
    columns = dict(zip(built.columns, people.cells, strict=True))
    assert columns["Action Community"] == "suppressed (fewer than 11)"
    # With the network's 19 published, the other cohort's 12 would give the 7 away.
    assert columns["Learning Network"] == "suppressed (to protect a small cell)"
    assert columns["Network"] == "19"
    paid = next(r for s in built.sections for r in s.rows if r.label.startswith("Compensation"))
    assert paid.cells == ("suppressed", "suppressed", "$1,475.00")


def test_the_pdf_holds_no_small_cell(client, w):
    client.force_login(w["funder"])
    response = client.get(reverse("program_report_download", args=["pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "People with lived experience" in text and "suppressed (fewer than 11)" in text
    assert "$1,475.00" in text
    for secret in ("$875.00", "17.5", "$600.00", "30.0"):  # the hidden cohorts' amounts
        assert secret not in text
    lines = [line for line in text.splitlines() if line.startswith("People with lived")]
    numbers = re.findall(r"\b\d+\b", lines[0].replace("fewer than 11", ""))
    assert numbers == ["19"]


def test_the_xlsx_holds_the_same_suppressed_cells(client, w):
    client.force_login(w["staff"])
    response = client.get(reverse("program_report_download", args=["xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [
        str(v)
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2, values_only=True)
        for v in row[1:]
    ]
    _no_small_count(cells, 10)
    assert "$875.00" not in cells and "19" in cells


def test_only_staff_and_funders_read_the_report(client, w):
    for who, status in (("funder", 200), ("staff", 200), ("writer", 403), ("coach_a", 403)):
        client.force_login(w[who])
        assert client.get(reverse("program_report")).status_code == status
        assert client.get(reverse("program_report_download", args=["xlsx"])).status_code == status


def test_the_funders_home_is_the_program_report(client, w):
    client.force_login(w["funder"])
    text = client.get(reverse("home")).content.decode()
    assert "Program report" in text and "People with lived experience" in text
    assert reverse("program_report_download", args=["pdf"]) in text
    assert "$875.00" not in text


def test_a_kept_report_shows_new_payments_at_once_and_is_still_refused_to_a_team(client, w):
    client.force_login(w["funder"])
    before = [client.get(reverse("program_report")).content for _ in range(2)]
    assert before[0].split(b"<main")[1] == before[1].split(b"<main")[1]
    _people(w["team_b"], w["outsider"], 3, "50.00")
    after = client.get(reverse("program_report")).content
    assert after.split(b"<main")[1] != before[1].split(b"<main")[1]
    client.force_login(w["writer"])
    assert client.get(reverse("program_report")).status_code == 403
