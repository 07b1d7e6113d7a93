"""The equity dashboard of a measure and the network view, assembled from equitystats results.

The web app never computes statistics itself: run and control charts come from
:func:`equitystats.spc.chart`, gaps from :func:`equitystats.gaps.gap_series`, disparity measures
from :func:`equitystats.disparity.measures`, completeness from
:func:`equitystats.quality.completeness`, rates and intervals from
:func:`equitystats.stratify.rate_statistics` and small-cell suppression from
:func:`equitystats.suppress.suppress_release`. This module decides what to feed them and shapes
their results for the templates, the charts (:mod:`.charts`) and the exports (:mod:`.exports`).

Suppression comes first. A person outside the team sees only *published* values: every count of
1 to 10 is hidden (and a 0 numerator beside a hidden small denominator), with complementary
suppression so that no hidden count can be narrowed down from everything else published of the
team — all its measures, stratifiers and totals together, one release (:func:`publish_release`);
both numerators and denominators are patient counts — and every number shown — chart points,
centre lines, gaps, disparity measures, completeness — is computed from published values only,
so that no summary gives a hidden count away. Hidden points are left out of the charts (not
plotted), and the tables and exports say "suppressed (fewer than 11)".

Chart rules are the program's choice: the run chart with the IHI rules by default, and Shewhart
limits (a p chart, read with the same IHI rules plus points outside the limits) once a series
has at least :data:`CONTROL_LIMITS_MIN_POINTS` points: with fewer, limits estimated from a
handful of points move too much to judge against (Provost & Murray, *The Health Care Data
Guide*, 2011, recommend 20–25 subgroups to establish limits). A program file may set both under
``[measures]`` (``chart_rules``, ``control_limits_min_points``).

Speed: the suppression of a shared view is audited by linear programming and takes a fraction
of a second per measure, so results are computed ahead and stored in the database
(:mod:`.results`, shared by the web server and the task worker, kept across restarts): when data
are confirmed or restored, the task :func:`.tasks.dashboard_precompute` runs :func:`precompute`
(the counts as published outside the team, the shared and the team's dashboards, the network
panel). Each stored result carries its key — the current submission ids (a new version of any
period is a new id; for what is shared, those of every measure of the team, whose release it
comes from), the aims, the measure's definition and the program's chart settings (the
published counts: the team's data and the suppression settings only) — and a page uses it only when
the key still matches, else computes and stores it again. A new aim or definition queues the
task too, so the stored results are fresh again before the next reader. Decoded results
are also kept per process in Django's cache. The PDSA annotations and the chart specs are added
on the way out (:func:`dress`), so a new PDSA cycle does not invalidate anything. A dashboard
makes a fixed number of queries (the measure with its team, the current submission ids, the
aims, the stored result, and — only when that is stale — the counts).
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache as cache_function
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Q

from equitystats import compare, disparity, gaps, quality, spc, standards, stratify, suppress
from equitystats.errors import InputError
from pursuing_equity.accounts.rules import FACULTY, has_role, is_program_staff
from pursuing_equity.measures import adjusted, results
from pursuing_equity.measures import periods as period_text
from pursuing_equity.measures.adjusted import AdjustedView
from pursuing_equity.measures.annotations import Annotation, normalise
from pursuing_equity.measures.categories import categories, group_label
from pursuing_equity.measures.models import ALL, OVERALL, Aim, Measure, Submission
from pursuing_equity.measures.rules import (
    can_view_team_measures,
    can_view_unsuppressed_measures,
)
from pursuing_equity.measures.selectors import (
    AgeCountRow,
    CountRow,
    current_age_counts_by_measure,
    current_counts,
    current_counts_by_measure,
)
from pursuing_equity.programs.models import Cohort, Cycle
from pursuing_equity.programs.selectors import current_cycle, data_sharing
from pursuing_equity.teams.membership import coach_q, membership_of, peer_q, sharing_scope
from pursuing_equity.teams.models import Team

#: Rule set of the run and control charts unless the program file chooses another.
DEFAULT_CHART_RULES = "ihi"
#: Points needed before Shewhart limits are drawn (see the module docstring).
CONTROL_LIMITS_MIN_POINTS = 20
#: Rates are shown in percent, gaps in percentage points.
MULTIPLIER = 100.0
#: Fewest patients a group needs in a period to enter the summary disparity measures (see
#: :func:`disparity_view`); a program file may set ``[measures] min_group_denominator``.
MIN_GROUP_DENOMINATOR = 20
CACHE_SECONDS = 24 * 3600
# 3: comparisons with a group use score intervals (equitystats.compare), summary measures
# only groups of at least the minimum denominator; 4: a team's measures are published as one
# release (joint suppression, zeros beside hidden denominators hidden); 5: points of fewer
# patients than the minimum are flagged "small" and carry no signal
CACHE_VERSION = 5

DISPARITY_LABELS = {
    "range_difference": "Range difference (points)",
    "range_ratio": "Range ratio",
    "index_of_disparity": "Index of disparity (%)",
    "between_group_variance": "Between-group variance",
    "theil_index": "Theil index",
    "mean_log_deviation": "Mean log deviation",
    "index_of_dissimilarity": "Index of dissimilarity",
    "population_attributable_fraction": "Population attributable fraction",
}
#: The measures of ordered groups (lowest group first), shown for ordered stratifiers only.
ORDERED_LABELS = {
    "slope_index_of_inequality": "Slope index of inequality (points)",
    "relative_index_of_inequality": "Relative index of inequality",
    "absolute_concentration_index": "Absolute concentration index",
    "relative_concentration_index": "Relative concentration index",
}
#: Stratifiers whose groups are ordered unless the program file lists others
#: (``[measures] ordered_stratifiers``).
ORDERED_STRATIFIERS = ("age_group",)


@dataclass(frozen=True)
class ChartSettings:
    """The program's choices for charts and suppression."""

    rules: str = DEFAULT_CHART_RULES
    control_min_points: int = CONTROL_LIMITS_MIN_POINTS
    threshold: int = suppress.DEFAULT_THRESHOLD
    min_group_denominator: int = MIN_GROUP_DENOMINATOR
    ordered_stratifiers: tuple[str, ...] = ORDERED_STRATIFIERS
    zero_beside: bool = True  # suppress_zero_beside_suppressed
    age_standard: str = adjusted.US2000  # and the bands of ages: measures.adjusted
    age_bands: tuple[str, ...] = adjusted.DEFAULT_BANDS


def chart_settings(cycle) -> ChartSettings:
    """The chart settings of a program cycle (``[measures]`` of its file), or the defaults."""
    facts = ((getattr(cycle, "document", None) or {}).get("measures")) or {}
    rules = facts.get("chart_rules", DEFAULT_CHART_RULES)
    return ChartSettings(
        rules=rules if rules in spc.RULES else DEFAULT_CHART_RULES,
        control_min_points=int(facts.get("control_limits_min_points", CONTROL_LIMITS_MIN_POINTS)),
        threshold=int(facts.get("suppression_threshold", suppress.DEFAULT_THRESHOLD)),
        min_group_denominator=int(facts.get("min_group_denominator", MIN_GROUP_DENOMINATOR)),
        ordered_stratifiers=tuple(facts.get("ordered_stratifiers", ORDERED_STRATIFIERS)),
        age_standard=adjusted.age_settings(cycle)[0],
        age_bands=adjusted.age_settings(cycle)[1],
        zero_beside=bool(facts.get("suppress_zero_beside_suppressed", True)),
    )


def is_missing_group(stratifier: str, group: str) -> bool:
    """Unknown, declined, not collected: not a population group, but a data-quality figure."""
    return standards.missing_code(group, stratifier) is not None


# ------------------------------------------------------------------------------------------------
# Publication: what the viewer may see of the counts


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


def _fmt_count(value: float) -> str:
    return f"{int(value):,}"


