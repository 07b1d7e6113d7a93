"""Benchmark: is the gap closing? Chart rules against the trend test on synthetic gaps.

Synthetic teams from ``equitystats.synth.counts`` (18 months, Black and White patients only,
a Black − White gap of −12 points): in *closing* runs the gap narrows linearly to −3 points
(``closing_target=0.25``), in *stable* runs it stays at −12. For each team size (eligible
patients a month, all groups together) and each kind, RUNS seeds; each run is analysed by
:func:`equitystats.gaps.gap_series` with White as the reference, as the dashboard does.

Columns: *chart* — the gap's chart rules say the gap is closing (an XmR chart with Anhøj's
rules and a narrowed gap, ``GroupGap.closing``); *trend* — the trend test's 95 % interval says
narrowing (``GroupGap.trend.verdict``). Detection is the share of closing runs flagged; a false
alarm is a stable run flagged as closing; "any signal" counts a stable run with any chart
signal, or any trend (narrowing or widening; two-sided 95 %, so about 5 % by design). Goal at
800 patients a month: trend false alarms ≤ 5 % and trend detection at least double the chart's.
Exit code 1 when the goal is missed.

Run: ``.venv/bin/python bench/bench_gap_power.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from equitystats import gaps, synth  # noqa: E402

SIZES = (400, 800, 2000)
RUNS = 200
MONTHS = 18
GAP = -0.12
GOAL_SIZE = 800
GOAL_FALSE_ALARMS = 0.05
GOAL_RATIO = 2.0


def one_run(size: int, seed: int, closing: bool) -> tuple[bool, bool, bool, bool]:
    """(chart says closing, chart has any signal, trend says narrowing, trend has any trend)."""
    data = synth.counts(
        teams=1,
        measures={"Blood pressure control": 0.62},
        months=MONTHS,
        seed=seed,
        disparities={"race_ethnicity": {"black": GAP}},
        closing=closing,
        closing_target=0.25,
        completeness="complete",
        patients=(size, size),
        eligibility=1.0,
    )
    cols = data.columns()
    keep = np.isin(cols["race_ethnicity"], ["black", "white"])
    result = gaps.gap_series(
        cols["month"][keep].astype(str),
        cols["race_ethnicity"][keep],
        data.numerator[keep],
        data.denominator[keep],
        reference="white",
        period_name="month",
    )
    g = result.group("black")
    verdict = g.trend.verdict if g.trend else "no clear trend"
    return g.closing, g.signal, verdict == "narrowing", verdict != "no clear trend"


def rates(size: int, closing: bool) -> np.ndarray:
    """Share of RUNS runs flagged, per column of :func:`one_run`."""
    seeds = range(size * 10_000 + closing * 1_000, size * 10_000 + closing * 1_000 + RUNS)
    return np.array([one_run(size, s, closing) for s in seeds], dtype=float).mean(axis=0)


def main() -> int:
    print(f"{RUNS} runs per size and kind; {MONTHS} months; gap {GAP * 100:.0f} points")
    print(
        f"{'patients/month':>14}  {'detection chart':>15}  {'detection trend':>15}  "
        f"{'false alarm chart':>17}  {'false alarm trend':>17}  "
        f"{'any signal chart':>16}  {'any trend':>9}"
    )
    ok = True
    for size in SIZES:
        closing = rates(size, True)
        stable = rates(size, False)
        print(
            f"{size:>14}  {closing[0]:>15.1%}  {closing[2]:>15.1%}  {stable[0]:>17.1%}  "
            f"{stable[2]:>17.1%}  {stable[1]:>16.1%}  {stable[3]:>9.1%}"
        )
        if size == GOAL_SIZE:
            ratio = closing[2] / closing[0] if closing[0] else float("inf")
            ok = stable[2] <= GOAL_FALSE_ALARMS and ratio >= GOAL_RATIO
            print(
                f"goal at {size}: trend false alarms ≤ {GOAL_FALSE_ALARMS:.0%} "
                f"and detection ≥ {GOAL_RATIO:g}× the chart's (ratio {ratio:.1f}): "
                f"{'met' if ok else 'MISSED'}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
