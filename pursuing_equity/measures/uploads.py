"""Reading and validating submitted data, completely, before anything is stored.

Three ways in, one result: a :class:`Checked` holding the validated counts (``rows``) and EVERY
problem found (``problems``), each located by row and column so the team can fix the file.

* a counts file (CSV or .xlsx) in the layout of the measure's template (:func:`check_counts_file`);
* a de-identified patient-level extract (CSV or Parquet): :mod:`.extracts`;
* counts typed into the grid (:func:`check_records` on the grid's rows).

Row numbers are the file's own line numbers (the header is row 1), as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pursuing_equity.core.archives import zip_problem
from pursuing_equity.measures import adjusted, categories, periods
from pursuing_equity.measures.checks import (
    SAVE_AS_UTF8,
    Checked,
    Record,
    blank,
    column_letter,
    count_row,
    file_suffix,
    too_large,
)
from pursuing_equity.measures.models import ALL, OVERALL, Measure

COLUMNS: tuple[str, ...] = ("period", "stratifier", "group", "numerator", "denominator")
OPTIONAL_COLUMNS: tuple[str, ...] = ("group_name", "age_band")
MAX_COUNTS_BYTES = 5 * 1024 * 1024
#: An .xlsx counts file unpacked: 50,000 rows of the template are about 25 MB of sheet XML.
MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_COUNTS_ROWS = 50_000
COUNTS_SUFFIXES = (".csv", ".xlsx")


# --------------------------------------------------------------------------------------------
# Counts files
# --------------------------------------------------------------------------------------------


def check_counts_file(
    measure: Measure, name: str, data: bytes, *, today: datetime.date, size: int | None = None
) -> Checked:
    """Validate a counts file (CSV or .xlsx) completely; nothing is stored here.

    ``size`` is the upload's size when ``data`` holds only its first MAX_COUNTS_BYTES + 1 bytes
    (the caller never reads more of a file that is too large)."""
    size = max(len(data), size or 0)
    if size > MAX_COUNTS_BYTES:
        return too_large(
            name, size, MAX_COUNTS_BYTES, "For patient-level data use the extract upload."
        )
    checked = Checked()
    suffix = file_suffix(name)
    if not data:
        checked.add("The file is empty. Download the template, fill it in and upload it again.")
        return checked
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        checked.add(
            "This is an old Excel 97–2003 workbook (.xls). Save it as an Excel workbook (.xlsx) "
            "or as CSV UTF-8, then upload it again."
        )
        return checked
    if suffix not in COUNTS_SUFFIXES:
        checked.add(
            f"Wrong file type “{suffix or 'no extension'}”: upload the template as CSV (.csv) "
            "or Excel (.xlsx). A patient-level extract goes through the extract upload."
        )
        return checked
    if suffix == ".xlsx" and not is_zip:
        checked.add("The file is named .xlsx but is not an Excel workbook. Save it again as .xlsx.")
        return checked
    if suffix == ".csv" and is_zip:
        checked.add(
            "The file is named .csv but is an Excel workbook. Rename it to .xlsx, or save it "
            "as CSV UTF-8."
        )
        return checked
    table = _read_xlsx(name, data, checked) if suffix == ".xlsx" else _read_csv(data, checked)
    if table is None:
        return checked
    records = _records(table, checked)
    if records is not None:
        check_records(measure, records, checked, today=today)
    return checked


def _read_csv(data: bytes, checked: Checked) -> Iterator[tuple[int, list[Any]]] | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        checked.add("The file is saved as UTF-16 (“Unicode Text”), not UTF-8. " + SAVE_AS_UTF8)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        checked.add(
            f"The file is not UTF-8 text: byte 0x{byte:02X} cannot be read (probably saved as "
            f"Windows-1252 or Latin-1, e.g. an accented letter). " + SAVE_AS_UTF8,
            row=row,
        )
        return None
    if "\x00" in text:
        checked.add("The file holds binary data (NUL bytes); it is not a CSV file.")
        return None
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        delimiter = ";" if ";" in first else ("\t" if "\t" in first else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            reason = (
                'a quotation mark (") opens a cell that is never closed'
                if "end of data" in str(exc) or "EOF" in str(exc)
                else str(exc)
            )
            checked.add(f"The CSV cannot be read here: {reason}.", row=start)

    return rows()


def _read_xlsx(name: str, data: bytes, checked: Checked) -> Iterator[tuple[int, list[Any]]] | None:
    """The rows of the "Counts" sheet (else the first), read lazily by openpyxl.

    The archive's declared sizes are checked before openpyxl unpacks anything (a 400 KB
    workbook can hold gigabytes of shared strings); openpyxl parses its XML with defusedxml
    (installed), which refuses entity expansion. Anything openpyxl raises on a damaged file
    becomes a problem naming the file (and the row being read), never an error page.
    """
    import openpyxl

    problem = zip_problem(io.BytesIO(data), name=name, max_unpacked=MAX_XLSX_UNPACKED_BYTES)
    if problem:
        checked.add(problem)
        return None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book["Counts"] if "Counts" in book.sheetnames else book.worksheets[0]
    # openpyxl raises whatever its XML, ZIP and value parsers raise on a damaged workbook.
    except Exception as exc:
        checked.add(_unreadable(name, exc))
        return None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        except Exception as exc:  # as above, while the sheet is read row by row
            checked.add(_unreadable(name, exc), row=number + 1)
        finally:
            book.close()

    return rows()


def _unreadable(name: str, exc: Exception) -> str:
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return f"“{name}” cannot be read as an Excel workbook ({reason}). Save it again as .xlsx."


def _records(table: Iterable[tuple[int, list[Any]]], checked: Checked) -> list[Record] | None:
    """Header checked, then one Record per non-blank row (formula cells refused here)."""
    header_row: list[Any] | None = None
    index: dict[str, int] = {}
    records: list[Record] = []
    for number, cells in table:
        if header_row is None:
            if all(blank(c) for c in cells):
                continue
            header_row = cells
            names = [
                str(c).strip().lower().lstrip("\ufeff") if c is not None else "" for c in cells
            ]
            for i, name in enumerate(names):
                if name in index and name:
                    checked.add(
                        f"the column “{name}” appears twice (also column "
                        f"{column_letter(index[name])})",
                        row=number,
                        column=name,
                        letter=column_letter(i),
                    )
                elif name:
                    index[name] = i
            missing = [c for c in COLUMNS if c not in index]
            for name in missing:
                checked.add(
                    f"the column “{name}” is missing. The header row must have the columns "
                    f"{', '.join(COLUMNS)} — download the template for this measure.",
                    row=number,
                    column=name,
                )
            if missing or checked.problems:
                return None
            continue
        if len(records) >= MAX_COUNTS_ROWS:
            checked.add(f"The file has more than {MAX_COUNTS_ROWS} rows; split it by year.")
            return None
        if all(blank(c) for c in cells):
            continue
        for i, value in enumerate(cells):
            if isinstance(value, str) and value.strip().startswith("="):
                checked.add(
                    f"cell {column_letter(i)}{number} holds a formula ({value.strip()[:40]}); "
                    "formulas are refused — type the number itself (copy, then Paste Values)",
                    row=number,
                    column=_name_at(index, i),
                    letter=column_letter(i),
                )
        values = {name: (cells[i] if i < len(cells) else None) for name, i in index.items()}
        letters = {name: column_letter(i) for name, i in index.items()}
        records.append(Record(number, values, letters))
    if header_row is None:
        if not checked.problems:
            checked.add("The file is empty. Download the template, fill it in and upload it again.")
        return None
    return records


def _name_at(index: dict[str, int], i: int) -> str | None:
    return next((name for name, j in index.items() if j == i), None)


# --------------------------------------------------------------------------------------------
# Rows, whatever their origin
# --------------------------------------------------------------------------------------------


def _count(value: Any) -> tuple[int | None, str | None]:
    """A count from a cell, or the reason it is not one."""
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int):
        return (value, None) if value >= 0 else (None, f"{value} is negative; counts start at 0")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, "is not a finite number"
        if value < 0:
            return None, f"{value:g} is negative; counts start at 0"
        if not value.is_integer():
            return None, f"{value:g} is not a whole number; counts are whole patients"
        return int(value), None
    raw = str(value).strip()
    if isinstance(value, str) and raw.startswith("="):
        return None, None  # reported as a formula already
    try:
        number = float(raw)
    except ValueError:
        return None, f"“{raw}” is not a number"
    if number != number or number in (float("inf"), float("-inf")):
        return None, f"“{raw}” is not a finite number"
    if number < 0:
        return None, f"{raw} is negative; counts start at 0"
    if not number.is_integer():
        return None, f"{raw} is not a whole number; counts are whole patients"
    return int(number), None


def _stratifier_key(measure: Measure, raw: Any) -> str | None:
    text = "" if raw is None else str(raw).strip()
    allowed = [OVERALL, *measure.stratifiers]
    lowered = text.lower().replace(" ", "_")
    for key in allowed:
        if lowered == key or text.lower() == measure.stratifier_label(key).lower():
            return key
    return None


def check_records(
    measure: Measure,
    records: list[Record],
    checked: Checked | None = None,
    *,
    today: datetime.date,
) -> Checked:
    """Every check on filled rows: periods, stratifiers, groups, counts, duplicates, totals.

    Each row goes through the steps below (its period, its stratifier and group, its counts,
    its age band, whether an earlier row has the same key), every problem reported; the rows
    that pass are summed into totals (:func:`_with_totals`) and, with age bands, into the
    age-band counts (:func:`.adjusted.counts_age_rows`)."""
    checked = checked or Checked()
    frequency = measure.frequency
    current = periods.start_of(today, frequency)
    seen: dict[tuple, int] = {}
    good: list[tuple[Record, datetime.date, str, str, int, int]] = []
    banded: list[tuple[Record, datetime.date, str, str, str, int, int]] = []
    filled = 0
    for rec in records:
        cells = rec.cells

        def add(message: str, column: str, rec=rec) -> None:
            checked.add(message, row=rec.row, column=column, letter=rec.letters.get(column))

        num_raw, den_raw = cells.get("numerator"), cells.get("denominator")
        formula = any(isinstance(v, str) and v.strip().startswith("=") for v in cells.values())
        if blank(num_raw) and blank(den_raw) and not formula:
            continue  # a template row left blank: nothing to report for this group
        filled += 1
        period, period_ok = _row_period(cells, frequency, current, add)
        stratifier, group = _row_group(measure, cells, add)
        numerator, denominator, counts_ok = _row_counts(num_raw, den_raw, add)
        band, band_ok = _row_age_band(cells, add)
        unique = True
        if period is not None and group is not None:
            key = (period, stratifier, group) if band is None else (period, stratifier, group, band)
            unique = _first_of_its_key(seen, key, rec.row, frequency, add)
        if not (period_ok and group is not None and counts_ok and band_ok and unique):
            continue
        if band is not None:
            banded.append((rec, period, stratifier, group, band, numerator, denominator))
        else:
            good.append((rec, period, stratifier, group, numerator, denominator))
    if filled == 0 and not checked.problems:
        checked.add(
            "No counts are filled in: every row's numerator and denominator are blank. "
            "Fill in the counts of at least one period."
        )
    if checked.problems:
        return checked
    checked.rows = _with_totals(measure, good, checked)
    if banded and checked.rows:
        checked.age_rows = adjusted.counts_age_rows(measure, checked.rows, banded, checked)
        if checked.problems:
            checked.rows, checked.age_rows = [], []
    return checked


Add = Callable[[str, str], None]  # a problem of the row: (message, column)


def _row_period(
    cells: dict[str, Any], frequency: str, current: datetime.date, add: Add
) -> tuple[datetime.date | None, bool]:
    """The row's period (None when it cannot be read) and whether it may be submitted (not in
    the future)."""
    try:
        period = periods.parse(cells.get("period"), frequency)
    except periods.PeriodError as exc:
        add(str(exc), "period")
        return None, False
    if period > current:
        add(f"{periods.text(period, frequency)} is in the future", "period")
        return period, False
    return period, True


def _row_group(measure: Measure, cells: dict[str, Any], add: Add) -> tuple[str | None, str | None]:
    """The row's stratifier key and group code, each None when not the measure's."""
    strat_raw = cells.get("stratifier")
    stratifier = _stratifier_key(measure, strat_raw)
    if stratifier is None:
        shown = "" if strat_raw is None else str(strat_raw).strip()
        add(
            (
                f"“{shown}” is not a stratifier of this measure"
                if shown
                else "the stratifier is missing"
            )
            + f"; use one of {', '.join([OVERALL, *measure.stratifiers])}",
            "stratifier",
        )
        return None, None
    raw_group = cells.get("group")
    text = "" if raw_group is None else str(raw_group).strip()
    group = categories.group_code(measure, stratifier, text)
    if group is None:
        if stratifier == OVERALL:
            message = f"the overall row's group must be “{ALL}”, not “{text}”"
        elif not text:
            message = (
                f"the group is missing; use one of {categories.allowed_text(measure, stratifier)}"
            )
        else:
            message = (
                f"“{text}” is not a category of {stratifier}; use one of "
                f"{categories.allowed_text(measure, stratifier)}"
            )
        add(message, "group")
    return stratifier, group


def _row_counts(num_raw: Any, den_raw: Any, add: Add) -> tuple[int | None, int | None, bool]:
    """The row's numerator and denominator (None where missing or unreadable) and whether they
    make a rate (both read, numerator ≤ denominator)."""
    counts: dict[str, int | None] = {}
    for name, raw in (("numerator", num_raw), ("denominator", den_raw)):
        if blank(raw):
            other = "denominator" if name == "numerator" else "numerator"
            add(f"the {name} is missing (the {other} is filled in)", name)
            counts[name] = None
            continue
        value, error = _count(raw)
        if error:
            add(error, name)
        counts[name] = value
    numerator, denominator = counts["numerator"], counts["denominator"]
    if numerator is None or denominator is None:
        return numerator, denominator, False
    if numerator > denominator:
        add(
            f"the numerator {numerator} is greater than the denominator {denominator}",
            "numerator",
        )
        return numerator, denominator, False
    return numerator, denominator, True


def _row_age_band(cells: dict[str, Any], add: Add) -> tuple[str | None, bool]:
    """The row's age band (None without one) and whether it is one of the standard's."""
    if blank(cells.get(adjusted.AGE_BAND)):
        return None, True
    band, problem = adjusted.band_of(cells[adjusted.AGE_BAND])
    if problem:
        add(problem, adjusted.AGE_BAND)
        return str(cells[adjusted.AGE_BAND]).strip(), False  # a band row all the same
    return band, True


def _first_of_its_key(
    seen: dict[tuple, int], key: tuple, row: int, frequency: str, add: Add
) -> bool:
    """Whether no earlier row had the same period, stratifier, group (and age band); notes the
    row's key in ``seen``."""
    if key not in seen:
        seen[key] = row
        return True
    period, stratifier, group, *band = key
    what = "stratifier and group" if not band else "stratifier, group and age band"
    add(
        f"duplicates row {seen[key]}: the same period, {what} "
        f"({periods.text(period, frequency)}, {stratifier}, {group}"
        f"{'' if not band else ', ' + band[0]}) appear twice",
        "group",
    )
    return False


