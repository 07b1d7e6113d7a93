"""De-identified patient-level extracts (CSV or Parquet), aggregated with
``equitystats.stratify.from_extract`` — DuckDB streams the file, it is never loaded into Python
objects — and deleted afterwards (:func:`check_extract_file`); their periods and labels mapped to
the measure's (:func:`map_extract_counts`, shared with data connections). Row numbers are the
file's own line numbers (the header is row 1), as a spreadsheet shows them.
"""

from __future__ import annotations

import codecs
import datetime
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings

from equitystats import stratify
from equitystats.errors import InputError
from pursuing_equity.measures import adjusted, categories, periods
from pursuing_equity.measures.checks import (
    SAVE_AS_UTF8,
    Checked,
    column_letter,
    count_row,
    file_row,
    file_suffix,
    locate_value,
    report_checks,
    too_large,
)
from pursuing_equity.measures.choices import age_settings
from pursuing_equity.measures.models import ALL, OVERALL, Measure

EXTRACT_SUFFIXES = (".csv", ".parquet", ".pq")

# Column names that hold direct identifiers (HIPAA Safe Harbor): refused in an extract.
IDENTIFIER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("a name", r"(^|_)(first|last|middle|full|given|family|patient|sur)?_?name(_|$)"),
        ("a medical record number", r"(^|_)(mrn|medical_record(_number|_no)?|med_rec)(_|$)"),
        ("a social security number", r"(^|_)(ssn|social_security(_number)?|sin)(_|$)"),
        ("a date of birth", r"(^|_)(dob|birth_?date|date_of_birth|birthday)(_|$)"),
        ("an address", r"(^|_)(address|street|addr\d*)(_|$)"),
        ("a telephone number", r"(^|_)(phone|telephone|mobile|cell|fax)(_|number|_no|$)"),
        ("an email address", r"(^|_)e_?mail(_|$)"),
    )
)


PERIOD_COLUMNS = ("period", "month", "quarter")


def identifier_kind(column: str) -> str | None:
    """What direct identifier a column's name suggests, or None."""
    name = re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")
    for label, pattern in IDENTIFIER_PATTERNS:
        if pattern.search(name):
            return label
    return None


def check_extract_file(measure: Measure, path: Path, name: str, *, today: datetime.date) -> Checked:
    """Validate and aggregate a patient-level extract on disk (the caller deletes the file)."""
    size = path.stat().st_size
    if size > settings.PE_MAX_EXTRACT_BYTES:
        return too_large(
            name, size, settings.PE_MAX_EXTRACT_BYTES, "Split the extract by year and upload each."
        )
    checked = Checked()
    suffix = file_suffix(name)
    with path.open("rb") as handle:
        head = handle.read(4)
    if size == 0:
        checked.add("The file is empty.")
        return checked
    parquet = head == b"PAR1"
    if suffix not in EXTRACT_SUFFIXES or (suffix in (".parquet", ".pq") and not parquet):
        checked.add(
            f"Wrong file type “{suffix or 'no extension'}”: upload the extract as CSV (.csv) or "
            "Parquet (.parquet), one row per patient and period."
        )
        return checked
    if not parquet and not _utf8_file(path, checked):
        return checked
    try:
        source = stratify.open_file(path)
    except InputError as exc:
        checked.add(f"The file cannot be read: {exc.message}")
        return checked
    columns = list(source.types)
    for i, column in enumerate(columns):
        kind = identifier_kind(column)
        if kind:
            checked.add(
                f"the column “{column}” looks like {kind}, a direct identifier. Extracts must be "
                "de-identified: remove the column and upload again (the file was deleted).",
                row=1,
                column=column,
                letter=column_letter(i),
            )
    period_column = next((c for c in columns if c.lower() in PERIOD_COLUMNS), None)
    if period_column is None:
        checked.add("the column “period” (or “month”) is missing", row=1, column="period")
    for column in ("numerator", "denominator", *measure.stratifiers):
        if column not in source.types:
            checked.add(
                f"the column “{column}” is missing (columns found: {', '.join(columns)})",
                row=1,
                column=column,
            )
    if checked.problems:
        return checked
    _row_problems(source, period_column, checked, parquet=parquet)
    if checked.problems:
        return checked
    try:
        rates = stratify.from_extract(
            path,
            period=period_column,
            strata=list(measure.stratifiers),
            numerator="numerator",
            denominator="denominator",
        )
    except InputError as exc:
        checked.add(exc.message, row=file_row(exc.row, parquet), column=exc.column)
        return checked
    maps = map_extract_counts(
        measure, rates, checked, period_column, today=today, source=source, parquet=parquet
    )
    column = adjusted.age_column(columns)
    if maps is not None and column is not None:
        checked.age_rows = adjusted.extract_age_rows(
            measure,
            source,
            column=column,
            period_column=period_column,
            period_map=maps[0],
            group_map=maps[1],
            bands=age_settings(measure.team.cycle)[1],
            checked=checked,
            parquet=parquet,
        )
        if checked.problems:
            checked.rows = []
    return checked


