"""The self-assessment chart: grouped bars of each component's mean score per round, with the
range between members (or teams) as a rule. Vega-Lite built with Altair; the page always shows the
same numbers as a table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from pursuing_equity.outcomes import program


def results_chart(
    summaries: Sequence, assessment: program.Assessment, title: str
) -> dict[str, Any] | None:
    """Mean per component, one bar per round (told apart by position, colour and a legend), the
    whiskers the lowest and highest score; None when nobody has answered."""
    names = {c.key: c.name for c in assessment.components}
    rounds = {r.key: r.name for r in assessment.rounds}
    values = [
        {
            "component": names[s.component],
            "round": rounds[s.round_key],
            "mean": s.mean,
            "low": s.low,
            "high": s.high,
            "n": s.n,
        }
        for s in summaries
        if s.mean is not None
    ]
    if not values:
        return None
    low, high = min(v for v, _ in assessment.scale), max(v for v, _ in assessment.scale)
    order = [r.name for r in assessment.rounds]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y(
            "component:N",
            title=None,
            sort=[c.name for c in assessment.components],
            axis=alt.Axis(labelLimit=260),
        ),
        yOffset=alt.YOffset("round:N", sort=order),
    )
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", title="Mean score", scale=alt.Scale(domain=[low, high])),
        color=alt.Color("round:N", sort=order, title="Round"),
        tooltip=["component:N", "round:N", "mean:Q", "low:Q", "high:Q", "n:Q"],
    )
    spread = base.mark_rule(color="black").encode(x="low:Q", x2="high:Q")
    chart = (bars + spread).properties(title=title, width="container")
    return chart.to_dict()
