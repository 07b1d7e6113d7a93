"""The counts template of a measure, as CSV or Excel: one row per period × stratifier × group.

The team fills in the numerator and denominator and uploads the file back; rows left blank are
skipped. ``group_name`` is there for people to read and is ignored on upload.
"""

from __future__ import annotations

import csv
import datetime
import io

from pursuing_equity.measures import categories, periods
from pursuing_equity.measures.models import OVERALL, Measure
from pursuing_equity.programs.dates import add_months

HEADER = ("period", "stratifier", "group", "group_name", "numerator", "denominator")
PERIODS_IN_TEMPLATE = {periods.MONTHLY: 12, periods.QUARTERLY: 4}


def template_periods(measure: Measure, today: datetime.date) -> list[datetime.date]:
    """The last complete periods before today (12 months or 4 quarters)."""
    last = add_months(periods.start_of(today, measure.frequency), -periods.step(measure.frequency))
    return periods.recent(measure.frequency, last, PERIODS_IN_TEMPLATE[measure.frequency])


def template_rows(measure: Measure, today: datetime.date) -> list[tuple[str, str, str, str]]:
    rows = []
    for period in template_periods(measure, today):
        label = periods.text(period, measure.frequency)
        for stratifier in [OVERALL, *measure.stratifiers]:
            for group in categories.categories(measure, stratifier):
                name = categories.group_label(measure, stratifier, group)
                rows.append((label, stratifier, group, name))
    return rows


def filename(measure: Measure, suffix: str) -> str:
    return f"{measure.team.slug}-{measure.slug}-template.{suffix}"


def as_csv(measure: Measure, today: datetime.date) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in template_rows(measure, today):
        writer.writerow([*row, "", ""])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(measure: Measure, today: datetime.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Counts"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in template_rows(measure, today):
        sheet.append([*row, None, None])
    for letter, width in zip("ABCDEF", (10, 20, 16, 40, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("How to fill in")
    for line in (
        (f"Measure: {measure.name} ({measure.get_frequency_display().lower()})",),
        (f"Numerator: {measure.numerator_definition}",),
        (f"Denominator: {measure.denominator_definition}",),
        ("Fill in numerator and denominator (whole numbers, no formulas) on the Counts sheet.",),
        ("Leave a row blank when you have no data for it; blank rows are skipped.",),
        ("The overall row is everyone; each stratifier's rows must add up to it.",),
        ("Count people without an answer as unknown, declined, not_collected or missing.",),
    ):
        notes.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
