"""The one count validator: counts are finite, not negative, whole (where the caller needs
whole counts), and a numerator is never above its denominator.

Every module that takes counts (``spc``, ``compare``, ``gaps``, ``suppress``) checks them here,
so the messages are the same everywhere; the caller says where the values came from: a
1-D array's 1-based position is the error's ``row``, a 2-D table's row and column are its
``row`` and ``column``. Nothing here is a formula.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from equitystats.errors import InputError


def _where(
    index: tuple[int, ...],
    column: str | None,
    columns: Sequence[str] | None,
    rows: np.ndarray | None,
) -> dict[str, int | str | None]:
    """``row`` and ``column`` of the element at ``index`` (1-D or 2-D) for :class:`InputError`."""
    first = int(index[0])
    row = int(rows[first]) if rows is not None else first + 1
    if len(index) == 2:
        j = int(index[1])
        return {"row": row, "column": columns[j] if columns is not None else str(j + 1)}
    return {"row": row, "column": column}


def counts(
    values: object,
    *,
    whole: bool = True,
    column: str | None = None,
    columns: Sequence[str] | None = None,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """``values`` as a float64 array of finite counts ≥ 0 (whole numbers when ``whole``), else
    :class:`InputError` naming the first bad value.

    Location: for a 1-D array the value's 1-based position is the ``row`` (or ``rows[i]``
    when the caller numbers them itself) and ``column`` is the column; for a 2-D table the
    ``row`` is the table row and the column is ``columns[j]`` (default: the 1-based column
    number).

    >>> counts([3, 0, 12]).tolist()
    [3.0, 0.0, 12.0]
    >>> counts([3, -1], column="numerator")
    Traceback (most recent call last):
    ...
    equitystats.errors.InputError: row 2, column "numerator": -1 is negative
    >>> counts([[1, 2.5]])
    Traceback (most recent call last):
    ...
    equitystats.errors.InputError: row 1, column "2": 2.5 is not a whole number
    >>> counts([1.5], whole=False).tolist()
    [1.5]
    """
    arr = np.asarray(values, dtype=float)
    for bad, message in (
        (~np.isfinite(arr), "{value!r} is not a finite number"),
        (arr < 0, "{value:g} is negative"),
        (arr != np.round(arr) if whole else None, "{value:g} is not a whole number"),
    ):
        if bad is not None and bad.any():
            index = tuple(np.argwhere(bad)[0])
            value = float(arr[index])
            raise InputError(message.format(value=value), **_where(index, column, columns, rows))
    return arr


def within_denominators(
    numerators: np.ndarray,
    denominators: np.ndarray,
    *,
    column: str | None = "numerator",
    columns: Sequence[str] | None = None,
    rows: np.ndarray | None = None,
) -> None:
    """Refuse a numerator above its denominator (a proportion above 1), located as in
    :func:`counts`: the one check behind every proportion in this package.

    >>> within_denominators(np.array([1.0, 5.0]), np.array([2.0, 5.0]))
    >>> within_denominators(np.array([1.0, 6.0]), np.array([2.0, 5.0]))
    Traceback (most recent call last):
    ...
    equitystats.errors.InputError: row 2, column "numerator": numerator 6 is above its denominator 5
    """
    over = np.asarray(numerators > denominators)
    if over.any():
        index = tuple(np.argwhere(over)[0])
        raise InputError(
            f"numerator {float(numerators[index]):g} is above its denominator "
            f"{float(denominators[index]):g}",
            **_where(index, column, columns, rows),
        )