def _with_totals(measure: Measure, good: list, checked: Checked) -> list[dict[str, Any]]:
    """Check that each stratifier's groups add up to the overall, and add the overall if absent."""
    by_period: dict[datetime.date, list] = defaultdict(list)
    for item in good:
        by_period[item[1]].append(item)
    rows: list[dict[str, Any]] = []
    for period in sorted(by_period):
        items = by_period[period]
        overall = next((i for i in items if i[2] == OVERALL), None)
        sums: dict[str, list[int]] = {}
        first_row: dict[str, Record] = {}
        for rec, _, strat, _, x, n in items:
            if strat == OVERALL:
                continue
            total = sums.setdefault(strat, [0, 0])
            total[0] += x
            total[1] += n
            first_row.setdefault(strat, rec)
        label = periods.text(period, measure.frequency)
        if overall is not None:
            rec = overall[0]
            for strat, (x, n) in sums.items():
                for name, value, expected in (
                    ("numerator", x, overall[4]),
                    ("denominator", n, overall[5]),
                ):
                    if value != expected:
                        checked.add(
                            f"the {strat} rows of {label} add up to a {name} of {value}, but the "
                            f"overall row says {expected}; every patient belongs to one group "
                            "(count those without an answer as unknown, declined or not_collected)",
                            row=rec.row,
                            column=name,
                            letter=rec.letters.get(name),
                        )
            totals = (overall[4], overall[5])
        elif sums:
            strats = list(sums)
            reference = strats[0]
            for strat in strats[1:]:
                if sums[strat] != sums[reference]:
                    rec = first_row[strat]
                    checked.add(
                        f"the {strat} rows of {label} add up to {sums[strat][0]}/{sums[strat][1]} "
                        f"but the {reference} rows to {sums[reference][0]}/{sums[reference][1]}; "
                        "each stratifier must count the same patients (add an overall row to "
                        "say what the total is)",
                        row=rec.row,
                        column="denominator",
                        letter=rec.letters.get("denominator"),
                    )
            totals = tuple(sums[reference])
        rows.append(count_row(period, OVERALL, ALL, *totals))
        rows.extend(count_row(period, i[2], i[3], i[4], i[5]) for i in items if i[2] != OVERALL)
    return rows if not checked.problems else []
