"""Benchmark: monthly stratified rates on a 10-million-row patient-level extract.

Not a timed test; run by hand from the repository root:

    .venv/bin/python bench/bench_stratify.py            # 10M rows, best of 3
    .venv/bin/python bench/bench_stratify.py --rows 1000000 --repeat 1   # quick look

The extract (month, race_ethnicity, language, sexual_orientation, gender_identity, age_group,
numerator, denominator) is written once by ``equitystats.synth.extract`` to Parquet under
bench/out/ (gitignored) and reused while its parameters match.

Contenders, each run in its own subprocess so that its peak memory (getrusage ru_maxrss) is
its own; the rounds are interleaved (ours, bare, fairlearn, ours, …) so that load from other
processes hits them alike, and the best of ``--repeat`` rounds counts. Times cover the work
only (reading the file included), not interpreter start-up and imports.

* ours — the full pipeline: ``stratify.from_extract`` (monthly rates, standard errors and
  Wilson intervals for the overall and every stratifier, one DuckDB pass with validation),
  then per stratifier small-cell suppression (``suppress.suppress_counts`` on the periods ×
  groups numerator/denominator table) and, per stratifier and month, the disparity measures
  (``disparity.measures`` over the known categories, reference = the stratifier's reference
  group).
* bare — DuckDB alone: the same GROUP BY GROUPING SETS over the same file, sums only.
* fairlearn — ``fairlearn.metrics.MetricFrame(metrics=selection_rate)`` per stratifier with the
  month as control feature, on a pandas DataFrame (rows in the denominator; missing
  demographic values replaced by "missing", which MetricFrame requires). On more rows than
  ``--fairlearn-rows`` it runs on an evenly strided slice (every k-th row, so every month and
  group is present) and its pandas + MetricFrame time is multiplied by k; the full-file read
  is timed as is. The output says when this happens.

Goals (PASS/FAIL): ours ≤ 2 × bare; fairlearn ≥ 10 × ours; ours' peak memory < 3 GB.
Before timing, a cross-check on a small extract confirms that ours and fairlearn compute the
same group rates.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
STRATA = ("race_ethnicity", "language", "sexual_orientation", "gender_identity", "age_group")
GOAL_VS_BARE = 2.0
GOAL_VS_FAIRLEARN = 10.0
GOAL_MEMORY_MB = 3 * 1024


# ------------------------------------------------------------------ data


def ensure_extract(rows: int, months: int, seed: int, regenerate: bool) -> Path:
    from equitystats import synth

    path = OUT / f"extract_{rows}_{months}_{seed}.parquet"
    meta = path.with_suffix(".json")
    wanted = {"rows": rows, "months": months, "seed": seed, "completeness": "good"}
    if (
        path.exists()
        and meta.exists()
        and not regenerate
        and json.loads(meta.read_text()).get("params") == wanted
    ):
        return path
    started = time.perf_counter()
    result = synth.extract(
        n_patients=max(1, round(rows / months)),
        months=months,
        seed=seed,
        completeness="good",
        out=path,
    )
    seconds = time.perf_counter() - started
    meta.write_text(json.dumps({"params": wanted, "rows": result.n_rows, "seconds": seconds}))
    print(f"wrote {result.n_rows:,} rows to {path.relative_to(ROOT)} in {seconds:.1f} s")
    return path


# ------------------------------------------------------------------ contenders (children)


def run_ours(path: Path) -> dict:
    import numpy as np

    # suppress (small-cell suppression) and disparity are colleagues' modules.
    from equitystats import disparity, standards, stratify, suppress, synth

    started = time.perf_counter()
    rates = stratify.from_extract(
        path, period="month", strata=STRATA, numerator="numerator", denominator="denominator"
    )
    t_rates = time.perf_counter() - started
    suppressed = 0
    n_measures = 0
    for name in STRATA:
        part = rates.select(stratifier=name)
        periods, p_idx = np.unique(part.period, return_inverse=True)
        groups, g_idx = np.unique(part.group.astype(str), return_inverse=True)
        num = np.zeros((len(periods), len(groups)))
        den = np.zeros_like(num)
        num[p_idx, g_idx] = part.numerator
        den[p_idx, g_idx] = part.denominator
        table = suppress.suppress_counts(num, den)
        suppressed += int(table.numerators.mask.sum())
        known = ~np.isin(part.group.astype(str), standards.MISSING_CODES) & (part.denominator > 0)
        for k in range(len(periods)):
            keep = known & (p_idx == k)
            disparity.measures(
                part.group[keep].astype(str),
                part.rate[keep],
                part.se[keep],
                part.denominator[keep],
                reference=synth.REFERENCE[name],
                higher_is_better=True,
            )
            n_measures += 1
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "detail": {
            "stratify_s": round(t_rates, 3),
            "suppress_and_disparity_s": round(seconds - t_rates, 3),
            "rows_out": len(rates),
            "suppressed_cells": suppressed,
            "disparity_sets": n_measures,
        },
    }


def bare_sql(path: Path) -> str:
    columns = ", ".join(STRATA)
    sets = ", ".join(["(month)", *(f"(month, {s})" for s in STRATA)])
    return (
        f"SELECT month, {columns}, SUM(numerator) AS numerator, SUM(denominator) AS denominator "
        f"FROM read_parquet('{path}') GROUP BY GROUPING SETS ({sets})"
    )


def run_bare(path: Path) -> dict:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    result = con.sql(bare_sql(path)).to_arrow_table()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "detail": {"rows_out": result.num_rows}}


def fairlearn_rates(frame, name: str):
    from fairlearn.metrics import MetricFrame, selection_rate

    frame = frame[frame["denominator"] == 1]
    return MetricFrame(
        metrics=selection_rate,
        y_true=frame["numerator"],
        y_pred=frame["numerator"],
        sensitive_features=frame[[name]],
        control_features=frame[["month"]],
    ).by_group


def to_pandas_for_fairlearn(table):
    frame = table.to_pandas()
    for name in STRATA:
        # MetricFrame refuses missing values: give them a category of their own.
        frame[name] = frame[name].cat.add_categories("missing").fillna("missing")
    return frame


def run_fairlearn(path: Path, max_rows: int) -> dict:
    import numpy as np
    import pyarrow.parquet as pq

    started = time.perf_counter()
    table = pq.read_table(path)
    read_s = time.perf_counter() - started
    n = table.num_rows
    step = max(1, math.ceil(n / max_rows))
    if step > 1:
        table = table.take(np.arange(0, n, step))
    compute_started = time.perf_counter()
    frame = to_pandas_for_fairlearn(table)
    groups = 0
    for name in STRATA:
        groups += len(fairlearn_rates(frame, name))
    compute_s = time.perf_counter() - compute_started
    return {
        "seconds": read_s + compute_s * step,
        "detail": {
            "read_s": round(read_s, 3),
            "pandas_and_metricframe_s": round(compute_s, 3),
            "rows_used": table.num_rows,
            "scale": step,
            "groups": groups,
        },
        "note": (
            f"fairlearn ran on a {table.num_rows:,}-row slice (every {step}th row); "
            f"its pandas + MetricFrame time is scaled x{step}"
            if step > 1
            else ""
        ),
    }


def child(kind: str, path: Path, fairlearn_rows: int) -> None:
    if kind == "ours":
        result = run_ours(path)
    elif kind == "bare":
        result = run_bare(path)
    else:
        result = run_fairlearn(path, fairlearn_rows)
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def spawn(kind: str, path: Path, fairlearn_rows: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--path",
        str(path),
        "--fairlearn-rows",
        str(fairlearn_rows),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ cross-check


def cross_check(months: int, seed: int) -> float:
    """Largest difference between our group rates and fairlearn's on a small extract."""
    import numpy as np

    from equitystats import stratify, synth

    path = OUT / "crosscheck.parquet"
    synth.extract(
        n_patients=20_000, months=min(months, 6), seed=seed, completeness="good", out=path
    )
    ours = stratify.from_extract(
        path, period="month", strata=STRATA, numerator="numerator", denominator="denominator"
    )
    import pyarrow.parquet as pq

    frame = to_pandas_for_fairlearn(pq.read_table(path))
    worst = 0.0
    for name in STRATA:
        theirs = fairlearn_rates(frame, name)
        part = ours.select(stratifier=name)
        for (month, group), value in theirs.items():
            mask = (part.period == np.datetime64(month, "D")) & (part.group == group)
            if mask.any():
                worst = max(worst, abs(float(part.rate[mask][0]) - float(value)))
    return worst


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fairlearn-rows", type=int, default=250_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", choices=("ours", "bare", "fairlearn"))
    parser.add_argument("--path", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.path, args.fairlearn_rows)
        return

    import duckdb
    import fairlearn
    import pandas

    OUT.mkdir(parents=True, exist_ok=True)
    path = ensure_extract(args.rows, args.months, args.seed, args.regenerate)
    difference = cross_check(args.months, args.seed)
    print(f"cross-check: largest |ours - fairlearn| group rate difference = {difference:.2e}")
    print(
        f"versions: duckdb {duckdb.__version__}, fairlearn {fairlearn.__version__}, "
        f"pandas {pandas.__version__}, python {sys.version.split()[0]}"
    )

    contenders = ("ours", "bare", "fairlearn")
    runs: dict[str, list[dict]] = {k: [] for k in contenders}
    for round_ in range(args.repeat):
        for kind in contenders:
            runs[kind].append(spawn(kind, path, args.fairlearn_rows))
        times = ", ".join(f"{k} {runs[k][-1]['seconds']:.2f} s" for k in contenders)
        print(f"round {round_ + 1}/{args.repeat}: {times}")

    best = {k: min(r["seconds"] for r in runs[k]) for k in contenders}
    peak = {k: max(r["maxrss_mb"] for r in runs[k]) for k in contenders}
    rows = json.loads(path.with_suffix(".json").read_text())["rows"]
    print()
    print(f"extract: {rows:,} rows x {len(STRATA)} stratifiers, {args.months} months ({path.name})")
    print(f"{'contender':<10} {'best s':>9} {'all runs s':<26} {'peak MB':>9}  detail")
    for kind in contenders:
        all_runs = " ".join(f"{r['seconds']:.2f}" for r in runs[kind])
        detail = min(runs[kind], key=lambda r: r["seconds"])["detail"]
        print(f"{kind:<10} {best[kind]:>9.3f} {all_runs:<26} {peak[kind]:>9.0f}  {detail}")
    notes = {r.get("note") for r in runs["fairlearn"] if r.get("note")}
    for note in notes:
        print(f"note: {note}")

    vs_bare = best["ours"] / best["bare"]
    vs_fairlearn = best["fairlearn"] / best["ours"]
    goals = [
        (f"ours <= {GOAL_VS_BARE:g}x bare GROUP BY", vs_bare <= GOAL_VS_BARE, f"{vs_bare:.2f}x"),
        (
            f"ours >= {GOAL_VS_FAIRLEARN:g}x faster than fairlearn",
            vs_fairlearn >= GOAL_VS_FAIRLEARN,
            f"{vs_fairlearn:.1f}x",
        ),
        (
            f"ours peak memory < {GOAL_MEMORY_MB / 1024:g} GB",
            peak["ours"] < GOAL_MEMORY_MB,
            f"{peak['ours']:.0f} MB",
        ),
    ]
    print()
    for label, ok, value in goals:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {value}")


if __name__ == "__main__":
    main()