def _rates(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rate, _, low, high = stratify.rate_statistics(num, den)
    return rate * MULTIPLIER, low * MULTIPLIER, high * MULTIPLIER


def _num(value: float) -> float | None:
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
        return np.zeros(counts.shape, dtype=bool), np.vectorize(_fmt_count, otypes=[object])(counts)

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
            rate=None if out else _num(rate),
            ci_low=None if out else _num(low),
            ci_high=None if out else _num(high),
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


# ------------------------------------------------------------------------------------------------
# Run and control charts


@dataclass(frozen=True)
class SeriesChart:
    """A run or control chart of one series, ready to plot (hidden points are left out)."""

    title: str
    chart_type: str  # "run", "p" or "" (too few points to chart)
    signal: bool
    signal_text: str
    points: tuple[dict[str, Any], ...]
    table: tuple[dict[str, Any], ...] = ()  # every period, hidden ones with their labels
    # points of fewer patients than this are drawn hollow and carry no signal (small_points)
    min_denominator: int = 0


SIGNAL_WORDS = {
    "sigma_signal": "a point outside the control limits",
    "shift": "a shift (6 or more points in a row on one side of the centre line)",
    "trend": "a trend (5 or more points in a row going up or down)",
    "runs_too_few": "too few runs (the series stays on one side too long)",
    "runs_too_many": "too many runs (the series alternates more than chance)",
    "runs_signal": "a run chart signal (unusually long runs or too few crossings)",
}


def _signal_flags(result: spc.ChartResult) -> list[str]:
    """Names of the rules that fired in the last part, in the order of :data:`SIGNAL_WORDS`."""
    last = result.part == result.part[-1]
    names = ["sigma_signal"]
    names += (
        ["shift", "trend", "runs_too_few", "runs_too_many"]
        if result.rules == "ihi"
        else ["runs_signal"]
    )
    fired = []
    for name in names:
        values = getattr(result, name)
        if values is not None and bool(np.asarray(values)[last].any()):
            fired.append(name)
    return fired


def small_points(
    num: np.ndarray, den: np.ndarray, *, settings: ChartSettings, chart_type: str
) -> tuple[spc.ChartResult, np.ndarray, str]:
    """The chart of a rate series whose points of fewer than ``min_group_denominator``
    patients are drawn but carry no signal, the mask of those points, and the sentence for a
    signal that only they carried (empty when none).

    Those points are *untested* (:func:`equitystats.spc.chart`, ``untested``): plotted, but
    left out of the centre line, the limits and the chart rules, as if missing, because the runs rules
    assume each point falls on either side of the centre line with probability ½ (Anhøj &
    Olesen 2014, PLoS ONE 9:e113825) and the p chart's limits rest on the normal approximation
    to the binomial (Montgomery, *Introduction to Statistical Quality Control*, 7th ed.,
    §7.2.1), neither of which a rate from a handful of patients honours; lines drawn through
    them would let them make the other points look unusual. The chart with every
    point tested is computed too, only to say which signal the small points alone carried
    (:func:`equitystats.gaps.small_signal_note`). Raises InputError as :func:`spc.chart`.
    """
    options = {"n": den, "chart": chart_type, "rules": settings.rules, "multiply": MULTIPLIER}
    full = spc.chart(num, **options)
    with np.errstate(invalid="ignore"):
        small = ~np.isnan(num) & (den < settings.min_group_denominator)
    if not small.any():
        return full, small, ""
    honest = spc.chart(num, untested=np.flatnonzero(small) + 1, **options)
    note = gaps.small_signal_note(full, honest, small, settings.min_group_denominator)
    return honest, small, note


def series_chart(
    title: str,
    cells: Sequence[Cell],
    *,
    settings: ChartSettings,
    frequency: str,
) -> SeriesChart:
    """The run chart (or p chart once there are enough points) of one group's or the total's
    rate; points of fewer than the program's minimum of patients are flagged ``small`` and
    carry no signal (:func:`small_points`)."""
    num = np.array([np.nan if c.rate is None else c.numerator for c in cells], dtype=float)
    den = np.array([np.nan if c.rate is None else c.denominator for c in cells], dtype=float)
    usable = int((~np.isnan(num) & (np.nan_to_num(den) > 0)).sum())
    den = np.where(den > 0, den, np.nan)
    chart_type = "p" if usable >= settings.control_min_points else "run"
    small, note = np.zeros(len(cells), dtype=bool), ""
    try:
        result, small, note = small_points(num, den, settings=settings, chart_type=chart_type)
    except InputError:
        result = None
    points, table = [], []
    for i, c in enumerate(cells):
        if c.rate is None:
            table.append(
                {
                    "period_label": period_text.label(c.period, frequency),
                    "numerator": c.numerator_label,
                    "denominator": c.denominator_label,
                    "rate": None,
                    "signal": "",
                }
            )
            continue
        point = {
            "period": c.period.isoformat(),
            "period_label": period_text.label(c.period, frequency),
            "rate": round(c.rate, 2),
            "numerator": c.numerator_label,
            "denominator": c.denominator_label,
            "ci_low": _round(c.ci_low),
            "ci_high": _round(c.ci_high),
            "n": _n_text(f"{c.numerator_label}/{c.denominator_label}", small[i], settings),
            "small": bool(small[i]),
        }
        if result is not None:
            point.update(
                cl=_round(result.cl[i]),
                lcl=_round(result.lcl[i]),
                ucl=_round(result.ucl[i]),
                signal=_point_signal(result, i),
            )
        else:
            point.update(cl=None, lcl=None, ucl=None, signal="")
        points.append(point)
        table.append(point)
    minimum = settings.min_group_denominator
    if result is None:
        return SeriesChart(
            title, "", False, "Too few periods to chart yet.", tuple(points), tuple(table),
            minimum,
        )  # fmt: skip
    fired = _signal_flags(result)
    kind = "control chart (p chart)" if chart_type == "p" else "run chart"
    if fired:
        text = f"The {kind} shows {', '.join(SIGNAL_WORDS[f] for f in fired)}: a signal."
    else:
        text = f"The {kind} shows no signal: the variation is what chance explains."
    if note:
        text += f" {note}"
    return SeriesChart(title, chart_type, bool(fired), text, tuple(points), tuple(table), minimum)


def _point_signal(result: spc.ChartResult, i: int) -> str:
    names = ["sigma_signal"] + (["shift", "trend"] if result.rules == "ihi" else ["runs_signal"])
    hits = [n for n in names if getattr(result, n) is not None and bool(getattr(result, n)[i])]
    return ", ".join(SIGNAL_WORDS[n].split(" (")[0] for n in hits)


def _round(value, digits: int = 2) -> float | None:
    value = _num(value) if value is not None else None
    return None if value is None else round(value, digits)


# ------------------------------------------------------------------------------------------------
# Gaps, disparity, completeness, aims


@dataclass(frozen=True)
class GapGroup:
    group: str
    label: str
    summary: str
    signal: bool
    closing: bool
    direction: str
    first_gap: float | None
    last_gap: float | None
    chart_type: str
    points: tuple[dict[str, Any], ...]
    verdict: str = "unknown"  # a key of VERDICTS: the answer line at the top of the dashboard
    evidence: str = ""  # the rule that fired (or none), the periods and the size of the change
    # the trend test of equitystats.gaps in plain sentences, and its verdict
    trend_summary: str = ""
    trend_verdict: str = ""

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]


#: Horizons of the minimum detectable narrowing (6 and 12 months) in each frequency's periods.
TREND_HORIZONS = {"monthly": ((6, 12), "month"), "quarterly": ((2, 4), "quarter")}


@dataclass(frozen=True)
class GapView:
    stratifier: str
    reference: str
    reference_label: str
    groups: tuple[GapGroup, ...]
    note: str = ""
    # gap points where the group or the reference has fewer patients are hollow, untested
    min_denominator: int = 0


#: The answer per gap at the top of a dashboard. "Closing" and "widening" need a signal on the
#: gap's own chart (equitystats.gaps: an Anhøj runs signal or a point outside the XmR limits).
VERDICTS = {
    "closing": "Closing",
    "widening": "Widening",
    "signal": "Changing, no net narrowing",
    "none": "No signal",
    "unknown": "Not enough data",
}
#: The sign convention of every gap the site shows, in words (the chart axes say it too).
GAP_CONVENTION = "gap = group rate − reference rate, in percentage points"


def _signed(value: float) -> str:
    """+3.2, −4.0 (a true minus sign), 0.0."""
    text = f"{value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text.replace("-", "−")