def _utf8_file(path: Path, checked: Checked) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                checked.add(
                    f"The file is not UTF-8 text: byte 0x{chunk[exc.start]:02X} cannot be read. "
                    + SAVE_AS_UTF8,
                    row=line + chunk[: exc.start].count(b"\n"),
                )
                return False
            line += chunk.count(b"\n")
    return True


def _row_problems(source: stratify.Source, period_column: str, checked: Checked, *, parquet: bool):
    """Count each kind of bad row in one pass; report the first row of each kind and how many."""
    x_spec = stratify.numeric(source, "numerator")
    n_spec = stratify.numeric(source, "denominator")
    projection = ", ".join(
        [
            f"{stratify.period_sql(source, period_column)} AS __p",
            f"{x_spec.raw} AS __x_raw",
            f"{x_spec.value} AS __x_val",
            f"{n_spec.raw} AS __n_raw",
            f"{n_spec.value} AS __n_val",
        ]
    )
    checks = [stratify.Check(period_column, "__p IS NULL", "the period is missing")]
    checks += stratify.numeric_checks("__x", x_spec, integer=True)
    checks += stratify.numeric_checks("__n", n_spec, integer=True)
    checks.append(
        stratify.Check(
            "numerator",
            "__x_val > __n_val",
            "the numerator {raw} is greater than the denominator {other}",
            other="denominator",
        )
    )
    report_checks(source, projection, checks, checked, parquet=parquet)


def map_extract_counts(
    measure: Measure,
    rates: stratify.StratifiedRates,
    checked: Checked,
    period_column: str,
    *,
    today: datetime.date,
    source: stratify.Source | None = None,
    parquet: bool = False,
    columns: dict[str, str] | None = None,
) -> tuple[dict[str, datetime.date | None], dict[tuple[str, str], str | None]] | None:
    """Map an extract's periods and raw labels to the measure's periods and groups; sum into
    ``checked.rows``. Returns the two maps (raw period → period, (stratifier, raw label) →
    group), None on a problem. With ``source`` (a file) problems are located by row; ``columns``
    (stratifier key → the source's column) names the source's columns in problems (a data
    connection)."""
    columns = columns or {}

    def locate(column: str, value: str) -> int | None:
        return locate_value(source, column, value, parquet) if source is not None else None

    frequency = measure.frequency
    current = periods.start_of(today, frequency)
    period_map: dict[str, datetime.date | None] = {}
    for value in {stratify.period_text(p) for p in rates.period}:
        try:
            day = datetime.date.fromisoformat(value[:10])
            period_map[value] = periods.start_of(day, frequency)
        except ValueError:
            try:
                period_map[value] = periods.parse(value, frequency)
            except periods.PeriodError as exc:
                period_map[value] = None
                checked.add(str(exc), row=locate(period_column, value), column=period_column)
    for value, day in period_map.items():
        if day is not None and day > current:
            checked.add(
                f"{periods.text(day, frequency)} is in the future",
                row=locate(period_column, value),
                column=period_column,
            )
    group_map: dict[tuple[str, str], str | None] = {}
    for strat, label in {
        (str(s), str(g)) for s, g in zip(rates.stratifier, rates.group, strict=True)
    }:
        if strat == OVERALL:
            group_map[(strat, label)] = ALL
            continue
        code = categories.group_code(measure, strat, label)
        group_map[(strat, label)] = code
        if code is None:
            checked.add(
                f"“{label}” is not a category of {strat}; use one of "
                f"{categories.allowed_text(measure, strat)}",
                row=locate(strat, label),
                column=columns.get(strat, strat),
            )
    if checked.problems:
        return None
    sums: dict[tuple[datetime.date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for p, s, g, x, n in zip(
        rates.period, rates.stratifier, rates.group, rates.numerator, rates.denominator, strict=True
    ):
        key = (period_map[stratify.period_text(p)], str(s), group_map[(str(s), str(g))])
        sums[key][0] += int(x)
        sums[key][1] += int(n)
    order = {key: i for i, key in enumerate([OVERALL, *measure.stratifiers])}
    checked.rows = [
        count_row(p, s, g, x, n)
        for (p, s, g), (x, n) in sorted(
            sums.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2])
        )
    ]
    return period_map, group_map
