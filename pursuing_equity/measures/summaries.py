"""The dashboard's summaries of the latest period and of the whole series: disparity measures
(:func:`equitystats.disparity.measures`, score intervals from :mod:`equitystats.compare`),
data completeness (:func:`equitystats.quality.completeness`) and progress toward the aims, all
from published counts (:mod:`.publication`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from equitystats import compare, disparity, quality, standards, stratify
from equitystats.errors import InputError
from pursuing_equity.measures import periods as period_text
from pursuing_equity.measures.categories import categories, group_label, is_missing_group
from pursuing_equity.measures.choices import MIN_GROUP_DENOMINATOR, MULTIPLIER
from pursuing_equity.measures.models import OVERALL, Aim, Measure
from pursuing_equity.measures.panels import GapView, known_groups
from pursuing_equity.measures.publication import Cell, Published, number
from pursuing_equity.measures.selectors import CountRow

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
    return _rounded(
        {"value": number(value), "ci_low": number(low), "ci_high": number(high)}, digits
    )


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
    groups = known_groups(published, stratifier)
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