def _span(labels: Sequence[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"


def _fired_rules(chart: spc.ChartResult, have: np.ndarray, labels: Sequence[str]) -> list[str]:
    """The rules of the gap's chart that fired, in words, with the periods where they can be
    pinned down (points outside the limits) and the run statistics of the latest part."""
    fired = []
    outside = [labels[i] for i in have if bool(chart.sigma_signal[i])]
    if outside:
        fired.append(f"a point outside the control limits ({', '.join(outside)})")
    last = have[-1]
    if bool(chart.runs_signal[last]):
        run, run_max = chart.longest_run[last], chart.longest_run_max[last]
        crossings, crossings_min = chart.crossings[last], chart.crossings_min[last]
        if math.isfinite(run) and math.isfinite(run_max) and run > run_max:
            fired.append(
                f"a run of {run:.0f} periods on one side of the centre line "
                f"(more than {run_max:.0f} is unlikely by chance)"
            )
        if math.isfinite(crossings) and math.isfinite(crossings_min) and crossings < crossings_min:
            fired.append(
                f"{crossings:.0f} crossings of the centre line (fewer than {crossings_min:.0f} "
                "is unlikely by chance)"
            )
    return fired


def _gap_answer(g: gaps.GroupGap, labels: Sequence[str], ref_label: str) -> tuple[str, str, str]:
    """(verdict, sentence, evidence) of one group's gap, every number signed as
    :data:`GAP_CONVENTION` says, like the gap chart's axis. The start and end are the means of
    the first and last k periods with data that equitystats.gaps compares (k = min(3, n // 2))."""
    who = f"{g.label} − {ref_label}"
    have = np.flatnonzero(np.isfinite(g.difference))
    if g.chart_type is None or have.size < 2:
        return "unknown", f"The gap {who} cannot be judged yet: fewer than 2 periods have data.", ""
    k = min(3, have.size // 2)
    start, end = [labels[i] for i in have[:k]], [labels[i] for i in have[-k:]]
    first, last = g.first_gap, g.last_gap
    sentence = (
        f"The gap {who} averaged {_signed(first)} points in {_span(start)} and "
        f"{_signed(last)} in {_span(end)}"
    )
    if not g.signal:
        verdict = "none"
        sentence += ": no signal, the change is within what chance explains."
    elif g.direction == "narrowed":
        verdict = "closing"
        sentence += ": it narrowed, and the change is a signal, not noise."
    elif g.direction == "widened":
        verdict = "widening"
        sentence += ": it widened, and the change is a signal, not noise."
    else:
        verdict = "signal"
        sentence += ": the chart shows a signal, but no net narrowing or widening."
    if round(first, 1) * round(last, 1) < 0:
        sentence += f" {g.label} moved to the other side of {ref_label}."
    if g.small_note:
        sentence += f" {g.small_note}"
    kind = (
        "XmR chart"
        if g.chart_type == "i"
        else f"run chart (fewer than {gaps.MIN_POINTS_I_CHART} periods)"
    )
    fired = _fired_rules(g.chart, have, labels) if g.chart is not None and g.signal else []
    rule = f"{kind}: {'; '.join(fired)}" if fired else f"{kind}: no rule fired"
    evidence = (
        f"{_signed(first)} → {_signed(last)} points ({_signed(last - first)}) over "
        f"{have.size} periods with data, {labels[have[0]]} to {labels[have[-1]]}; {rule}."
    )
    if g.small_note:
        evidence += f" {g.small_note}"
    return verdict, sentence, evidence


def _known_groups(published: Published, stratifier: str) -> list[str]:
    return [g for g in published.cells.get(stratifier, {}) if not is_missing_group(stratifier, g)]


def gap_view(
    measure: Measure,
    published: Published,
    stratifier: str,
    reference: str,
    *,
    min_denominator: int = MIN_GROUP_DENOMINATOR,
) -> GapView:
    """Every group's gap against ``reference`` over time, from published cells only.

    With the overall rate as reference and suppressed data, a period where any group's cell is
    hidden has no gaps: the overall of the remaining groups would not be the overall. A period
    where the group or the reference has fewer than ``min_denominator`` patients is drawn
    hollow and carries no signal (:func:`equitystats.gaps.gap_series`, ``min_denominator``).
    """
    groups = _known_groups(published, stratifier)
    labels = {g: group_label(measure, stratifier, g) for g in groups}
    ref_label = group_label(measure, stratifier, reference)
    cells = published.cells.get(stratifier, {})
    skip: set[datetime.date] = set()
    if published.suppressed and reference == "overall":
        skip = {c.period for g in groups for c in cells[g] if c.rate is None}
    per, grp, num, den = [], [], [], []
    for g in groups:
        for c in cells[g]:
            if c.rate is None or c.period in skip or not c.denominator:
                continue
            per.append(c.period.isoformat())
            grp.append(g)
            num.append(c.numerator)
            den.append(c.denominator)
    horizons, period_name = TREND_HORIZONS.get(measure.frequency, TREND_HORIZONS["monthly"])
    try:
        analysis = gaps.gap_series(
            per,
            grp,
            num,
            den,
            reference=reference,
            improvement=measure.improvement,
            multiplier=MULTIPLIER,
            labels=labels,
            horizons=horizons,
            period_name=period_name,
            min_denominator=min_denominator,
        )
    except InputError as exc:
        return GapView(stratifier, reference, ref_label, (), note=f"No gaps to show: {exc}.")
    ref_num, ref_den = analysis.reference_numerator, analysis.reference_denominator
    out = []
    labels = [
        period_text.label(datetime.date.fromisoformat(str(p)), measure.frequency)
        for p in analysis.periods
    ]
    for g in analysis.groups:
        verdict, sentence, evidence = _gap_answer(g, labels, analysis.reference_label)
        points = []
        for i, p in enumerate(analysis.periods):
            d = g.difference[i]
            if not math.isfinite(d):
                continue
            point = {
                "period": str(p),
                "period_label": labels[i],
                "group": g.label,
                "gap": round(float(d), 2),
                "gap_low": _round(g.diff_ci_low[i]),
                "gap_high": _round(g.diff_ci_high[i]),
                "rate": _round(g.rate[i] * MULTIPLIER),
                "reference_rate": _round(g.reference_rate[i] * MULTIPLIER),
                "n": _n_text(
                    _counts(g.numerator[i], g.denominator[i]), g.small[i], min_denominator
                ),
                "reference_n": _counts(ref_num[i], ref_den[i]),
                "small": bool(g.small[i]),
                "cl": None,
                "signal": "",
            }
            if g.chart is not None:
                point["cl"] = _round(g.chart.cl[i])
                hit = bool(g.chart.sigma_signal[i]) or bool(g.chart.runs_signal[i])
                point["signal"] = "signal" if hit else ""
            points.append(point)
        out.append(
            GapGroup(
                group=g.group,
                label=g.label,
                summary=sentence,
                signal=g.signal,
                closing=g.closing,
                direction=g.direction,
                first_gap=_round(g.first_gap),
                last_gap=_round(g.last_gap),
                chart_type=g.chart_type or "",
                points=tuple(points),
                verdict=verdict,
                evidence=evidence,
                trend_summary=g.trend.summary if g.trend else "",
                trend_verdict=g.trend.verdict if g.trend else "",
            )
        )
    resolved = analysis.reference
    note = ""
    if skip:
        note = (
            f"{len(skip)} period(s) have no gaps because a group's counts are suppressed "
            "and the overall rate cannot be shown without them."
        )
    return GapView(
        stratifier,
        resolved,
        analysis.reference_label if resolved else ref_label,
        tuple(out),
        note,
        min_denominator,
    )


def _n_text(counts: str, small: bool, minimum: int | ChartSettings) -> str:
    """A point's "numerator/denominator", saying when it has fewer patients than the minimum."""
    if isinstance(minimum, ChartSettings):
        minimum = minimum.min_group_denominator
    return f"{counts} (fewer than {minimum} patients)" if small else counts


def _counts(numerator: float, denominator: float) -> str:
    """ "12/40": a point's numerator and denominator, as the tooltips and tables show them."""
    if not (math.isfinite(numerator) and math.isfinite(denominator)):
        return ""
    return f"{_fmt_count(numerator)}/{_fmt_count(denominator)}"


@dataclass(frozen=True)
class DisparityView:
    period: datetime.date | None
    period_label: str
    reference_label: str
    measures: tuple[dict[str, Any], ...]
    pairs: tuple[dict[str, Any], ...]
    note: str = ""
    # (group label, patients) of the groups left out of the summary measures as too small
    excluded: tuple[tuple[str, int], ...] = ()
    min_denominator: int = MIN_GROUP_DENOMINATOR


def _estimate(value: float, low: float, high: float, digits: int) -> dict[str, float | None]:
    """A comparison as the templates show it: rounded, None where undefined or unbounded."""
    return _rounded({"value": _num(value), "ci_low": _num(low), "ci_high": _num(high)}, digits)


def _pairs(
    measure: Measure, stratifier: str, row: Sequence[Cell], reference: str
) -> tuple[dict[str, Any], ...]:
    """Every group against ``reference`` (a group's name, or ``"mean"``: all groups shown
    together) with the score intervals of :mod:`equitystats.compare`, which stay honest for a
    group of one or two patients, unlike delta-method intervals from p(1 − p)/n."""
    num = np.array([c.numerator for c in row], dtype=float)
    den = np.array([c.denominator for c in row], dtype=float)
    if reference == "mean":
        d, d_lo, d_hi, r, r_lo, r_hi = compare.versus_overall(num, den, num.sum(), den.sum())
    else:
        result = compare.compare([c.group for c in row], num, den, reference=reference)
        d, d_lo, d_hi = result.difference, result.difference_low, result.difference_high
        r, r_lo, r_hi = result.ratio, result.ratio_low, result.ratio_high
    return tuple(
        {
            "group": group_label(measure, stratifier, c.group),
            "difference": _estimate(
                d[j] * MULTIPLIER, d_lo[j] * MULTIPLIER, d_hi[j] * MULTIPLIER, 2
            ),
            "ratio": _estimate(r[j], r_lo[j], r_hi[j], 3),
        }
        for j, c in enumerate(row)
        if c.group != reference
    )


def _resolve_reference(reference: str, row: Sequence[Cell], higher_is_better: bool) -> str:
    """A group's name, or ``"mean"``: ``best`` and ``largest`` chosen among ``row`` (ties by
    name), an unknown group (for instance a suppressed one) replaced by the mean."""
    if reference in ("best", "largest"):

        def key(c: Cell) -> tuple[float, str]:
            if reference == "largest":
                return (-c.denominator, c.group)
            rate = c.numerator / c.denominator
            return (-rate if higher_is_better else rate, c.group)

        return min(row, key=key).group
    return reference if reference in {c.group for c in row} else "mean"


def disparity_view(
    measure: Measure,
    published: Published,
    stratifier: str,
    *,
    min_denominator: int = MIN_GROUP_DENOMINATOR,
    ordered: bool = False,
) -> DisparityView:
    """Disparity measures of the latest period with at least two published groups.

    Each group against the reference comes with score intervals (:func:`_pairs`). The summary
    measures (HD*Calc set, :func:`equitystats.disparity.measures`) rest on delta-method standard
    errors, which collapse at rates of 0 or 100 % and are far too narrow for small groups, so they
    are computed only over the groups with at least ``min_denominator`` patients in that period
    (``[measures] min_group_denominator``); the view names the groups left out and why. ``best``
    and ``largest`` are chosen among those groups too: the best rate of a group of one is chance.
    For an ``ordered`` stratifier (its categories listed lowest first) the measures of ordered
    groups are added: slope and relative index of inequality, concentration indices.
    """
    groups = _known_groups(published, stratifier)
    cells = published.cells.get(stratifier, {})
    reference = measure.reference_groups.get(stratifier, "overall")
    reference = {"overall": "mean"}.get(reference, reference)
    higher_is_better = measure.improvement == "increase"
    for i in range(len(published.periods) - 1, -1, -1):
        row = [cells[g][i] for g in groups if cells[g][i].rate is not None]
        row = [c for c in row if c.denominator]
        if len(row) < 2:
            continue
        large = [c for c in row if c.denominator >= min_denominator]
        ref = _resolve_reference(reference, large or row, higher_is_better)
        ref_label = (
            "the population-weighted mean"
            if ref == "mean"
            else group_label(measure, stratifier, ref)
        )
        excluded = tuple(
            (group_label(measure, stratifier, c.group), int(c.denominator))
            for c in row
            if c.denominator < min_denominator
        )
        notes = []
        left_out = len(groups) - len(row)
        if left_out and published.suppressed:
            notes.append(f"{left_out} group(s) with suppressed counts are left out.")
        if excluded:
            names = "; ".join(
                f"{label} ({n} patient{'s' if n != 1 else ''})" for label, n in excluded
            )
            notes.append(
                f"The summary measures use only groups with at least {min_denominator} patients "
                f"in the period, because with fewer their rates swing too much for these measures; "
                f"left out: {names}. Every group is still compared with the reference below."
            )
        rows: list[dict[str, Any]] = []
        if len(large) >= 2:
            num = np.array([c.numerator for c in large], dtype=float)
            den = np.array([c.denominator for c in large], dtype=float)
            rate, se, _, _ = stratify.rate_statistics(num, den)
            names_large = [c.group for c in large]
            rank = {g: r for r, g in enumerate(categories(measure, stratifier))}
            order = [rank.get(g, len(rank)) for g in names_large] if ordered else None
            try:
                result = disparity.measures(
                    names_large,
                    rate * MULTIPLIER,
                    se * MULTIPLIER,
                    den,
                    reference=ref if ref in names_large else "mean",
                    order=order,
                    higher_is_better=higher_is_better,
                )
            except InputError as exc:
                return DisparityView(None, "", "", (), (), note=f"No disparity measures: {exc}.")
            if result.reference.name != ref:
                notes.append(
                    "The summary measures are measured against the population-weighted mean of "
                    f"the groups large enough, because {ref_label} is not one of them."
                )
            labels = {**DISPARITY_LABELS, **(ORDERED_LABELS if ordered else {})}
            for key, label in labels.items():
                est = result.measures[key].as_dict()
                rows.append({"key": key, "label": label, **_rounded(est, 3)})
        else:
            notes.append(
                f"No summary measures: fewer than two groups have at least {min_denominator} "
                "patients in the period."
            )
        period = published.periods[i]
        return DisparityView(
            period,
            period_text.label(period, measure.frequency),
            ref_label,
            tuple(rows),
            _pairs(measure, stratifier, row, ref),
            " ".join(notes),
            excluded,
            min_denominator,
        )
    return DisparityView(
        None, "", "", (), (), note="No period has two groups with data to compare yet."
    )


def _rounded(est: dict[str, float | None], digits: int) -> dict[str, float | None]:
    return {k: (None if v is None else round(v, digits)) for k, v in est.items()}


@dataclass(frozen=True)
class QualityRow:
    stratifier: str
    stratifier_label: str
    period: datetime.date
    period_label: str
    hidden: bool
    n: float | None
    share_unknown: float | None
    share_declined: float | None
    share_not_collected: float | None
    share_unusable: float | None
    usable: bool | None


def quality_view(
    measure: Measure, rows: Sequence[CountRow], published: Published
) -> tuple[QualityRow, ...]:
    """Share of unknown / declined / not collected per stratifier and period (one library call).

    Weighted by the denominators (patients). With suppressed data a row is hidden when its total
    or any of its missing-value groups is hidden: its shares would give the hidden count away.
    The other rows show only published counts over the published total.
    """
    index = {p: i for i, p in enumerate(published.periods)}
    keys: dict[tuple[str, int], int] = {}
    period_ids, labels, weights = [], [], []
    for r in rows:
        if r.stratifier == OVERALL:
            continue
        key = keys.setdefault((r.stratifier, index[r.period]), len(keys))
        period_ids.append(key)
        # the library classifies the labels; a missing-value code stands for itself
        labels.append(standards.missing_code(r.group, r.stratifier) or r.group)
        weights.append(float(r.denominator))
    hidden_rows = {
        (stratifier, i)
        for stratifier, groups in published.cells.items()
        for group, cells in groups.items()
        for i, c in enumerate(cells)
        if c.denominator is None and is_missing_group(stratifier, group)
    } | {
        (stratifier, i)
        for stratifier in published.cells
        for i, c in enumerate(published.overall)
        if c.denominator is None
    }
    keys_by_id = {v: k for k, v in keys.items()}
    if not period_ids:
        return ()
    result = quality.completeness(
        period=np.array(period_ids), strata={"group": labels}, weight=np.array(weights, float)
    )
    out = []
    for j in range(len(result)):
        stratifier, i = keys_by_id[int(result.period[j])]
        period = published.periods[i]
        hidden = published.suppressed and (stratifier, i) in hidden_rows

        def share(name: str, j: int = j, hidden: bool = hidden) -> float | None:
            return None if hidden else round(float(getattr(result, name)[j]) * 100, 1)

        out.append(
            QualityRow(
                stratifier=stratifier,
                stratifier_label=measure.stratifier_label(stratifier),
                period=period,
                period_label=period_text.label(period, measure.frequency),
                hidden=hidden,
                n=None if hidden else float(result.n[j]),
                share_unknown=share("share_unknown"),
                share_declined=share("share_declined"),
                share_not_collected=share("share_not_collected"),
                share_unusable=share("share_unusable"),
                usable=None if hidden else bool(result.usable[j]),
            )
        )
    out.sort(key=lambda r: (list(published.cells).index(r.stratifier), r.period))
    return tuple(out)


@dataclass(frozen=True)
class AimProgress:
    text: str
    baseline_gap: float
    target_gap: float
    target_date: datetime.date
    latest_gap: float | None
    latest_period_label: str
    progress: float | None  # percent of the way from baseline to target (may exceed 0–100)
    status: str
    signal: bool
    closing: bool


def aim_progress(measure: Measure, aim: Aim, view: GapView, latest_label: str) -> AimProgress:
    """Where the latest gap stands between the aim's baseline and target (computed, never typed)."""
    baseline, target = float(aim.baseline_gap), float(aim.target_gap)
    group = next((g for g in view.groups if g.group == aim.group), None)
    latest = None if group is None or group.last_gap is None else abs(group.last_gap)
    if latest is None:
        return AimProgress(
            aim.text, baseline, target, aim.target_date, None, "", None,
            "No gap can be measured for this group yet.", False, False,
        )  # fmt: skip
    progress = (baseline - latest) / (baseline - target) * 100
    if latest <= target:
        status = (
            f"Aim reached: the gap is {latest:.1f} points, at or below the target of {target:.1f}."
        )
    elif latest > baseline:
        status = f"The gap ({latest:.1f} points) is wider than the baseline of {baseline:.1f}."
    else:
        status = (
            f"The gap is {latest:.1f} points: {progress:.0f}% of the way from {baseline:.1f} "
            f"to {target:.1f} points."
        )
    return AimProgress(
        aim.text,
        baseline,
        target,
        aim.target_date,
        latest,
        latest_label,
        progress,
        status,
        group.signal,
        group.closing,
    )


# ------------------------------------------------------------------------------------------------
# The dashboard


@dataclass(frozen=True)
class Dashboard:
    measure_id: int
    suppressed: bool
    stratifier: str
    stratifiers: tuple[tuple[str, str], ...]  # (key, label) of the stratifiers with data
    periods: tuple[datetime.date, ...]
    summary: tuple[str, ...]
    overall: SeriesChart
    groups: tuple[SeriesChart, ...]
    gap: GapView
    disparity: DisparityView
    quality: tuple[QualityRow, ...]
    aims: tuple[AimProgress, ...]
    table: tuple[dict[str, Any], ...]  # every cell, for the table alternative and the exports
    specs: dict[str, dict] = field(default_factory=dict)
    annotations: tuple[Annotation, ...] = ()
    adjusted: AdjustedView | None = None  # age-adjusted rates, where the data have ages

    @property
    def has_data(self) -> bool:
        return bool(self.periods)


def _table(
    measure: Measure, published: Published, min_denominator: int
) -> tuple[dict[str, Any], ...]:
    """Every cell for the table alternative and the exports; ``small``: fewer patients than
    ``min_denominator`` (drawn hollow, no signal)."""
    rows = []
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    groups = [(OVERALL, ALL, published.overall)] + [
        (s, g, cells) for s, by_group in published.cells.items() for g, cells in by_group.items()
    ]
    for stratifier, group, cells in groups:
        if (stratifier, group) not in labels:
            labels[stratifier, group] = (
                measure.stratifier_label(stratifier),
                group_label(measure, stratifier, group),
            )
        s_label, g_label = labels[stratifier, group]
        for c in cells:
            rows.append(
                {
                    "period": period_text.text(c.period, measure.frequency),
                    "stratifier": stratifier,
                    "stratifier_label": s_label,
                    "group": group,
                    "group_label": g_label,
                    "numerator": c.numerator_label,
                    "denominator": c.denominator_label,
                    "rate": "" if c.rate is None else f"{c.rate:.1f}",
                    "ci_low": "" if c.ci_low is None else f"{c.ci_low:.1f}",
                    "ci_high": "" if c.ci_high is None else f"{c.ci_high:.1f}",
                    "suppressed": c.rate is None and c.numerator is None,
                    "small": c.denominator is not None and 0 < c.denominator < min_denominator,
                }
            )
    return tuple(rows)


def compute(
    measure: Measure,
    rows: Sequence[CountRow],
    *,
    aims: Sequence[Aim],
    suppressed: bool,
    stratifier: str | None,
    settings: ChartSettings,
    published: Published | None = None,
    age_rows: Sequence[AgeCountRow] = (),
) -> Dashboard:
    """Every panel of a measure's dashboard from its counts, without chart specs or annotations
    (pure: no queries). ``published``: the counts as the viewer may see them, when already known
    (they must come from ``rows`` with the same ``suppressed`` and threshold). ``age_rows``:
    the counts by age band, for the age-adjusted rates (:mod:`.adjusted`)."""
    if published is None:
        published = publish(
            rows,
            suppressed=suppressed,
            threshold=settings.threshold,
            zero_beside=settings.zero_beside,
        )
    present = [s for s in measure.stratifiers if s in published.cells]
    present += [s for s in published.cells if s not in present]
    if stratifier not in present:
        stratifier = next((a.stratifier for a in aims if a.stratifier in present), None) or (
            present[0] if present else ""
        )
    overall = series_chart(
        f"{measure.name}: everyone", published.overall, settings=settings,
        frequency=measure.frequency,
    )  # fmt: skip
    group_charts = tuple(
        series_chart(
            group_label(measure, stratifier, g),
            published.cells[stratifier][g],
            settings=settings,
            frequency=measure.frequency,
        )
        for g in _known_groups(published, stratifier)
    )
    reference = measure.reference_groups.get(stratifier, "overall") if stratifier else "overall"
    gap = (
        gap_view(
            measure,
            published,
            stratifier,
            reference,
            min_denominator=settings.min_group_denominator,
        )  # fmt: skip
        if stratifier
        else GapView("", "", "", (), note="No stratified data yet.")
    )
    views = {(stratifier, reference): gap}
    latest_label = (
        period_text.label(published.periods[-1], measure.frequency) if published.periods else ""
    )
    progress = []
    for aim in aims:
        key = (aim.stratifier, aim.reference)
        if key not in views:
            views[key] = gap_view(
                measure, published, aim.stratifier, aim.reference,
                min_denominator=settings.min_group_denominator,
            )  # fmt: skip
        progress.append(aim_progress(measure, aim, views[key], latest_label))
    summary = [overall.signal_text and _overall_sentence(measure, overall)]
    summary += [g.summary for g in gap.groups]
    dashboard = Dashboard(
        measure_id=measure.pk,
        suppressed=suppressed,
        stratifier=stratifier,
        stratifiers=tuple((s, measure.stratifier_label(s)) for s in present),
        periods=published.periods,
        summary=tuple(s for s in summary if s),
        overall=overall,
        groups=group_charts,
        gap=gap,
        disparity=disparity_view(
            measure,
            published,
            stratifier,
            min_denominator=settings.min_group_denominator,
            ordered=stratifier in settings.ordered_stratifiers,
        )
        if stratifier
        else DisparityView(None, "", "", (), ()),
        quality=quality_view(measure, rows, published),
        aims=tuple(progress),
        table=_table(measure, published, settings.min_group_denominator),
        adjusted=adjusted.adjusted_view(
            measure,
            age_rows,
            stratifier=stratifier,
            groups=_known_groups(published, stratifier),
            settings=settings,
            published=published if suppressed else None,
        ),
    )
    return dashboard


def dress(
    dashboard: Dashboard,
    measure: Measure,
    annotations: Sequence[tuple[datetime.date, str]] = (),
) -> Dashboard:
    """The dashboard with its Vega-Lite specs and the changes tested (PDSA cycles) marked on its
    timeline: about a millisecond, so it is done on the way out, never stored."""
    from pursuing_equity.measures import charts

    dressed = replace(dashboard, annotations=normalise(annotations), specs={})
    target = float(measure.target) if measure.target is not None else None
    dressed.specs.update(charts.dashboard_specs(dressed, target=target))
    if dressed.adjusted is not None and dressed.adjusted.has_rates:
        dressed.specs.update(adjusted.chart_specs(dressed.adjusted))
    return dressed


def _overall_sentence(measure: Measure, chart: SeriesChart) -> str:
    if len(chart.points) < 2:
        return f"{measure.name}: {chart.signal_text}"
    first, last = chart.points[0], chart.points[-1]
    return (
        f"Overall, {measure.name} went from {first['rate']:.1f}% in {first['period_label']} to "
        f"{last['rate']:.1f}% in {last['period_label']}. {chart.signal_text}"
    )


# ------------------------------------------------------------------------------------------------
# Selectors: the queries and the cache


def measure_for_dashboard(team_slug: str, measure_slug: str) -> Measure:
    """The measure with its team, cohort, small cohort and cycle (1 query); 404 if absent."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Measure.objects.select_related("team", "team__cohort", "team__small_cohort", "team__cycle"),
        team__slug=team_slug,
        slug=measure_slug,
    )


def _key(measure: Measure, aims: Iterable[Aim], versions: Iterable[int], *extra: Any) -> str:
    """The digest a stored result was computed for: data, aims, definition and ``extra``."""
    parts = [
        CACHE_VERSION,
        _schema(),
        measure.pk,
        measure.updated_at.isoformat() if measure.updated_at else "",
        sorted(versions),
        [(a.pk, a.updated_at.isoformat() if a.updated_at else "") for a in aims],
        *extra,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _published_key(measure_id: int, release: Versions, settings: ChartSettings) -> str:
    """Published counts depend on the data of the whole release (every measure of the team:
    ``release`` holds their current submission ids) and the suppression settings only: an aim,
    the measure's definition or the chart rules change nothing, so they keep the costly
    result."""
    parts = [
        CACHE_VERSION, _schema(), "published", measure_id, _release_part(release),
        settings.threshold, settings.zero_beside,
    ]  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _release_part(release: Versions) -> list:
    return sorted((pk, sorted(ids)) for pk, ids in release.items())


def _dashboard_key(
    measure: Measure, aims: Iterable[Aim], release: Versions, variant: str,
    settings: ChartSettings,
) -> str:  # fmt: skip
    """A dashboard's key: a shared one is drawn from the team's release, so it depends on the
    data of every measure of the team; the team's own only on the measure's."""
    shared = variant.startswith(SHARED)
    extra = [_release_part(release)] if shared else []
    versions = release.get(measure.pk, [])
    return _key(measure, aims, versions, results.Kind.DASHBOARD, variant, settings, *extra)


@cache_function
def _schema() -> str:
    return results.fingerprint(Dashboard, Published, NetworkPanel)


def _local(key: str) -> str:
    """The per-process cache's key of a decoded result."""
    return f"measures:dashboard:{key}"


SHARED, TEAM = "shared", "team"


def _variant(suppressed: bool, stratifier: str = "") -> str:
    base = SHARED if suppressed else TEAM
    return f"{base}:{stratifier}" if stratifier else base


Versions = dict[int, list[int]]  # measure id → ids of its current submissions


def release_versions(team_ids: Iterable[int]) -> dict[int, Versions]:
    """Ids of the current submissions of every measure of each team, by team (1 query): the
    cache keys' data part. A team's measures are published as one release (see
    :func:`publish_release`), so what outsiders see of one depends on all of them."""
    out: dict[int, Versions] = {pk: defaultdict(list) for pk in team_ids}
    rows = Submission.objects.filter(measure__team_id__in=list(out), is_current=True)
    for team_id, measure_id, sub_id in rows.values_list("measure__team_id", "measure_id", "id"):
        out[team_id][measure_id].append(sub_id)
    return out


def _aims_of(measures: Sequence[Measure]) -> dict[int, list[Aim]]:
    """The aims of each measure, oldest target first, linked to their measure (1 query)."""
    by_id = {m.pk: m for m in measures}
    out: dict[int, list[Aim]] = {pk: [] for pk in by_id}
    for aim in Aim.objects.filter(measure_id__in=list(by_id)).order_by("target_date", "id"):
        aim.measure = by_id[aim.measure_id]
        out[aim.measure_id].append(aim)
    return out


def _shared_published(
    measures: Sequence[Measure],
    versions: Mapping[int, Versions],
    counts: Mapping[int, Sequence[CountRow]],
) -> dict[int, Published]:
    """The counts of ``measures`` as published outside their teams: the stored ones where still
    current (1 query), the others by publishing their teams' releases now (the costly step, and
    the counts of the teams' other measures not in ``counts``: 1 query), stored for every
    measure of those teams. ``versions``: :func:`release_versions` of the measures' teams."""
    keys = {
        m.pk: _published_key(m.pk, versions[m.team_id], chart_settings(m.team.cycle))
        for m in measures
    }
    stored = results.load(results.Kind.PUBLISHED, {pk: (SHARED, k) for pk, k in keys.items()})
    out = {pk: results.decode(Published, data) for pk, data in stored.items()}
    stale = {m.team_id: m.team for m in measures if m.pk not in out}
    if not stale:
        return out
    members = {t: set(versions[t]) | {m.pk for m in measures if m.team_id == t} for t in stale}
    missing = [pk for t in stale for pk in sorted(members[t]) if pk in versions[t]]
    missing = [pk for pk in missing if pk not in counts]
    if missing:
        counts = {**current_counts_by_measure(missing), **counts}
    fresh = []
    for team_id, team in stale.items():
        settings = chart_settings(team.cycle)
        release = {pk: counts.get(pk, []) for pk in sorted(members[team_id])}
        published = publish_release(
            release, suppressed=True, threshold=settings.threshold, zero_beside=settings.zero_beside
        )
        for pk, value in published.items():
            key = _published_key(pk, versions[team_id], settings)
            fresh.append((pk, SHARED, key, results.encode(value)))
        out.update(published)
    results.save(results.Kind.PUBLISHED, fresh)
    return out


def measure_dashboard(
    measure: Measure,
    user,
    *,
    stratifier: str | None = None,
    annotations: Sequence[tuple[datetime.date, str]] = (),
) -> Dashboard:
    """The dashboard of ``measure`` as ``user`` may see it (suppressed unless on the team), with
    ``annotations`` (the PDSA cycles) on its charts.

    Queries: the current submission ids and the aims; the stored result unless this process has
    it already; and, only when the stored result is stale, the counts (and, for a shared view,
    the stored published counts) before storing the new result.
    """
    suppressed = not can_view_unsuppressed_measures(user, measure.team)
    settings = chart_settings(measure.team.cycle)
    aims = _aims_of([measure])[measure.pk]
    release = release_versions([measure.team_id])
    versions = release[measure.team_id].get(measure.pk, [])
    variant = _variant(suppressed, stratifier or "")
    key = _dashboard_key(measure, aims, release[measure.team_id], variant, settings)
    notes = tuple(annotations)
    dressed_key = f"{_local(key)}:{hashlib.sha256(repr(notes).encode()).hexdigest()[:16]}"
    dressed = cache.get(dressed_key)
    if dressed is not None:
        return dressed
    dashboard = cache.get(_local(key))
    if dashboard is None:
        stored = results.load(results.Kind.DASHBOARD, {measure.pk: (variant, key)})
        if measure.pk in stored:
            dashboard = results.decode(Dashboard, stored[measure.pk])
        else:
            rows = current_counts(measure) if versions else []
            age_rows = current_age_counts_by_measure([measure.pk])[measure.pk] if versions else []
            published = (
                _shared_published([measure], release, {measure.pk: rows})[measure.pk]
                if suppressed
                else None
            )
            dashboard = compute(
                measure,
                rows,
                aims=aims,
                suppressed=suppressed,
                stratifier=stratifier,
                settings=settings,
                published=published,
                age_rows=age_rows,
            )
            results.save(
                results.Kind.DASHBOARD,
                [(measure.pk, variant, key, results.encode(dashboard))],
            )
        cache.set(_local(key), dashboard, CACHE_SECONDS)
    dressed = dress(dashboard, measure, notes)
    cache.set(dressed_key, dressed, CACHE_SECONDS)
    return dressed


# ------------------------------------------------------------------------------------------------
# The network view


def visible_teams(user):
    """The teams whose measures the network view may show ``user`` (the sharing rules apply)."""
    teams = Team.objects.select_related("cohort", "organization").prefetch_related("cycle")
    if is_program_staff(user):
        return teams
    if has_role(user, FACULTY):
        return teams.filter(Q(coach=user) | Q(small_cohort__coach=user))
    return teams.none()


@dataclass(frozen=True)
class NetworkPanel:
    """One team's measure in the network view: its focal gap over time."""

    measure_id: int
    team: str
    team_slug: str
    measure: str
    measure_slug: str
    focus_area: str
    focus_area_label: str
    cohort: str
    cohort_label: str
    stratifier_label: str
    group_label: str
    reference_label: str
    first_gap: float | None
    last_gap: float | None
    direction: str
    signal: bool
    closing: bool
    summary: str
    points: tuple[dict[str, Any], ...]

    @property
    def panel(self) -> str:
        return f"{self.team} — {self.measure}"


def _focal(measure: Measure, aims: Sequence[Aim], published: Published) -> NetworkPanel | None:
    aim = aims[0] if aims else None
    stratifier = (
        aim.stratifier
        if aim
        else next(
            (s for s in measure.stratifiers if s in published.cells),
            next(iter(published.cells), ""),
        )
    )
    if not stratifier:
        return None
    reference = aim.reference if aim else measure.reference_groups.get(stratifier, "overall")
    minimum = chart_settings(measure.team.cycle).min_group_denominator
    view = gap_view(measure, published, stratifier, reference, min_denominator=minimum)
    if not view.groups:
        return None
    if aim and any(g.group == aim.group for g in view.groups):
        group = next(g for g in view.groups if g.group == aim.group)
    else:
        group = max(
            view.groups,
            key=lambda g: float(np.mean([abs(p["gap"]) for p in g.points])) if g.points else -1,
        )
    team = measure.team
    return NetworkPanel(
        measure_id=measure.pk,
        team=team.name,
        team_slug=team.slug,
        measure=measure.name,
        measure_slug=measure.slug,
        focus_area=measure.focus_area,
        focus_area_label=measure.focus_area_label,
        cohort=team.cohort.key,
        cohort_label=team.cohort.name,
        stratifier_label=measure.stratifier_label(stratifier),
        group_label=group.label,
        reference_label=view.reference_label,
        first_gap=group.first_gap,
        last_gap=group.last_gap,
        direction=group.direction,
        signal=group.signal,
        closing=group.closing,
        summary=group.summary,
        points=tuple({**p, "panel": f"{team.name} — {measure.name}"} for p in group.points),
    )


SIGNAL_FILTERS = {
    "closing": ("Closing gap (narrowed, with a signal)", lambda p: p.closing),
    "widening": ("Widening gap (with a signal)", lambda p: p.signal and p.direction == "widened"),
    "signal": ("Any signal", lambda p: p.signal),
    "none": ("No signal", lambda p: not p.signal),
}


def _panel_key(
    measure: Measure, aims: Sequence[Aim], release: Versions, suppressed: bool,
    settings: ChartSettings,
) -> str:  # fmt: skip
    """A panel's key: a shared one depends on the team's whole release (see
    :func:`_dashboard_key`)."""
    team = measure.team
    extra = [_release_part(release)] if suppressed else []
    return _key(
        measure, aims, release.get(measure.pk, []), results.Kind.PANEL, _variant(suppressed),
        settings, team.name, team.slug, team.cohort.key, team.cohort.name, *extra,
    )  # fmt: skip


def network_panels(
    user,
    *,
    focus_area: str = "",
    cohort: str = "",
    signal: str = "",
) -> list[NetworkPanel]:
    """The focal gap of every measure the viewer may see, filtered.

    Everyone looking at the network is outside the teams (staff, faculty), so every panel is
    computed from suppressed counts. Queries: the measures, their aims and current submission
    ids, and the stored panels (4); only for panels not stored for the current key, the counts
    and the stored published counts, before storing the new panels.
    """
    # Each cycle (its program document, a large JSON) decoded once, not once per measure.
    measures = (
        Measure.objects.select_related("team", "team__cohort", "team__small_cohort")
        .prefetch_related("team__cycle")
        .filter(team__in=visible_teams(user))
    )
    if focus_area:
        measures = measures.filter(focus_area=focus_area)
    if cohort:
        measures = measures.filter(team__cohort__key=cohort)
    measures = list(measures.order_by("team__name", "name"))
    aims = _aims_of(measures)
    versions = release_versions({m.team_id for m in measures})
    keys: dict[int, tuple[str, str, bool]] = {}
    for m in measures:
        suppressed = not can_view_unsuppressed_measures(user, m.team)
        key = _panel_key(
            m, aims[m.pk], versions[m.team_id], suppressed, chart_settings(m.team.cycle)
        )
        keys[m.pk] = (_variant(suppressed), key, suppressed)
    local = cache.get_many([_local(key) for _, key, _ in keys.values()])
    found: dict[int, NetworkPanel | None] = {
        pk: local[_local(key)] for pk, (_, key, _) in keys.items() if _local(key) in local
    }
    wanted = {pk: (variant, key) for pk, (variant, key, _) in keys.items() if pk not in found}
    stored = results.load(results.Kind.PANEL, wanted)
    fresh = {pk: results.decode(NetworkPanel, data["panel"]) for pk, data in stored.items()}
    missing = [m for m in measures if m.pk not in found and m.pk not in fresh]
    if missing:
        fresh.update(_compute_panels(missing, aims, versions, {pk: keys[pk] for pk in keys}))
    cache.set_many({_local(keys[pk][1]): panel for pk, panel in fresh.items()}, CACHE_SECONDS)
    found.update(fresh)
    panels = [found[m.pk] for m in measures if found[m.pk] is not None]
    if signal in SIGNAL_FILTERS:
        keep = SIGNAL_FILTERS[signal][1]
        panels = [p for p in panels if keep(p)]
    return panels


def _compute_panels(
    measures: Sequence[Measure],
    aims: Mapping[int, Sequence[Aim]],
    versions: Mapping[int, Versions],
    keys: Mapping[int, tuple[str, str, bool]],
) -> dict[int, NetworkPanel | None]:
    """Compute and store the panels of ``measures`` (``keys``: variant, key, suppressed;
    ``versions``: :func:`release_versions` of their teams)."""
    with_data = [m for m in measures if versions[m.team_id].get(m.pk)]
    counts = current_counts_by_measure([m.pk for m in with_data]) if with_data else {}
    shared = _shared_published([m for m in with_data if keys[m.pk][2]], versions, counts)
    out: dict[int, NetworkPanel | None] = {}
    for m in measures:
        variant, key, suppressed = keys[m.pk]
        if m.pk not in counts:
            out[m.pk] = None
            continue
        # A shared panel must come from the published counts: a KeyError here is a bug, never
        # a reason to fall back to the team's unsuppressed counts.
        published = (
            shared[m.pk]
            if suppressed
            else publish(
                counts[m.pk], suppressed=False, threshold=chart_settings(m.team.cycle).threshold
            )
        )
        out[m.pk] = _focal(m, aims[m.pk], published)
    results.save(
        results.Kind.PANEL,
        [(pk, keys[pk][0], keys[pk][1], {"panel": results.encode(p)}) for pk, p in out.items()],
    )
    return out


# ------------------------------------------------------------------------------------------------
# Computing ahead: what the task stores after new data, and what the demo stores for everything

PRECOMPUTE_BATCH = 20

Stored = tuple[int, str, str, Any]  # measure id, variant, key, data: one row for results.save


def precompute(measure_ids: Iterable[int]) -> int:
    """Compute and store, for every measure of the teams of ``measure_ids``, what its first
    readers ask for: the counts as published outside the team, the shared and the team's
    dashboards (default stratifier) and the network panel. Returns how many measures were
    computed.

    The whole team, because its measures are published as one release (:func:`publish_release`):
    new data for one measure can change what is hidden of another. The published counts are
    reused when the stored ones are still current (a new aim or definition changes the
    dashboards, not what is published), so the costly suppression is redone only after new data
    or new suppression settings.

    Batches of whole teams, about :data:`PRECOMPUTE_BATCH` measures each: 7 queries and up to 3
    upserts per batch, plus 1 query to find the teams' measures.
    """
    by_team: dict[int, list[int]] = defaultdict(list)
    teams = Measure.objects.filter(pk__in=list(measure_ids)).values("team_id")
    for pk, team_id in Measure.objects.filter(team_id__in=teams).values_list("pk", "team_id"):
        by_team[team_id].append(pk)
    batch: list[int] = []
    count = 0
    for team_id in sorted(by_team):
        batch += by_team[team_id]
        if len(batch) >= PRECOMPUTE_BATCH:
            count += _precompute_batch(batch)
            batch = []
    return count + (_precompute_batch(batch) if batch else 0)


def _precompute_batch(ids: list[int]) -> int:
    jobs = _precompute_jobs(ids)
    _store_precomputed(map(_precompute_one, jobs))
    return len(jobs)


Job = tuple[Measure, list[Aim], Versions, list[CountRow], Published, list[AgeCountRow]]


def _precompute_jobs(ids: list[int]) -> list[Job]:
    """What computing the measures (whole teams) needs, read in 6 queries: the measures, aims,
    current submission ids, counts, and the stored published counts still current; the teams
    whose release is not are published again and stored (:func:`_shared_published`)."""
    measures = list(
        Measure.objects.select_related("team", "team__cohort", "team__small_cohort")
        .prefetch_related("team__cycle")  # each cycle's program document decoded once
        .filter(pk__in=ids)
    )
    aims = _aims_of(measures)
    versions = release_versions({m.team_id for m in measures})
    counts = current_counts_by_measure(ids)
    ages = current_age_counts_by_measure(ids)
    shared = _shared_published(measures, versions, counts)
    return [
        (m, aims[m.pk], versions[m.team_id], counts[m.pk], shared[m.pk], ages[m.pk])
        for m in measures
    ]


def _precompute_one(job: Job) -> dict[str, list[Stored]]:
    """The stored dashboards and panel of one measure, by kind (pure: no queries)."""
    m, aims, release, rows, shared, age_rows = job
    settings = chart_settings(m.team.cycle)
    out: dict[str, list[Stored]] = {results.Kind.DASHBOARD: []}
    for suppressed in (True, False):
        variant = _variant(suppressed)
        dashboard = compute(
            m,
            rows,
            aims=aims,
            suppressed=suppressed,
            stratifier=None,
            settings=settings,
            published=shared if suppressed else None,
            age_rows=age_rows,
        )
        key = _dashboard_key(m, aims, release, variant, settings)
        out[results.Kind.DASHBOARD].append((m.pk, variant, key, results.encode(dashboard)))
    panel = _focal(m, aims, shared) if release.get(m.pk) else None
    key = _panel_key(m, aims, release, True, settings)
    out[results.Kind.PANEL] = [(m.pk, SHARED, key, {"panel": results.encode(panel)})]
    return out


def _store_precomputed(computed: Iterable[dict[str, list[Stored]]]) -> None:
    by_kind: dict[str, list[Stored]] = defaultdict(list)
    for rows in computed:
        for kind, items in rows.items():
            by_kind[kind] += items
    for kind, items in by_kind.items():
        results.save(kind, items)


# ------------------------------------------------------------------------------------------------
# As of a date: the charts a monthly update embeds


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


def dashboards_as_of(
    measures: Sequence[Measure],
    as_of: datetime.date,
    *,
    annotations: Mapping[int, Sequence[tuple[datetime.date, str]]] | None = None,
) -> list[Dashboard]:
    """The dashboards of ``measures`` (with their teams and cycles) from the current data, cut
    to the periods begun by ``as_of``: the current version of each period (a version submitted
    or restored later counts too), with the current aims and definition, in the shared
    (suppressed) view — what a reader outside the team may see — with the program's chart rules
    and each measure's ``annotations`` dated by then. A monthly update embeds these.

    The costly suppression is reused from the stored published counts (see
    :func:`published_until`); the rest (charts, gaps, disparity, completeness) is computed for
    the shorter series. 4 queries, plus storing published counts that were not current.
    """
    measures = list(measures)
    ids = [m.pk for m in measures]
    aims = _aims_of(measures)
    versions = release_versions({m.team_id for m in measures})
    counts = current_counts_by_measure(ids)
    shared = _shared_published(measures, versions, counts)
    out = []
    for m in measures:
        rows = [r for r in counts[m.pk] if r.period <= as_of]
        present = {(r.stratifier, r.group) for r in rows}
        dashboard = compute(
            m,
            rows,
            aims=aims[m.pk],
            suppressed=True,
            stratifier=None,
            settings=chart_settings(m.team.cycle),
            published=published_until(shared[m.pk], as_of, present),
        )
        notes = [note for note in (annotations or {}).get(m.pk, ()) if note[0] <= as_of]
        out.append(dress(dashboard, m, notes))
    return out


# ------------------------------------------------------------------------------------------------
# Measures shared with a person


def shared_measures(user) -> list[Measure]:
    """Measures of other teams that the sharing rules let ``user`` see, by team and name, with
    their teams (2 queries besides the person's memberships and roles).

    The teams are narrowed in the query to those the rules could admit (program staff: all;
    otherwise the cycles of the person's teams and the teams they coach); the rules
    (:mod:`.rules`) then decide each team, so this list never disagrees with the dashboards.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    # The cycle prefetched: the sharing rule reads its program document (a large JSON), which a
    # join would decode once per team (most of the staff's shared-measures page time).
    teams = Team.objects.select_related("cohort", "small_cohort").prefetch_related("cycle")
    if not is_program_staff(user):
        teams = teams.filter(peer_q(user) | coach_q(user))
    own = membership_of(user).team_ids
    visible = {t.pk: t for t in teams if t.pk not in own and can_view_team_measures(user, t)}
    found = list(Measure.objects.filter(team_id__in=list(visible)).order_by("name"))
    for m in found:
        m.team = visible[m.team_id]
    return sorted(found, key=lambda m: (m.team.name, m.name))


@dataclass(frozen=True)
class SharingPolicy:
    """What a cycle's program file says about sharing measures, in plain sentences."""

    cycle: Cycle
    sentences: tuple[str, ...]


def sharing_policies(user) -> list[SharingPolicy]:
    """The sharing rules in force for ``user``: those of the cycles of the person's teams (latest
    first), else of the current cycle; each cohort's scope (:func:`~pursuing_equity.teams.membership.sharing_scope`) and the
    suppression threshold (:func:`chart_settings`) as the rules apply them, defaults included,
    in the program page's words (:func:`pursuing_equity.programs.selectors.data_sharing`).
    2 queries besides the person's memberships."""
    cycle_ids = {t.cycle_id for t in membership_of(user).ties}
    if cycle_ids:
        cycles = list(Cycle.objects.filter(pk__in=cycle_ids).order_by("-starts_on"))
    else:
        cycle = current_cycle()
        cycles = [cycle] if cycle is not None else []
    cohorts: dict[int, list[Cohort]] = defaultdict(list)
    for cohort in Cohort.objects.filter(cycle__in=cycles).order_by("position"):
        cohorts[cohort.cycle_id].append(cohort)
    out = []
    for cycle in cycles:
        sharing = (cycle.document.get("measures") or {}).get("sharing")
        facts = {
            "sharing": {c.key: str(sharing_scope(sharing, c.key)) for c in cohorts[cycle.pk]},
            "suppression_threshold": chart_settings(cycle).threshold,
            "suppress_zero_beside_suppressed": chart_settings(cycle).zero_beside,
        }
        out.append(SharingPolicy(cycle, data_sharing({"measures": facts}, cohorts[cycle.pk])))
    return out
