"""Benchmark: a 1-million-row patient-level extract validated and aggregated by the upload path.

Writes a synthetic extract (``equitystats.synth.extract``: 83,334 patients × 12 months, poor
REaL/SOGI completeness, as CSV and as Parquet) and, for each file, runs the same code a team's
upload runs — copy the uploaded file to a private temporary file, check every row, refuse
identifiers, aggregate with DuckDB (``equitystats.stratify.from_extract``), map the groups, delete
the file — in a fresh subprocess, and reads that subprocess's peak resident memory with
``resource.getrusage``. Goal: peak memory under 1 GB (the file is streamed, never loaded whole).
Time is printed for information; this is not a timed test.

Run: ``.venv/bin/python bench/bench_upload.py``
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATIENTS = 83_334
MONTHS = 12
GOAL_MB = 1024.0
STRATIFIERS = ["race_ethnicity", "language", "sexual_orientation", "gender_identity"]


def child(path: str) -> None:
    """Run the upload path on ``path`` and print a JSON line with the figures."""
    import datetime
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pursuing_equity.settings")
    import django

    django.setup()
    from django.core.files import File

    from pursuing_equity.measures.models import Measure
    from pursuing_equity.measures.services import _check_extract

    measure = Measure(name="Bench", frequency="monthly", stratifiers=STRATIFIERS)
    started = time.perf_counter()
    with open(path, "rb") as handle:
        checked = _check_extract(
            measure, File(handle, name=Path(path).name), Path(path).name, datetime.date(2030, 1, 1)
        )
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "ok": checked.ok,
                "problems": [str(p) for p in checked.problems[:3]],
                "rows": len(checked.rows),
                "seconds": elapsed,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


def main() -> int:
    from equitystats import synth

    failed = False
    with tempfile.TemporaryDirectory(prefix="pe-bench-upload-") as folder:
        for suffix in (".csv", ".parquet"):
            out = Path(folder) / f"extract{suffix}"
            made = synth.extract(
                n_patients=PATIENTS, months=MONTHS, seed=7, completeness="poor", out=out
            )
            size_mb = out.stat().st_size / 1024 / 1024
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(out)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if result.returncode != 0:
                print(result.stderr[-2000:])
                print(f"{suffix}: FAIL (the upload path crashed)")
                failed = True
                continue
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            passed = figures["ok"] and figures["peak_mb"] < GOAL_MB
            failed |= not passed
            print(
                f"{suffix:9s} {made.n_rows:,} rows, {size_mb:6.1f} MB file: "
                f"valid={figures['ok']} {figures['rows']} aggregated rows, "
                f"{figures['seconds']:.1f} s, peak memory {figures['peak_mb']:.0f} MB "
                f"(goal < {GOAL_MB:.0f} MB) {'PASS' if passed else 'FAIL'}"
            )
            if figures["problems"]:
                print("  problems:", *figures["problems"], sep="\n  ")
    print("PASS" if not failed else "FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        sys.exit(main())
