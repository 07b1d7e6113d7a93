"""Releases for :mod:`equitystats.suppress`: several tables published together, protected as
one vector of cells (:func:`suppress_release`), and the feasible range an attacker can derive
for each suppressed cell (:func:`feasible_ranges`). Re-exported by ``suppress``, whose module
docstring gives the release criterion and its sources (Cox 1980; Fischetti &
Salazar-González 2001).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from equitystats._suppress_engine import (
    DEFAULT_THRESHOLD,
    _Attack,
    _check_threshold,
    _protect,
    _System,
    label,
)
from equitystats._validate import counts, within_denominators
from equitystats.errors import InputError


@dataclass(frozen=True)
class SuppressedRelease:
    """A release (see the module docstring) ready for publication, cell by cell.

    ``values`` are the cells in the caller's order, NaN where suppressed; ``mask`` marks the
    suppressed cells and ``primary`` those hidden because they are small (or a 0 beside a small
    denominator, with ``zero_beside``). ``totals``, ``relations`` and ``pairs`` are the
    release's structure as given: what an attacker knows besides the values, and what
    :func:`feasible_ranges` solves over.

    >>> r = suppress_release([3, 40, 43, 30, 50, 80], relations=[[0, 1, 2], [3, 4, 5]])
    >>> r.labels()
    ['suppressed (fewer than 11)', 'suppressed (to protect a small cell)', '43', '30', '50',
    '80']
    >>> r.complementary.astype(int).tolist()
    [0, 1, 0, 0, 0, 0]
    """

    values: np.ndarray
    mask: np.ndarray
    primary: np.ndarray
    totals: np.ndarray
    relations: tuple[np.ndarray, ...]
    pairs: np.ndarray
    threshold: int
    suppress_zero: bool
    zero_beside: bool

    @property
    def complementary(self) -> np.ndarray:
        """Cells suppressed only to protect others."""
        return self.mask & ~self.primary

    def labels(self, fmt: str = "{:g}") -> list[str]:
        """The cells as display strings: the value, or the suppression :func:`label`."""
        return [
            label(self.threshold, complementary=not p, total=t) if m else fmt.format(v)
            for v, m, p, t in zip(self.values, self.mask, self.primary, self.totals, strict=True)
        ]


def _release_bounds(
    primary: np.ndarray,
    totals: np.ndarray,
    pairs: np.ndarray,
    *,
    threshold: int,
    suppress_zero: bool,
    zero_beside: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """What the label of each suppressed cell of a release tells (see :func:`_label_bounds`):
    primary cells [1, threshold] — from 0 with ``suppress_zero``, or for a numerator beside a
    primary denominator with ``zero_beside`` —, complementary cells at least threshold + 1,
    totals at least 1 (0 with ``suppress_zero``, or beside a primary total with
    ``zero_beside``)."""
    low = 0.0 if suppress_zero else 1.0
    lo = np.where(primary, low, threshold + 1.0)
    hi = np.where(primary, float(threshold), np.inf)
    lo[totals], hi[totals] = low, np.inf
    if zero_beside and pairs.size:
        beside = pairs[primary[pairs[:, 0]] & primary[pairs[:, 1]], 0]
        lo[beside] = 0.0
    return lo, hi


def _release_structure(
    size: int, relations: Sequence[Sequence[int]], pairs: object
) -> tuple[list[np.ndarray], np.ndarray]:
    lines = []
    for k, rel in enumerate(relations):
        line = np.asarray(rel, dtype=int)
        if line.ndim != 1 or line.size < 2 or line.min() < 0 or line.max() >= size:
            raise InputError(
                f"relation {k + 1} must list at least two cells (its parts, then its total) "
                f"among the {size} cells"
            )
        lines.append(line)
    pair_arr = np.asarray(pairs, dtype=int).reshape(-1, 2)
    if pair_arr.size and (pair_arr.min() < 0 or pair_arr.max() >= size):
        raise InputError(f"every pair must name two of the {size} cells")
    return lines, pair_arr


def _components(size: int, lines: list[np.ndarray], pairs: np.ndarray) -> np.ndarray:
    """The group of each cell, cells being grouped when relations or pairs link them
    (union-find): what one group hides never changes what an attacker learns of another, so
    each is solved alone. Groups are numbered by their first cell."""
    parent = np.arange(size)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for group in [*lines, *pairs]:
        first = root(int(group[0]))
        for other in group[1:]:
            r = root(int(other))
            if r != first:
                parent[max(r, first)] = min(r, first)
                first = min(r, first)
    return np.array([root(i) for i in range(size)], dtype=int)


def suppress_release(
    values: Sequence[float] | np.ndarray,
    *,
    relations: Sequence[Sequence[int]],
    totals: Sequence[bool] | np.ndarray | None = None,
    pairs: Sequence[tuple[int, int]] | np.ndarray = (),
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zero: bool = False,
    zero_beside: bool = True,
) -> SuppressedRelease:
    """Suppress a release: several tables published together, as one vector of cells.

    ``values`` are every count of the release (group cells and totals, each shared cell once);
    ``relations`` lists the additive relations an attacker knows, each as cell indices whose
    last is the total of the others (a stratifier's groups and the period's total; the periods
    and a total over them); ``totals`` marks the cells labelled as totals (default: the last
    cell of every relation); ``pairs`` are (numerator, denominator) cells, x_numerator ≤
    x_denominator. Primary suppression of counts 1..``threshold`` (0 too with
    ``suppress_zero``; a 0 numerator beside a small denominator with ``zero_beside``), then
    Cox's heuristic and the LP audit over all relations at once, until every suppressed cell's
    range is as wide as the release criterion of the module docstring requires (Cox 1980;
    Fischetti & Salazar-González 2001). Cells linked by no relation or pair are solved apart.

    The input is not modified. Bad counts and a numerator above its denominator raise
    :class:`InputError` whose ``row`` is the cell's 1-based position (the numerator's, for a
    pair).

    >>> r = suppress_release([3, 40, 43, 30, 50, 80], relations=[[0, 1, 2], [3, 4, 5]])
    >>> r.mask.astype(int).tolist()
    [1, 1, 0, 0, 0, 0]
    >>> suppress_release([5, 2], relations=[], pairs=[(0, 1)])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 1, column "numerator": numerator 5 is above its
    denominator 2
    """
    _check_threshold(threshold, suppress_zero)
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise InputError("values must be a one-dimensional list of cells")
    counts(arr)
    lines, pair_arr = _release_structure(arr.size, relations, pairs)
    for k, line in enumerate(lines):
        if arr[line[:-1]].sum() != arr[line[-1]]:
            raise InputError(
                f"relation {k + 1}: the parts add up to {arr[line[:-1]].sum():g}, but the "
                f"total (cell {int(line[-1]) + 1}) is {arr[line[-1]]:g}"
            )
    if pair_arr.size:
        within_denominators(arr[pair_arr[:, 0]], arr[pair_arr[:, 1]], rows=pair_arr[:, 0] + 1)
    if totals is None:
        is_total = np.zeros(arr.size, dtype=bool)
        is_total[[int(line[-1]) for line in lines]] = True
    else:
        is_total = np.asarray(totals, dtype=bool)
        if is_total.shape != arr.shape:
            raise InputError(f"totals must mark each of the {arr.size} cells")
    primary = (arr >= 1) & (arr <= threshold)
    if suppress_zero:
        primary |= arr == 0
    if zero_beside and pair_arr.size:
        primary[pair_arr[(arr[pair_arr[:, 0]] == 0) & primary[pair_arr[:, 1]], 0]] = True
    lo, hi = _release_bounds(
        primary, is_total, pair_arr, threshold=threshold, suppress_zero=suppress_zero,
        zero_beside=zero_beside,
    )  # fmt: skip
    mask = primary.copy()
    need = max(threshold - 1.0, 1.0)
    group = _components(arr.size, lines, pair_arr)
    lines_of: dict[int, list[np.ndarray]] = {}
    for line in lines:
        lines_of.setdefault(int(group[line[0]]), []).append(line)
    pairs_of: dict[int, list[np.ndarray]] = {}
    for pair in pair_arr:
        pairs_of.setdefault(int(group[pair[0]]), []).append(pair)
    for g in np.unique(group[primary]).tolist():
        cells = np.flatnonzero(group == g)
        local = np.full(arr.size, -1)
        local[cells] = np.arange(cells.size)
        sub_lines = [local[line] for line in lines_of.get(g, [])]
        sub_pairs = local[np.array(pairs_of.get(g, []), dtype=int).reshape(-1, 2)]
        system = _System(
            values=arr[cells],
            primary=primary[cells],
            eligible=np.ones(cells.size, dtype=bool),
            lo=lo[cells],
            hi=hi[cells],
            lines=sub_lines,
            pairs=sub_pairs,
            need=np.full(cells.size, need),
        )
        mask[cells] = _protect(system, primary[cells])
    return SuppressedRelease(
        values=np.where(mask, np.nan, arr),
        mask=mask,
        primary=primary,
        totals=is_total,
        relations=tuple(lines),
        pairs=pair_arr,
        threshold=int(threshold),
        suppress_zero=bool(suppress_zero),
        zero_beside=bool(zero_beside),
    )


def release_ranges(release: SuppressedRelease) -> tuple[np.ndarray, np.ndarray]:
    """:func:`equitystats.suppress.feasible_ranges` of a release: every cell (totals too)
    over every relation and pair of the release at once.

    >>> r = suppress_release([3, 40, 43, 30, 50, 80], relations=[[0, 1, 2], [3, 4, 5]])
    >>> low, high = release_ranges(r)
    >>> low.tolist(), high.tolist()
    ([1.0, 33.0, 43.0, 30.0, 50.0, 80.0], [10.0, 42.0, 43.0, 30.0, 50.0, 80.0])
    """
    known = np.where(release.mask, 0.0, release.values)  # suppressed values are never read
    lo, hi = _release_bounds(
        release.primary, release.totals, release.pairs, threshold=release.threshold,
        suppress_zero=release.suppress_zero, zero_beside=release.zero_beside,
    )  # fmt: skip
    system = _System(
        values=known,
        primary=release.primary,
        eligible=np.ones(known.size, dtype=bool),
        lo=lo,
        hi=hi,
        lines=list(release.relations),
        pairs=release.pairs,
    )
    attack = _Attack(system, release.mask)
    low, high = known.copy(), known.copy()
    for k, e in enumerate(attack.var):
        low[e] = attack.optimise(k, 1.0)[0]
        high[e] = attack.optimise(k, -1.0)[0]
    return low, high
