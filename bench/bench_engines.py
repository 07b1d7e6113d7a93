"""Benchmark: the same stratification on DuckDB, PostgreSQL and Spark, side by side.

Not a timed test; run by hand from the repository root (``make bench`` runs it on 10 M rows):

    .venv/bin/python bench/bench_engines.py                    # 10M rows
    .venv/bin/python bench/bench_engines.py --rows 1000000     # quick look

The extract is the one of bench_stratify.py (``equitystats.synth.extract``, 24 months, five
stratifiers, Parquet under bench/out/). Every contender runs ``equitystats.engines.from_extract``
(monthly counts, rates and Wilson intervals for the overall, five stratifiers and
race_ethnicity × language) in its own subprocess:

* duckdb — the embedded default (hand-written single-pass DuckDB SQL);
* duckdb-ibis — the Ibis expression, compiled for DuckDB (what postgres and spark run);
* postgres — the Ibis expression on the machine's PostgreSQL (``--postgres URL``, default
  postgres://postgres@127.0.0.1:5432/postgres); the extract is loaded once with COPY into a
  scratch database that is dropped afterwards (load time printed, not counted);
* spark — the Ibis expression on Spark in local mode on 2 cores (``local[2]``).

"query s" is the work (reading the data included) after the engine is up; "command s" adds
what `equitystats stratify` pays once per run (imports, connection, for Spark starting the JVM).
Peak memory is the largest resident set of the subprocess and its children (psutil, sampled
every 50 ms): for Spark that is the Python driver plus its JVM; for PostgreSQL the client only
(the server's backends are not our children, their work memory is bounded by work_mem). Every
contender's result is checked equal to DuckDB's.

Goal (PASS/FAIL, issue 19): spark command ≤ 10 × duckdb command on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

OPTIONS = dict(
    period="month",
    strata=("race_ethnicity", "language", "sexual_orientation", "gender_identity", "age_group"),
    numerator="numerator",
    denominator="denominator",
    intersections=["race_ethnicity*language"],
)
CONTENDERS = ("duckdb", "duckdb-ibis", "postgres", "spark")
GOAL_SPARK = 10.0


def child(kind: str, path: str, url: str | None) -> None:
    started = time.perf_counter()
    import numpy as np

    from equitystats import engines

    where: dict = {"engine": kind}
    if kind == "duckdb-ibis":
        where = {"engine": "duckdb", "native_duckdb": False}
    elif kind == "postgres":
        where = {"engine": "postgres", "table": "extract"}
        path = url
    elif kind == "spark":
        os.environ.setdefault("EQUITYSTATS_SPARK_PARTITIONS", "4")
        where["spark_master"] = "local[2]"
        engines.spark_session("local[2]")
    ready = time.perf_counter()
    result = engines.from_extract(path, **where, **OPTIONS)
    done = time.perf_counter()
    digest = float(np.nansum(result.numerator * 3 + result.denominator * 7))
    print(
        json.dumps(
            {
                "query": done - ready,
                "command": done - started,
                "rows": len(result),
                "digest": digest,
            }
        )
    )


def measure(kind: str, path: Path, url: str | None) -> dict:
    import psutil

    args = [sys.executable, __file__, "--child", kind, "--path", str(path)]
    if url:
        args += ["--url", url]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed (exit {proc.returncode})")
    return json.loads(out.strip().splitlines()[-1]) | {"peak_mb": peak / 2**20}


def load_postgres(admin_url: str, path: Path) -> tuple[str, float]:
    """A scratch database with the extract as table ``extract`` (COPY from CSV)."""
    import psycopg
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from equitystats import synth

    name = f"bench_engines_{os.getpid()}"
    url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    started = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(
            "CREATE TABLE extract (month date, race_ethnicity text, language text, "
            "sexual_orientation text, gender_identity text, age_group text, "
            "numerator smallint, denominator smallint)"
        )
        parquet = pq.ParquetFile(path)
        with con.cursor().copy("COPY extract FROM STDIN (FORMAT csv, HEADER true)") as copy:
            for i, batch in enumerate(parquet.iter_batches(batch_size=500_000)):
                table = synth.decoded(pa.Table.from_batches([batch]))
                sink = io.BytesIO()
                pacsv.write_csv(
                    table, sink, write_options=pacsv.WriteOptions(include_header=i == 0)
                )
                copy.write(sink.getvalue())
        con.execute("ANALYZE extract")
    return url, time.perf_counter() - started


def drop_postgres(admin_url: str, url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", metavar="URL"
    )
    parser.add_argument("--child", choices=CONTENDERS)
    parser.add_argument("--path")
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.path, args.url)
        return

    from bench_stratify import ensure_extract

    path = ensure_extract(args.rows, args.months, args.seed, False)
    url, load_seconds = load_postgres(args.postgres, path)
    print(f"loaded {args.rows:,} rows into PostgreSQL in {load_seconds:.1f} s (not counted)")
    try:
        results = {kind: measure(kind, path, url) for kind in CONTENDERS}
    finally:
        drop_postgres(args.postgres, url)

    base = results["duckdb"]
    print()
    print(f"extract: {args.rows:,} rows, {args.months} months, 5 stratifiers + 1 intersection")
    print(
        f"{'engine':<12} {'query s':>9} {'x duckdb':>9} {'command s':>10} {'x duckdb':>9} "
        f"{'peak MB':>9} {'ns/row':>8}"
    )
    for kind, r in results.items():
        print(
            f"{kind:<12} {r['query']:>9.2f} {r['query'] / base['query']:>9.1f} "
            f"{r['command']:>10.2f} {r['command'] / base['command']:>9.1f} "
            f"{r['peak_mb']:>9.0f} {r['query'] / args.rows * 1e9:>8.0f}"
        )
    same = all(
        r["rows"] == base["rows"] and r["digest"] == base["digest"] for r in results.values()
    )
    ratio = results["spark"]["command"] / base["command"]
    print()
    print(f"{'PASS' if same else 'FAIL'}  every engine gives DuckDB's counts")
    print(f"{'PASS' if ratio <= GOAL_SPARK else 'FAIL'}  spark command {ratio:.1f} x duckdb")
    print(
        "extrapolated to 1 B rows (query s, per-row cost x 1e9): "
        + ", ".join(f"{k} {r['query'] / args.rows * 1e9:,.0f} s" for k, r in results.items())
    )


if __name__ == "__main__":
    main()
