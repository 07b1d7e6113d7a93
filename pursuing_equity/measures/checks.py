"""What every way of submitting data shares: the problems found (each located by row and column
so the team can fix the file), the validated result (:class:`Checked`), the typed rows
(:class:`Record`), and the DuckDB checks of a file that report the first bad row of each kind
(:func:`report_checks`, :func:`locate_value`).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from equitystats import stratify
from equitystats.errors import InputError

MAX_PROBLEMS = 500
SAVE_AS_UTF8 = (
    "In Excel choose File › Save As › “CSV UTF-8 (Comma delimited) (*.csv)”; in other "
    "programs choose the UTF-8 encoding when saving. Then upload the file again."
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, where it is (row/column, when known) and what to do."""

    message: str
    row: int | None = None
    column: str | None = None
    letter: str | None = None

    @property
    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"Row {self.row}")
        if self.column is not None:
            col = (
                f"column {self.letter} ({self.column})" if self.letter else f"column {self.column}"
            )
            parts.append(col if parts else col.capitalize())
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class Checked:
    """Validated counts (one dict per period × stratifier × group) and every problem found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    age_rows: list[dict[str, Any]] = field(default_factory=list)  # extracts with ages only
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, message: str, row: int | None = None, column: str | None = None, **kw) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        self.problems.append(Problem(message, row, column, kw.get("letter")))


@dataclass(frozen=True)
class Record:
    """One filled row as typed: raw cell values by column, where they came from."""

    row: int
    cells: dict[str, Any]
    letters: dict[str, str] = field(default_factory=dict)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def file_suffix(name: str) -> str:
    return Path(name or "").suffix.lower()


def too_large(name: str, size: int, limit: int, advice: str) -> Checked:
    """The one problem of a file refused for its size, before any of it is read."""
    checked = Checked()
    checked.add(
        f"“{name}” is {size / 1024 / 1024:.1f} MB; it may be at most "
        f"{limit / 1024 / 1024:.0f} MB. {advice}"
    )
    return checked


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def count_row(period: datetime.date, stratifier: str, group: str, x: int, n: int) -> dict[str, Any]:
    return {
        "period": period.isoformat(),
        "stratifier": stratifier,
        "group": group,
        "numerator": int(x),
        "denominator": int(n),
    }


def file_row(row: int | None, parquet: bool) -> int | None:
    """A data row as the line number people see: CSV lines count the header."""
    if row is None:
        return None
    return row if parquet else row + 1


def report_checks(
    source: stratify.Source,
    projection: str,
    checks: list[stratify.Check],
    checked: Checked,
    *,
    parquet: bool,
) -> None:
    """Count the rows failing each check in one pass; report the first row of each and how
    many."""
    counts_sql = ", ".join(f"COUNT(*) FILTER (WHERE COALESCE(({c.sql}), false))" for c in checks)
    sql = f"SELECT {counts_sql} FROM (SELECT {projection} FROM {source.relation})"  # noqa: S608 - identifiers quoted by equitystats
    try:
        found = source.query(sql).fetchall()[0]
    except InputError as exc:
        checked.add(f"The file cannot be read: {exc.message}")
        return
    for check, count in zip(checks, found, strict=True):
        if not count:
            continue
        located = stratify.first_bad_row(fork(source), projection, [check])
        row = located[0] if located else None
        raw = stratify.cell(fork(source), row, stratify.quote(check.column)) if row else None
        other = (
            stratify.cell(fork(source), row, stratify.quote(check.other))
            if row and check.other
            else None
        )
        message = check.message.format(raw=raw, other=other)
        if count > 1:
            message += f" (and {count - 1} more row{'s' if count > 2 else ''} like this)"
        checked.add(message, row=file_row(row, parquet), column=check.column)


def fork(source: stratify.Source) -> stratify.Source:
    """The same source on its own cursor: a located search may leave its result unfinished."""
    return dataclasses.replace(source, con=source.con.cursor())


def locate_value(source: stratify.Source, column: str, value: str, parquet: bool) -> int | None:
    check = stratify.Check(
        column,
        f"CAST({stratify.quote(column)} AS VARCHAR) = '{value.replace(chr(39), chr(39) * 2)}'",
        "",
    )
    located = stratify.first_bad_row(fork(source), stratify.quote(column), [check])
    return file_row(located[0], parquet) if located else None
