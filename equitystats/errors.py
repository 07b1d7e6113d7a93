"""The one error type the library raises for bad input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class InputError(ValueError):
    """Bad input, located as precisely as we can: file, 1-based data row, column.

    ``str(err)`` is one line a person can act on, e.g.
    ``visits.csv, row 14, column "numerator": "12a" is not a number``.

    >>> err = InputError("'12a' is not a number", file="visits.csv", row=14, column="numerator")
    >>> print(err)
    visits.csv, row 14, column "numerator": '12a' is not a number
    >>> print(InputError("x", row=2, column="y").located(file="a.csv", columns={"y": "visits"}))
    a.csv, row 2, column "visits": x
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def located(
        self, *, file: str | None = None, columns: Mapping[str, str | None] | None = None
    ) -> InputError:
        """Return a copy that also names ``file`` (used by the CLI once it knows the path).

        ``columns`` renames the column: a library function names its arguments (``"y"``,
        ``"numerator"``), the CLI the file's columns they were read from.
        """
        column = self.column
        if columns is not None and column is not None:
            column = columns.get(column, column)
        return InputError(self.message, file=file or self.file, row=self.row, column=column)

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return (", ".join(where) + ": " if where else "") + self.message


def missing_columns(
    missing: Iterable[str], found: Iterable[str], *, file: str | None = None
) -> InputError:
    """The error for columns that are not in a table, listing the ones that are.

    >>> print(missing_columns(["period"], ["month", "numerator"], file="x.csv"))
    x.csv: missing column 'period' (columns found: month, numerator)
    """
    have = ", ".join(found) or "none"
    names = ", ".join(repr(m) for m in missing)
    return InputError(f"missing column {names} (columns found: {have})", file=file)
