"""Benchmark: p charts for 10,000 series of 36 points, every rule set in one call.

Times ``equitystats.spc.p_chart_many`` (centre line, limits, Shewhart, Anhøj, IHI and NHS
rules over the whole matrix) against plain numpy computing each series' mean proportion and
moving ranges (vectorised), both best of 5 in the same run. Goal: ratio <= 100.

Run: ``.venv/bin/python bench/bench_charts.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from equitystats.spc import p_chart_many  # noqa: E402

SERIES = 10_000
POINTS = 36
REPEATS = 5
GOAL = 100.0


def make_data(seed: int = 20240601) -> tuple[np.ndarray, np.ndarray]:
    """Binomial counts with varying denominators; a third of the series shift upwards."""
    rng = np.random.default_rng(seed)
    n = rng.integers(40, 400, size=(SERIES, POINTS))
    p = rng.uniform(0.05, 0.3, size=(SERIES, 1)) * np.ones((1, POINTS))
    shifted = rng.random(SERIES) < 1 / 3
    start = rng.integers(12, POINTS - 6, size=SERIES)
    later = np.arange(POINTS)[None, :] >= start[:, None]
    p = np.where(shifted[:, None] & later, np.minimum(p * 1.5, 0.95), p)
    y = rng.binomial(n, p)
    return y.astype(float), n.astype(float)


def best_of(fn, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def baseline(y: np.ndarray, n: np.ndarray) -> None:
    p = y / n
    p.mean(axis=1)
    np.abs(np.diff(p, axis=1))


def main() -> int:
    y, n = make_data()
    result = p_chart_many(y, n, rules=("anhoej", "ihi", "nhs", "shewhart"))
    t_numpy = best_of(lambda: baseline(y, n))
    t_charts = best_of(lambda: p_chart_many(y, n, rules=("anhoej", "ihi", "nhs", "shewhart")))
    ratio = t_charts / t_numpy
    print(f"series x points:             {SERIES} x {POINTS}")
    print(f"series with any signal:      {int(result.signal.sum())}")
    print(f"numpy mean + moving ranges:  {t_numpy * 1e3:8.2f} ms (best of {REPEATS})")
    print(f"p_chart_many, all rules:     {t_charts * 1e3:8.2f} ms (best of {REPEATS})")
    print(f"ratio:                       {ratio:8.1f}")
    verdict = "PASS" if ratio <= GOAL else "FAIL"
    print(f"goal: ratio <= {GOAL:g}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
