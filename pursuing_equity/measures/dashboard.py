"""The dashboard of one measure assembled from its panels (pure: no queries).

:func:`compute` turns a measure's counts into every panel of its dashboard — the charts and
gaps (:mod:`.panels`), disparity, completeness and aims (:mod:`.summaries`), the age-adjusted
rates (:mod:`.adjusted`) — from the counts as the viewer may see them (:mod:`.publication`).
Storing and reading results is :mod:`.stored`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pursuing_equity.measures import adjusted
from pursuing_equity.measures import periods as period_text
from pursuing_equity.measures.adjusted import AdjustedView
from pursuing_equity.measures.annotations import Annotation
from pursuing_equity.measures.categories import group_label
from pursuing_equity.measures.choices import ChartSettings
from pursuing_equity.measures.models import ALL, OVERALL, Aim, Measure
from pursuing_equity.measures.panels import (
    GapView,
    SeriesChart,
    gap_view,
    known_groups,
    series_chart,
)
from pursuing_equity.measures.publication import Published, publish
from pursuing_equity.measures.selectors import AgeCountRow, CountRow
from pursuing_equity.measures.summaries import (
    AimProgress,
    DisparityView,
    QualityRow,
    aim_progress,
    disparity_view,
    quality_view,
)


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
        for g in known_groups(published, stratifier)
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
            groups=known_groups(published, stratifier),
            settings=settings,
            published=published if suppressed else None,
        ),
    )
    return dashboard


def _overall_sentence(measure: Measure, chart: SeriesChart) -> str:
    if len(chart.points) < 2:
        return f"{measure.name}: {chart.signal_text}"
    first, last = chart.points[0], chart.points[-1]
    return (
        f"Overall, {measure.name} went from {first['rate']:.1f}% in {first['period_label']} to "
        f"{last['rate']:.1f}% in {last['period_label']}. {chart.signal_text}"
    )
