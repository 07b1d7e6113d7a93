"""Small tables read from CSV, with column access that reports bad cells by row and column.

Row numbers are 1-based data rows (the header is row 0), which is what a person sees when
they open the file in a spreadsheet and subtract the header line.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from equitystats.errors import InputError, missing_columns

MISSING = {"", "na", "nan", "null", "none"}


@dataclass(frozen=True)
class Table:
    """Columns of strings, as read. Convert with :meth:`numeric` or :meth:`text`.

    >>> t = table_from_rows(["group", "n"], [["a", "10"], ["b", " 2.5"]], source="x.csv")
    >>> t.n_rows, t.text("group")
    (2, ('a', 'b'))
    >>> t.numeric("n").tolist()
    [10.0, 2.5]
    >>> t.numeric("n", integer=True)
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: x.csv, row 2, column "n": ' 2.5' is not a whole number
    """

    columns: dict[str, tuple[str, ...]]
    source: str | None = None

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    def require(self, *names: str) -> None:
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise missing_columns(missing, self.columns, file=self.source)

    def text(self, name: str) -> tuple[str, ...]:
        self.require(name)
        return self.columns[name]

    def numeric(
        self,
        name: str,
        *,
        allow_missing: bool = False,
        integer: bool = False,
        non_negative: bool = False,
    ) -> np.ndarray:
        """The column as float64; missing cells become NaN only when ``allow_missing``."""
        self.require(name)
        out = np.empty(self.n_rows, dtype=float)
        for i, raw in enumerate(self.columns[name]):
            cell = raw.strip()
            if cell.lower() in MISSING:
                if not allow_missing:
                    raise InputError("value is missing", file=self.source, row=i + 1, column=name)
                out[i] = math.nan
                continue
            try:
                value = float(cell)
            except ValueError:
                raise InputError(
                    f"{raw!r} is not a number", file=self.source, row=i + 1, column=name
                ) from None
            if not math.isfinite(value):
                raise InputError(
                    f"{raw!r} is not a finite number", file=self.source, row=i + 1, column=name
                )
            if integer and value != int(value):
                raise InputError(
                    f"{raw!r} is not a whole number", file=self.source, row=i + 1, column=name
                )
            if non_negative and value < 0:
                raise InputError(f"{raw!r} is negative", file=self.source, row=i + 1, column=name)
            out[i] = value
        return out


def table_from_rows(
    header: Iterable[str], rows: Iterable[Iterable[str]], source: str | None = None
) -> Table:
    """A :class:`Table` from a header and rows of strings (short rows padded with blanks).

    >>> table_from_rows(["a", "b"], [["1", "2"], ["3", "4"]]).columns
    {'a': ('1', '3'), 'b': ('2', '4')}
    """
    header = [h.strip() for h in header]
    data: list[list[str]] = [[] for _ in header]
    for r, row in enumerate(rows, start=1):
        row = list(row)
        if len(row) != len(header):
            raise InputError(
                f"has {len(row)} cells but the header has {len(header)}", file=source, row=r
            )
        for j, cell in enumerate(row):
            data[j].append(cell)
    return Table({h: tuple(col) for h, col in zip(header, data, strict=True)}, source)


def read_csv(path: str | Path, *, text: str | None = None) -> Table:
    """Read a CSV file (UTF-8, with or without BOM) into a :class:`Table`.

    >>> t = read_csv("counts.csv", text="group,n" + chr(10) + "a,3" + chr(10))
    >>> t.source, t.columns
    ('counts.csv', {'group': ('a',), 'n': ('3',)})
    """
    source = str(path)
    if text is None:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", file=source) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8", file=source
            ) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("is empty", file=source) from None
    except csv.Error as exc:
        raise InputError(f"is not valid CSV: {exc}", file=source) from None
    try:
        rows = [row for row in reader if row]
    except csv.Error as exc:
        raise InputError(f"is not valid CSV: {exc}", file=source, row=reader.line_num - 1) from None
    return table_from_rows(header, rows, source)
