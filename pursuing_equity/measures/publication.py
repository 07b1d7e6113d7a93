"""Publication: what a viewer may see of a measure's counts.

A person outside the team sees only *published* values: every count of 1 to 10 is hidden (and
a 0 numerator beside a hidden small denominator), with complementary suppression so that no
hidden count can be narrowed down from everything else published of the team — all its
measures, stratifiers and totals together, one release (:func:`publish_release`); both
numerators and denominators are patient counts — and every number shown — chart points, centre
lines, gaps, disparity measures, completeness — is computed from published values only, so that
no summary gives a hidden count away. Hidden points are left out of the charts (not plotted),
and the tables and exports say "suppressed (fewer than 11)". The suppression itself is
:func:`equitystats.suppress.suppress_release`; rates and intervals are
:func:`equitystats.stratify.rate_statistics`.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from equitystats import stratify, suppress
from pursuing_equity.measures.choices import MULTIPLIER
from pursuing_equity.measures.models import ALL, OVERALL
from pursuing_equity.measures.selectors import CountRow


@dataclass(frozen=True)
class Cell:
    """One group in one period as the viewer may see it (``None`` where hidden)."""

    period: datetime.date
    stratifier: str
    group: str
    numerator: int | None
    denominator: int | None
    numerator_label: str
    denominator_label: str
    rate: float | None  # percent
    ci_low: float | None
    ci_high: float | None

    @property
    def hidden(self) -> bool:
        return self.rate is None and (self.numerator is None or self.denominator is None)


@dataclass(frozen=True)
class Published:
    """The counts of a measure as one viewer may see them: per stratifier, group and period."""

    periods: tuple[datetime.date, ...]
    suppressed: bool
    threshold: int
    overall: tuple[Cell, ...]  # one per period
    cells: dict[str, dict[str, tuple[Cell, ...]]]  # stratifier → group → one per period

    def stratifiers(self) -> tuple[str, ...]:
        return tuple(self.cells)


def count_text(value: float) -> str:
    return f"{int(value):,}"


def _rates(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rate, _, low, high = stratify.rate_statistics(num, den)
    return rate * MULTIPLIER, low * MULTIPLIER, high * MULTIPLIER


def number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


Tables = dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]  # stratifier → group → (num, den)


def _tables(
    rows: Sequence[CountRow],
) -> tuple[tuple[datetime.date, ...], np.ndarray, np.ndarray, Tables]:
    """A measure's counts as arrays over its periods: the overall numerators and denominators,
    and per stratifier and group (0 where a group has no row in a period)."""
    periods = tuple(sorted({r.period for r in rows}))
    index = {p: i for i, p in enumerate(periods)}
    tables: Tables = defaultdict(dict)
    for r in rows:
        groups = tables[r.stratifier]
        if r.group not in groups:
            groups[r.group] = (np.zeros(len(periods)), np.zeros(len(periods)))
        num, den = groups[r.group]
        num[index[r.period]] = r.numerator
        den[index[r.period]] = r.denominator
    overall_num, overall_den = tables.pop(OVERALL, {}).get(ALL, (None, None))
    if overall_num is None:  # no total row: the first stratifier's groups add up to it
        first = next(iter(tables.values()), {})
        overall_num = sum((v[0] for v in first.values()), np.zeros(len(periods)))
        overall_den = sum((v[1] for v in first.values()), np.zeros(len(periods)))
    return periods, overall_num, overall_den, dict(tables)


class _Release:
    """The cells of a team's release (see :func:`publish_release`) as one vector.

    Each count gets an index; a denominator equal to another measure's for the same period,
    stratifier and group is the same cell (the two measures' populations may be one: an
    attacker may take them for one count). Relations are each stratifier's groups adding up to
    the period's total, for numerators and for denominators; pairs are numerator ≤ denominator.
    """

    def __init__(self) -> None:
        self.values: list[float] = []
        self.totals: list[bool] = []
        self.relations: dict[tuple[int, ...], None] = {}  # ordered set: shared ones once
        self.pairs: list[tuple[int, int]] = []
        self._denominators: dict[tuple, int] = {}

    def cell(self, value: float, *, total: bool, same_as: tuple | None = None) -> int:
        if same_as is not None and value > 0:
            key = (*same_as, value)
            if key in self._denominators:
                return self._denominators[key]
            self._denominators[key] = len(self.values)
        self.values.append(float(value))
        self.totals.append(total)
        return len(self.values) - 1

    def count(self, num: float, den: float, where: tuple, *, total: bool) -> tuple[int, int]:
        """A numerator and its denominator (``where``: period, stratifier, group)."""
        a = self.cell(num, total=total)
        b = self.cell(den, total=total, same_as=where)
        self.pairs.append((a, b))
        return a, b


def publish_release(
    counts: Mapping[int, Sequence[CountRow]],
    *,
    suppressed: bool,
    threshold: int,
    zero_beside: bool = True,
) -> dict[int, Published]:
    """The cells a viewer may see of several measures published together: one team's.

    Everything a viewer outside the team can download of a team (every measure's dashboard,
    table, charts, exports and the monthly updates' snapshots) is one *release*, suppressed as a
    whole by :func:`equitystats.suppress.suppress_release`: every stratifier of a measure with the
    period's total they share, and the measures whose denominators are the same population.
    Two measures share a denominator population cell by cell: wherever they report the same
    non-zero denominator for the same period, stratifier and group, it is one cell of the
    release, hidden or shown in both (whatever their definitions say: identical counts are what
    an attacker can link, and equal cells linked by chance cost only that they are hidden
    together). Numerators and denominators are both patient counts; with ``zero_beside`` (the
    program's ``suppress_zero_beside_suppressed``) a numerator of 0 beside a suppressed small
    denominator is hidden too. Periods share no cell, so each period is protected on its own
    (the library solves unlinked cells apart), which :func:`published_until` relies on.
    ``counts``: the rows of each measure by id, in a fixed order (the tie-break).
    """
    shaped = {pk: _tables(rows) for pk, rows in counts.items()}
    if not suppressed:
        return {
            pk: _published(*t, suppressed=False, threshold=threshold) for pk, t in shaped.items()
        }
    release = _Release()
    where: dict[int, tuple[np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]] = {}
    for pk, (periods, overall_num, overall_den, tables) in shaped.items():
        totals = np.zeros((len(periods), 2), dtype=int)
        cells = {s: np.zeros((len(periods), len(g), 2), dtype=int) for s, g in tables.items()}
        for i, period in enumerate(periods):
            totals[i] = release.count(
                overall_num[i], overall_den[i], (period, OVERALL, ALL), total=True
            )
            for s, groups in tables.items():
                for j, (g, (num, den)) in enumerate(groups.items()):
                    cells[s][i, j] = release.count(num[i], den[i], (period, s, g), total=False)
                for side in (0, 1):
                    release.relations[(*cells[s][i, :, side].tolist(), int(totals[i, side]))] = None
        where[pk] = (totals, cells)
    result = suppress.suppress_release(
        release.values,
        relations=list(release.relations),
        totals=release.totals,
        pairs=release.pairs,
        threshold=threshold,
        zero_beside=zero_beside,
    )
    labels = np.array(result.labels("{:,.0f}"), dtype=object)
    out = {}
    for pk, (totals, cells) in where.items():
        shown = {s: (result.mask[c], labels[c]) for s, c in cells.items()}
        out[pk] = _published(
            *shaped[pk],
            suppressed=True,
            threshold=threshold,
            hidden=(shown, (result.mask[totals], labels[totals])),
        )
    return out


def publish(
    rows: Sequence[CountRow], *, suppressed: bool, threshold: int, zero_beside: bool = True
) -> Published:
    """The cells a viewer may see of one measure published alone: everything for the team, a
    suppressed release of its stratifiers for others (see :func:`publish_release`)."""
    return publish_release(
        {0: rows}, suppressed=suppressed, threshold=threshold, zero_beside=zero_beside
    )[0]


Hidden = tuple[np.ndarray, np.ndarray]  # (mask, labels) of (numerator, denominator) per period


def _published(
    periods: tuple[datetime.date, ...],
    overall_num: np.ndarray,
    overall_den: np.ndarray,
    tables: Tables,
    *,
    suppressed: bool,
    threshold: int,
    hidden: tuple[dict[str, Hidden], Hidden] | None = None,
) -> Published:
    """One measure's :class:`Published` from its arrays and, when suppressed, the mask and
    labels of its cells in the release (shaped periods × groups × (numerator, denominator),
    and periods × 2 for the total)."""

    def shown(num, den, mask_labels) -> tuple[np.ndarray, np.ndarray]:
        if mask_labels is not None:
            return mask_labels
        counts = np.stack([num, den], axis=-1)
        return np.zeros(counts.shape, dtype=bool), np.vectorize(count_text, otypes=[object])(counts)

    def cell(period, stratifier, group, n, d, mask, label, stats) -> Cell:
        out = bool(mask[0] or mask[1])
        rate, low, high = stats
        return Cell(
            period=period,
            stratifier=stratifier,
            group=group,
            numerator=None if mask[0] else int(n),
            denominator=None if mask[1] else int(d),
            numerator_label=str(label[0]),
            denominator_label=str(label[1]),
            rate=None if out else number(rate),
            ci_low=None if out else number(low),
            ci_high=None if out else number(high),
        )

    per_stratifier, total_hidden = hidden if hidden is not None else ({}, None)
    cells: dict[str, dict[str, tuple[Cell, ...]]] = {}
    for stratifier, groups in tables.items():
        names = list(groups)
        num = np.column_stack([groups[g][0] for g in names])
        den = np.column_stack([groups[g][1] for g in names])
        rate, low, high = _rates(num, den)
        mask, labels = shown(num, den, per_stratifier.get(stratifier))
        cells[stratifier] = {
            group: tuple(
                cell(
                    period,
                    stratifier,
                    group,
                    num[i, j],
                    den[i, j],
                    mask[i, j],
                    labels[i, j],
                    (rate[i, j], low[i, j], high[i, j]),
                )  # fmt: skip
                for i, period in enumerate(periods)
            )
            for j, group in enumerate(names)
        }
    rate, low, high = _rates(overall_num, overall_den)
    mask, labels = shown(overall_num, overall_den, total_hidden)
    overall = tuple(
        cell(
            p,
            OVERALL,
            ALL,
            overall_num[i],
            overall_den[i],
            mask[i],
            labels[i],
            (rate[i], low[i], high[i]),
        )  # fmt: skip
        for i, p in enumerate(periods)
    )
    return Published(
        periods=periods, suppressed=suppressed, threshold=threshold, overall=overall, cells=cells
    )


def published_until(
    published: Published, as_of: datetime.date, present: set[tuple[str, str]]
) -> Published:
    """``published`` cut after the last period that began by ``as_of``, keeping the groups in
    ``present`` (those with counts by then).

    This equals publishing the counts cut at ``as_of``: a release (:func:`publish_release`) has
    no relation across periods, so :func:`equitystats.suppress.suppress_release` protects each
    period apart and the cells hidden in one period never depend on another
    (``test_published_until_*``). The cut is part of the release the dashboards show, so a
    monthly update's snapshot tells nothing the dashboards do not.
    """
    k = bisect.bisect_right(published.periods, as_of)
    cells = {}
    for stratifier, groups in published.cells.items():
        kept = {g: c[:k] for g, c in groups.items() if (stratifier, g) in present}
        if kept:
            cells[stratifier] = kept
    return replace(
        published, periods=published.periods[:k], overall=published.overall[:k], cells=cells
    )
