"""Array helpers shared by the analysis modules: checked input vectors, read-only results,
keys in order of first appearance.

Nothing here is a formula; the modules that use these helpers cite their sources.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from equitystats.errors import InputError


def first_row(mask: np.ndarray) -> int:
    """1-based position of the first true element of ``mask`` (which must have one).

    >>> first_row(np.array([False, True, True]))
    2
    """
    return int(np.flatnonzero(mask)[0]) + 1


def vector(
    values: Sequence[float] | np.ndarray,
    what: str,
    *,
    not_1d: str,
    not_finite: str,
    out_of_range: str,
    positive: bool = False,
    size: int | None = None,
    column: str | None = None,
) -> np.ndarray:
    """``values`` as a one-dimensional float64 array of finite numbers ≥ 0 (> 0 when
    ``positive``), else :class:`~equitystats.errors.InputError`.

    ``size``, when given, is the required length. The messages are :meth:`str.format`
    templates with the fields ``what`` and ``size``: ``not_1d`` for the wrong shape or length;
    ``not_finite`` and ``out_of_range`` also get ``value``, the first offending element, and
    their error's ``row`` is its 1-based position and ``column`` is ``column``.

    >>> vector([1, 2], "counts", not_1d="", not_finite="", out_of_range="").tolist()
    [1.0, 2.0]
    >>> vector([1, -2], "counts", not_1d="", not_finite="", out_of_range="{value:g} is negative", column="n")
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2, column "n": -2 is negative
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or (size is not None and arr.size != size):
        raise InputError(not_1d.format(what=what, size=size))
    for bad, message in (
        (~np.isfinite(arr), not_finite),
        (arr <= 0 if positive else arr < 0, out_of_range),
    ):
        if bad.any():
            row = first_row(bad)
            text = message.format(what=what, size=size, value=float(arr[row - 1]))
            raise InputError(text, row=row, column=column)
    return arr


def readonly(array: np.ndarray) -> np.ndarray:
    """``array`` (as an ndarray) marked read-only, for the fields of frozen results.

    >>> a = readonly(np.arange(3))
    >>> a.flags.writeable
    False
    """
    array = np.asarray(array)
    array.setflags(write=False)
    return array


def first_appearance(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys in order of first appearance, each key's index into them, and the
    0-based position where each distinct key first appears.

    >>> keys, index, first = first_appearance(np.array(["b", "a", "b", "c"]))
    >>> keys.tolist(), index.tolist(), first.tolist()
    (['b', 'a', 'c'], [0, 1, 0, 2], [0, 1, 3])
    """
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return uniq[order], rank[inverse.ravel()], first[order]
