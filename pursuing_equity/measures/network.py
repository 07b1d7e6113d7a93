"""The network view's panel of one measure: its focal gap over time (the aim's group, else
the group with the widest mean gap), from published counts (:func:`.panels.gap_view`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pursuing_equity.measures.choices import chart_settings
from pursuing_equity.measures.models import Aim, Measure
from pursuing_equity.measures.panels import gap_view
from pursuing_equity.measures.publication import Published


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


def focal_panel(measure: Measure, aims: Sequence[Aim], published: Published) -> NetworkPanel | None:
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
