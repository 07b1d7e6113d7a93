"""The dashboard's charts of rates and of gaps, from published counts.

The web app never computes statistics itself: run and control charts come from
:func:`equitystats.spc.chart` and gaps from :func:`equitystats.gaps.gap_series`; this module
decides what to feed them (published cells only: :mod:`.publication`) and shapes their results
for the templates, the charts (:mod:`.charts`) and the exports (:mod:`.exports`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from equitystats import gaps, spc
from equitystats.errors import InputError
from pursuing_equity.measures import periods as period_text
from pursuing_equity.measures.categories import group_label, is_missing_group
from pursuing_equity.measures.choices import MIN_GROUP_DENOMINATOR, MULTIPLIER, ChartSettings
from pursuing_equity.measures.models import Measure
from pursuing_equity.measures.publication import Cell, Published, count_text, number

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
    value = number(value) if value is not None else None
    return None if value is None else round(value, digits)


# ------------------------------------------------------------------------------------------------
# Gaps


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


def known_groups(published: Published, stratifier: str) -> list[str]:
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
    groups = known_groups(published, stratifier)
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
    return f"{count_text(numerator)}/{count_text(denominator)}"
