"""Benchmark: the cohort builder's solver against its own bound.

Run from the repository root:

    .venv/bin/python bench/bench_cohorts.py                 # 40 teams (10 instances) + 1,000 teams
    .venv/bin/python bench/bench_cohorts.py --small-seeds 1 --large 300   # a quick look

Teams are synthetic, drawn like the demo network (census regions weighted by population, the demo's
mix of organization types and plausible sizes, one to three of the sixteen populations served),
scored with the builder's default preferences (alike in region and size, diverse in organization
type, alike in populations served) and grouped into cohorts of 4–5.

Goals (PASS/FAIL):

* 40 teams: the exact method proves its assignment optimal (gap 0 against the solver's bound)
  within the builder's time limit, on every instance. The median and slowest times are printed
  (no goal: they vary with the instance; the builder runs in the background).
* 1,000 teams: the local search's score is within 5 % of the best possible, measured against
  the star bound (a valid upper bound on every assignment; see ``cohort_solver``), so the real
  gap to the optimum is at most the printed one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pursuing_equity.teams.cohort_solver import (  # noqa: E402
    CohortProblem,
    Factor,
    Preference,
    TeamFeatures,
    solve,
)

REGIONS = ("Northeast", "Midwest", "South", "West", "Territories")
REGION_SHARE = (0.17, 0.21, 0.38, 0.23, 0.01)
SIZES = ("small", "medium", "large", "very_large")
SIZE_SHARE = (0.35, 0.35, 0.2, 0.1)
TYPES = (
    "fqhc",
    "community_hospital",
    "health_system",
    "safety_net_hospital",
    "academic_medical_center",
    "public_health_department",
    "other",
)
TYPE_SHARE = np.array([14, 10, 9, 8, 7, 7, 5]) / 60
POPULATIONS = tuple(f"population_{i}" for i in range(16))

FACTORS = (
    Factor("region", "Region", "category"),
    Factor("size", "Size", "ordinal", levels=SIZES),
    Factor("org_type", "Organization type", "category"),
    Factor("populations", "Populations served", "set"),
)
# The builder's defaults (pursuing_equity.teams.cohorts.DEFAULT_PREFERENCES), without Django.
PREFERENCES = {
    "region": Preference(3, True),
    "size": Preference(2, True),
    "org_type": Preference(2, False),
    "populations": Preference(1, True),
}
GOAL_LARGE_GAP = 0.05


def synthetic_teams(n: int, seed: int) -> list[TeamFeatures]:
    rng = np.random.default_rng(seed)
    teams = []
    for i in range(n):
        k = int(rng.integers(1, 4))
        teams.append(
            TeamFeatures(
                f"t{i}",
                {
                    "region": str(rng.choice(REGIONS, p=REGION_SHARE)),
                    "size": str(rng.choice(SIZES, p=SIZE_SHARE)),
                    "org_type": str(rng.choice(TYPES, p=TYPE_SHARE)),
                    "populations": frozenset(
                        rng.choice(POPULATIONS, size=k, replace=False).tolist()
                    ),
                },
            )
        )
    return teams


def run(n: int, seed: int, time_limit: float, search_seconds: float | None) -> dict:
    problem = CohortProblem(synthetic_teams(n, seed), FACTORS, PREFERENCES)
    started = time.monotonic()
    solution = solve(problem, time_limit=time_limit, search_seconds=search_seconds)
    return {
        "n": n,
        "seed": seed,
        "cohorts": len(solution.cohorts),
        "method": solution.method,
        "score": solution.total_score,
        "bound": solution.bound,
        "lp_bound": solution.lp_bound,
        "gap": solution.gap,
        "optimal": solution.optimal,
        "columns": solution.columns,
        "seconds": time.monotonic() - started,
    }


def show(row: dict) -> None:
    lp = f", LP bound {row['lp_bound']:.2f}" if row["lp_bound"] is not None else ""
    print(
        f"  n={row['n']:>5} seed={row['seed']} cohorts={row['cohorts']:>4} {row['method']:<12} "
        f"score {row['score']:.2f}  bound {row['bound']:.2f}{lp}  gap {100 * row['gap']:.3f} %  "
        f"{'optimal' if row['optimal'] else 'not proven'}  {row['seconds']:.1f} s"
        + (f"  ({row['columns']:,} possible cohorts priced)" if row["columns"] else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=40, help="Teams in the exact case.")
    parser.add_argument("--small-seeds", type=int, default=10, help="Instances of the exact case.")
    parser.add_argument("--large", type=int, default=1000, help="Teams in the large case.")
    parser.add_argument("--large-seconds", type=float, default=20.0, help="Local search time.")
    parser.add_argument("--time-limit", type=float, default=300.0, help="Exact method's limit.")
    args = parser.parse_args()

    ok = True
    print(f"== {args.small} teams, exact method (goal: proven optimal, gap 0)")
    times = []
    for seed in range(1, args.small_seeds + 1):
        row = run(args.small, seed, args.time_limit, None)
        show(row)
        ok &= row["optimal"] and row["gap"] <= 1e-9
        times.append(row["seconds"])
    print(
        f"  {args.small} teams: median {np.median(times):.1f} s, slowest {max(times):.1f} s "
        f"over {len(times)} instances"
    )
    print(f"== {args.large} teams, local search (goal: gap to the bound ≤ {GOAL_LARGE_GAP:.0%})")
    row = run(args.large, 1, args.time_limit, args.large_seconds)
    show(row)
    ok &= row["gap"] <= GOAL_LARGE_GAP
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
